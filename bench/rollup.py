"""Roll-up figures for random units at every level: ours (facts + GROUP BY)
against a naive per-unit ORM loop over the raw rows and against DuckDB computing
the same figures over the same raw rows (exported to CSV, read by DuckDB once).

Keys: rollup_p95_ms, rollup_median_ms, rollup_root_ms (the whole report, every
section: what a user waits for); rollup_study_median_ms, rollup_root_study_ms (the
study figures alone: the subtree resolved and study's section, the figures the naive
loop and DuckDB compute); rollup_naive_ratio (naive / ours, the same figures),
rollup_duckdb_ratio (ours / DuckDB over the sample, the same figures),
rollup_root_duckdb_ratio (the same for the root alone), plus the data counts and
generation times; and each report section's part of the root report
(``rollup_root_section_<key>_ms``: its ``figures`` and ``latest_activity``, which the
dashboard also asks, median of 3) beside the subtree resolved once for all of them
(``rollup_root_subtree_ms``).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum

from bench.run import percentile
from bench.synthetic import YEAR, dataset

F = dt.date(YEAR, 1, 1)
D = dt.date(YEAR, 12, 31)


def _sample(data: Any, rng: random.Random) -> list[int]:
    units = [data.root_id] * 5
    for level, n in (("province", 10), ("commune", 15), ("cell", 20)):
        ids = data.levels.get(level) or []
        units += rng.sample(ids, min(n, len(ids)))
    return units


def ours(unit: Any) -> dict[str, Any]:
    """The whole report of ``unit`` (every section), and its study figures."""
    from tuyengiao.reports.selectors import report_figures

    report = report_figures(unit=unit, date_from=F, date_to=D, structure="asof", allow_empty=True)
    return _study(report.result("study").figures)


def ours_study(unit: Any) -> dict[str, Any]:
    """The study figures alone, as the report computes them: what the naive loop and
    DuckDB compute."""
    from tuyengiao.reports.sections import registered_sections
    from tuyengiao.reports.selectors import report_query

    query = report_query(unit=unit, date_from=F, date_to=D, structure="asof")
    (study,) = [s for s in registered_sections() if s.key == "study"]
    return _study(study.figures(query).figures)


def _study(f: Any) -> dict[str, Any]:
    return {
        "sessions": f.totals.sessions,
        "bridge_points": f.totals.bridge_points,
        "person_times": f.totals.person_times,
        "public": f.totals.public_reached,
        "required": f.members_required,
        "attended_any": f.members_attended,
        "attended": {c.id: c.attended for c in f.campaigns},
    }


def sections(unit: Any, runs: int = 3) -> dict[str, float]:
    """Each registered section's share of ``unit``'s report (ms, median of ``runs``):
    what ``report_figures`` spends on it, on the subtree resolved once."""
    from tuyengiao.orgs.subtree import resolve_subtree
    from tuyengiao.reports.sections import registered_sections
    from tuyengiao.reports.selectors import report_query

    def timed(call: Any) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return round(percentile(times, 50) * 1000, 1)

    out = {"subtree": timed(lambda: resolve_subtree(unit, D, "asof"))}
    query = report_query(unit=unit, date_from=F, date_to=D, structure="asof")
    for section in registered_sections():
        out[section.key] = timed(lambda s=section: (s.figures(query), s.latest_activity(unit, D)))
    return out


def naive(unit: Any) -> dict[str, Any]:
    """What one would write without the roll-up: walk the tree, query per unit."""
    from tuyengiao.orgs.models import Exemption, Membership, Unit
    from tuyengiao.study.models import Attendance, Campaign, Session

    ids, stack = [], [unit]
    while stack:
        u = stack.pop()
        ids.append(u.pk)
        stack.extend(Unit.objects.filter(parent=u))
    campaigns = list(Campaign.objects.values_list("pk", flat=True))
    out: dict[str, Any] = {
        "sessions": 0,
        "bridge_points": 0,
        "person_times": 0,
        "public": 0,
        "required": 0,
        "attended_any": 0,
        "attended": dict.fromkeys(campaigns, 0),
    }
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=D)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=D)
    )
    exempt = Exemption.objects.filter(valid).values("member_id")
    for uid in ids:
        sessions = Session.objects.filter(host_id=uid, date__gte=F, date__lte=D)
        agg = sessions.aggregate(
            mains=Count("pk", filter=Q(main__isnull=True)),
            bridges=Count("pk", filter=Q(main__isnull=False)),
            other=Sum("other_attendees"),
            public=Sum("public_reached"),
        )
        out["sessions"] += agg["mains"]
        out["bridge_points"] += agg["bridges"]
        out["public"] += agg["public"] or 0
        out["person_times"] += (agg["other"] or 0) + Attendance.objects.filter(
            session__in=sessions, status="co_mat"
        ).count()
        members = Membership.objects.filter(valid, unit_id=uid).exclude(member_id__in=exempt)
        out["required"] += members.count()

        def attended(members: Any = members, **campaign: int) -> int:
            """Distinct required members of the unit present in the period."""
            return (
                Attendance.objects.filter(
                    status="co_mat",
                    session__date__gte=F,
                    session__date__lte=D,
                    member_id__in=members.values("member_id"),
                    **campaign,
                )
                .values("member_id")
                .distinct()
                .count()
            )

        out["attended_any"] += attended()
        for c in campaigns:
            out["attended"][c] += attended(session__campaign_id=c)
    return out


EXPORTS = {
    "uv": "SELECT unit_id, path, valid_from, valid_to FROM orgs_unitversion",
    "session": "SELECT id, main_id, campaign_id, host_id, date, other_attendees, public_reached "
    "FROM study_session",
    "attendance": "SELECT session_id, member_id, status FROM study_attendance",
    "membership": "SELECT member_id, unit_id, valid_from, valid_to FROM orgs_membership",
    "exemption": "SELECT member_id, valid_from, valid_to FROM orgs_exemption",
}


def _duckdb(folder: Path) -> Any:
    import duckdb

    con = duckdb.connect()
    with connection.cursor() as cursor:
        for name, sql in EXPORTS.items():
            path = folder / f"{name}.csv"
            if connection.vendor == "postgresql":
                with (
                    path.open("wb") as fh,
                    cursor.cursor.copy(
                        f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    for block in copy:
                        fh.write(block)
            else:
                cursor.execute(sql)
                with path.open("w", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow([c[0] for c in cursor.description])
                    while rows := cursor.fetchmany(50_000):
                        w.writerows(rows)
            types = {c: "DATE" for c in ("valid_from", "valid_to", "date") if c in sql}
            types |= {c: "BIGINT" for c in ("main_id",) if c in sql}
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true"
                + (f", types={types!r})" if types else ")")
            )
    return con


DUCK_SQL = """
WITH units AS (
  SELECT unit_id, path FROM uv WHERE starts_with(path, $p)
   AND (valid_from IS NULL OR valid_from <= $d) AND (valid_to IS NULL OR valid_to > $d)),
s AS (SELECT s.* FROM session s JOIN units u ON u.unit_id = s.host_id
       WHERE s.date BETWEEN $f AND $d),
members AS (
  SELECT m.member_id FROM membership m JOIN units u ON u.unit_id = m.unit_id
   WHERE (m.valid_from IS NULL OR m.valid_from <= $d) AND (m.valid_to IS NULL OR m.valid_to > $d)
     AND m.member_id NOT IN (SELECT member_id FROM exemption
       WHERE (valid_from IS NULL OR valid_from <= $d) AND (valid_to IS NULL OR valid_to > $d)))
SELECT
  (SELECT count(*) FILTER (WHERE main_id IS NULL) FROM s),
  (SELECT count(*) FILTER (WHERE main_id IS NOT NULL) FROM s),
  (SELECT count(*) FROM attendance a JOIN s ON s.id = a.session_id WHERE a.status = 'co_mat')
    + (SELECT coalesce(sum(other_attendees), 0) FROM s),
  (SELECT coalesce(sum(public_reached), 0) FROM s),
  (SELECT count(*) FROM members),
  (SELECT count(DISTINCT a.member_id) FROM attendance a JOIN session s2 ON s2.id = a.session_id
    WHERE a.status = 'co_mat' AND s2.date BETWEEN $f AND $d
      AND a.member_id IN (SELECT member_id FROM members)),
  (SELECT list(struct_pack(c := campaign_id, n := n)) FROM (
     SELECT s2.campaign_id, count(DISTINCT a.member_id) AS n
       FROM attendance a JOIN session s2 ON s2.id = a.session_id
      WHERE a.status = 'co_mat' AND s2.date BETWEEN $f AND $d
        AND a.member_id IN (SELECT member_id FROM members)
      GROUP BY s2.campaign_id))
"""


def duck(con: Any, path: str) -> dict[str, Any]:
    row = con.execute(DUCK_SQL, {"p": path, "f": F, "d": D}).fetchone()
    return {
        "sessions": row[0],
        "bridge_points": row[1],
        "person_times": row[2],
        "public": row[3],
        "required": row[4],
        "attended_any": row[5],
        "attended": {x["c"]: x["n"] for x in (row[6] or [])},
    }


def _compare(a: dict[str, Any], b: dict[str, Any], what: str) -> None:
    a_att = {k: v for k, v in a["attended"].items() if v}
    b_att = {k: v for k, v in b["attended"].items() if v}
    if {**a, "attended": a_att} != {**b, "attended": b_att}:
        raise AssertionError(f"{what} disagrees with the roll-up: {a} != {b}")


def measure(ctx: Any) -> dict[str, Any]:
    from tuyengiao.orgs.models import Unit

    data = dataset(ctx)
    rng = random.Random(11)
    sample = _sample(data, rng)
    units = Unit.objects.in_bulk(set(sample))
    ours(units[data.root_id])  # warm caches
    times, results = [], {}
    for uid in sample:
        start = time.perf_counter()
        results[uid] = ours(units[uid])
        times.append(time.perf_counter() - start)
    report_by_unit: dict[int, float] = {}
    for uid, t in zip(sample, times, strict=True):
        report_by_unit[uid] = min(t, report_by_unit.get(uid, t))
    study_times, by_unit = [], {}  # the same figures alone, for the ratios
    for uid in sample:
        start = time.perf_counter()
        got = ours_study(units[uid])
        study_times.append(time.perf_counter() - start)
        by_unit[uid] = min(study_times[-1], by_unit.get(uid, study_times[-1]))
        _compare(results[uid], got, "the study section alone")

    # naive: the root once (province scale and below), some communes and cells (at
    # national scale a province's naive loop is ~100,000 queries: left out)
    small = set(data.levels["commune"]) | set(data.levels["cell"])
    naive_units = [u for u in dict.fromkeys(sample) if u in small][:12]
    if ctx.scale != "national":
        naive_units.insert(0, data.root_id)
    naive_time = ours_time = 0.0
    for uid in naive_units:
        start = time.perf_counter()
        got = naive(units[uid])
        naive_time += time.perf_counter() - start
        ours_time += by_unit[uid]
        _compare(results[uid], got, "naive loop")

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        con = _duckdb(Path(folder))
        load_s = time.perf_counter() - start
        duck_time = ours_total = 0.0
        duck_by_unit: dict[int, float] = {}
        for uid in dict.fromkeys(sample):
            duck(con, units[uid].path)  # warm
            start = time.perf_counter()
            got = duck(con, units[uid].path)
            duck_by_unit[uid] = time.perf_counter() - start
            duck_time += duck_by_unit[uid]
            ours_total += by_unit[uid]
            _compare(results[uid], got, "DuckDB")
    parts = sections(units[data.root_id])
    return {
        **{f"data_{k}": v for k, v in data.counts.items()},
        "data_generate_s": round(data.seconds["generate"], 1),
        "facts_rebuild_s": round(data.seconds["facts_rebuild"], 1),
        **{
            f"data_{k}_s": round(v, 1)
            for k, v in data.seconds.items()
            if k in ("indexes", "vacuum_analyze")
        },
        "rollup_samples": len(times),
        "rollup_p95_ms": round(percentile(times, 95) * 1000, 1),
        "rollup_median_ms": round(percentile(times, 50) * 1000, 1),
        "rollup_root_ms": round(report_by_unit[data.root_id] * 1000, 1),
        "rollup_study_median_ms": round(percentile(study_times, 50) * 1000, 1),
        "rollup_root_study_ms": round(by_unit[data.root_id] * 1000, 1),
        "rollup_naive_ratio": round(naive_time / ours_time, 1),
        "rollup_duckdb_ratio": round(ours_total / duck_time, 2),
        "rollup_root_duckdb_ms": round(duck_by_unit[data.root_id] * 1000, 1),
        "rollup_root_duckdb_ratio": round(by_unit[data.root_id] / duck_by_unit[data.root_id], 2),
        "duckdb_load_s": round(load_s, 1),
        "rollup_root_subtree_ms": parts.pop("subtree"),
        **{f"rollup_root_section_{key}_ms": ms for key, ms in parts.items()},
    }
