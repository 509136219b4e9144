"""Synthetic data at the benchmark scales, written with COPY (PostgreSQL) or
executemany (SQLite) straight into the tables, then the roll-up facts rebuilt.

Shape: a root (province, or the country at national scale) > communes > cells;
members sit in cells; each campaign is owned by the root and every cell holds
``sessions_per_campaign`` sessions for it, attended by its members (85% present,
10% excused, 5% absent); each commune also holds one online session per
campaign with a bridge point in each of its cells (bridge points carry their own
public reach, no roster). 3% of members are exempt. Deterministic (seeded).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from tuyengiao.orgs.services import unit_keys

if TYPE_CHECKING:
    from bench.run import BenchContext

SCALES: dict[str, dict[str, int]] = {
    # ~150 cells, ~4,500 members, ~20k attendances
    "small": {
        "provinces": 0,
        "communes": 15,
        "cells": 10,
        "members": 30,
        "campaigns": 4,
        "sessions": 1,
    },
    # ~3,000 units, ~100,000 members, ~2.5M attendances
    "province": {
        "provinces": 0,
        "communes": 100,
        "cells": 29,
        "members": 34,
        "campaigns": 5,
        "sessions": 5,
    },
    # The real tree (34 provinces, 3,321 communes from the official list) + synthetic
    # cells: ~302,000 units, ~5.4M members, ~100M attendances (PostgreSQL only, not in CI)
    "national": {
        "provinces": 34,
        "communes": 0,  # 0: each province's real communes (orgs/data/dvhc_2025.csv)
        "cells": 90,
        "members": 18,
        "campaigns": 5,
        "sessions": 4,
    },
}
YEAR = 2025
START = dt.date(2020, 1, 1)
NOW = "2025-01-01 00:00:00+00:00"


@dataclass
class Dataset:
    root_id: int
    levels: dict[str, list[int]] = field(default_factory=dict)  # level -> unit ids
    cell_members: dict[int, list[int]] = field(default_factory=dict)
    campaign_ids: list[int] = field(default_factory=list)
    document_symbols: dict[int, str] = field(default_factory=dict)  # campaign -> symbol
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """The fastest portable bulk load: COPY on PostgreSQL, executemany on SQLite."""
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 50_000:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
    return n


def reset_sequences(tables: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def generate(scale: str, seed: int = 7) -> Dataset:
    p = SCALES[scale]
    rng = random.Random(seed)
    t0 = time.perf_counter()
    units: list[tuple[Any, ...]] = []
    next_id = 1

    def unit(code: str, name: str, kind: str, parent: int | None, path: str, depth: int) -> int:
        nonlocal next_id
        uid = next_id
        next_id += 1
        units.append((uid, code, name, kind, parent, f"{path}{uid}/", depth))
        return uid

    admin: dict[int, str] = {}  # unit id -> administrative code (real units only)
    root = unit(
        "ROOT",
        "Tỉnh ủy Tổng hợp" if not p["provinces"] else "Toàn quốc",
        "Tỉnh ủy" if not p["provinces"] else "Trung ương",
        None,
        "/",
        0,
    )
    data = Dataset(root_id=root, levels={"root": [root], "province": [], "commune": [], "cell": []})
    paths = {root: f"/{root}/"}
    provinces = [root]
    real: dict[int, Any] = {}  # province unit id -> official.Province
    if p["provinces"]:
        from tuyengiao.orgs import official

        provinces = []
        for row in official.provinces()[: p["provinces"]]:
            kind = "Thành ủy" if row.name.startswith("Thành phố") else "Tỉnh ủy"
            pid = unit(f"T{row.code}", f"{kind} {row.short}", kind, root, paths[root], 1)
            admin[pid] = row.code
            paths[pid] = f"{paths[root]}{pid}/"
            provinces.append(pid)
            real[pid] = row
        data.levels["province"] = provinces
    for prov in provinces:
        depth = paths[prov].count("/") - 1
        communes = (
            [(c.code, c.party_name, c.party_kind) for c in official.communes(real[prov].code)]
            if prov in real and not p["communes"]
            else [
                (f"{prov}-{c:03d}", f"Đảng ủy xã số {c + 1}/{prov}", "Đảng ủy xã")
                for c in range(p["communes"])
            ]
        )
        for code, name, kind in communes:
            cid = unit(f"X{code}", name, kind, prov, paths[prov], depth)
            if prov in real:
                admin[cid] = code
            paths[cid] = f"{paths[prov]}{cid}/"
            data.levels["commune"].append(cid)
            for k in range(p["cells"]):
                kid = unit(
                    f"C{cid}-{k:02d}",
                    f"Chi bộ số {k + 1} xã {cid}",
                    "Chi bộ",
                    cid,
                    paths[cid],
                    depth + 1,
                )
                paths[kid] = f"{paths[cid]}{kid}/"
                data.levels["cell"].append(kid)
    ucols = [
        *("id", "code", "name", "kind", "parent_id", "path", "depth"),
        *("valid_from", "created_at", "place", "admin_code", "sort_key", "search_key"),
    ]
    vcols = ["id", "unit_id", "name", "kind", "parent_id", "path", "depth", "valid_from"]
    with transaction.atomic():
        insert_rows(
            "orgs_unit",
            ucols,
            ((*u, START, NOW, "", admin.get(u[0], ""), *unit_keys(u[2], u[1])) for u in units),
        )
        insert_rows(
            "orgs_unitversion",
            vcols,
            ((u[0], u[0], u[2], u[3], u[4], u[5], u[6], START) for u in units),
        )
        # members
        member_rows: list[tuple[Any, ...]] = []
        membership_rows: list[tuple[Any, ...]] = []
        exempt_rows: list[tuple[Any, ...]] = []
        mid = 0
        for cell in data.levels["cell"]:
            ids = []
            for _ in range(p["members"]):
                mid += 1
                ids.append(mid)
                member_rows.append(
                    (
                        mid,
                        f"DV{mid:07d}",
                        "Nguyễn",
                        "Văn",
                        f"An {mid}",
                        "nam",
                        f"an {mid:07d}",
                        f" nguyen van an {mid}",
                        NOW,
                    )
                )
                membership_rows.append((mid, mid, cell, START))
                if rng.random() < 0.03:
                    exempt_rows.append((len(exempt_rows) + 1, mid, START, ""))
            data.cell_members[cell] = ids
        insert_rows(
            "orgs_member",
            [
                "id",
                "code",
                "family_name",
                "middle_name",
                "given_name",
                "gender",
                "sort_key",
                "search_key",
                "created_at",
            ],
            member_rows,
        )
        insert_rows(
            "orgs_membership", ["id", "member_id", "unit_id", "valid_from"], membership_rows
        )
        insert_rows("orgs_exemption", ["id", "member_id", "valid_from", "reason"], exempt_rows)
        # documents and campaigns
        docs, camps, links = [], [], []
        for i in range(p["campaigns"]):
            symbol = f"{50 + i}-NQ/TW"
            docs.append(
                (
                    i + 1,
                    "party",
                    "Nghị quyết",
                    "NQ",
                    50 + i,
                    "TW",
                    "Ban Chấp hành Trung ương",
                    symbol,
                    symbol.casefold(),
                    f"Nghị quyết số {50 + i}",
                    "",
                    "in_force",
                    NOW,
                    NOW,
                )
            )
            camps.append(
                (
                    i + 1,
                    f"Học tập Nghị quyết {symbol}",
                    root,
                    "members",
                    dt.date(YEAR, 1, 1),
                    dt.date(YEAR, 12, 31),
                    95,
                    85,
                    "",
                    NOW,
                )
            )
            links.append((i + 1, i + 1, i + 1))
            data.campaign_ids.append(i + 1)
            data.document_symbols[i + 1] = symbol
        insert_rows(
            "documents_document",
            [
                "id",
                "system",
                "kind",
                "type_code",
                "number",
                "issuer_code",
                "issuer_name",
                "symbol",
                "symbol_key",
                "title",
                "body",
                "status",
                "created_at",
                "updated_at",
            ],
            docs,
        )
        insert_rows(
            "study_campaign",
            [
                "id",
                "title",
                "owner_id",
                "audiences",
                "start",
                "deadline",
                "member_target",
                "public_target",
                "note",
                "created_at",
            ],
            camps,
        )
        insert_rows("study_campaign_documents", ["id", "campaign_id", "document_id"], links)
        # sessions and attendance
        sessions: list[tuple[Any, ...]] = []
        attendance_plan: list[tuple[int, int]] = []  # (session id, cell)
        sid = 0

        def session(
            code: str,
            camp: int,
            host: int,
            day: dt.date,
            main: int | None,
            fmt: str,
            other: int,
            public: int,
        ) -> int:
            nonlocal sid
            sid += 1
            sessions.append(
                (sid, code, camp, host, main, "", day, "", fmt, False, "", other, public, NOW, NOW)
            )
            return sid

        for camp in data.campaign_ids:
            for commune in data.levels["commune"]:
                day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(360))
                main = session(
                    f"HX{commune}-{camp}",
                    camp,
                    commune,
                    day,
                    None,
                    "truc_tuyen",
                    rng.randrange(20),
                    rng.randrange(500),
                )
                for cell in range(commune + 1, commune + 1 + p["cells"]):
                    session(
                        f"HB{cell}-{camp}",
                        camp,
                        cell,
                        day,
                        main,
                        "truc_tuyen",
                        0,
                        rng.randrange(100),
                    )
            for cell in data.levels["cell"]:
                for k in range(p["sessions"]):
                    day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(360))
                    s = session(
                        f"HC{cell}-{camp}-{k}",
                        camp,
                        cell,
                        day,
                        None,
                        "truc_tiep",
                        rng.randrange(5),
                        rng.randrange(200),
                    )
                    attendance_plan.append((s, cell))
        insert_rows(
            "study_session",
            [
                "id",
                "code",
                "campaign_id",
                "host_id",
                "main_id",
                "title",
                "date",
                "place",
                "format",
                "is_makeup",
                "outside_presenters",
                "other_attendees",
                "public_reached",
                "created_at",
                "updated_at",
            ],
            sessions,
        )

        def attendance() -> Iterable[tuple[Any, ...]]:
            aid = 0
            for s, cell in attendance_plan:
                for member in data.cell_members[cell]:
                    aid += 1
                    r = rng.random()
                    status = (
                        "co_mat"
                        if r < 0.85
                        else "vang_co_ly_do"
                        if r < 0.95
                        else "vang_khong_ly_do"
                    )
                    yield (aid, s, member, status, "import", NOW)

        n_att = insert_rows(
            "study_attendance",
            ["id", "session_id", "member_id", "status", "source", "updated_at"],
            attendance(),
        )
        reset_sequences(
            [
                "orgs_unit",
                "orgs_unitversion",
                "orgs_member",
                "orgs_membership",
                "orgs_exemption",
                "documents_document",
                "study_campaign",
                "study_campaign_documents",
                "study_session",
                "study_attendance",
            ]
        )
    data.seconds["generate"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    from tuyengiao.study.facts import facts_rebuild

    facts_rebuild()
    data.seconds["facts_rebuild"] = time.perf_counter() - t1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    data.counts = {
        "units": len(units),
        "members": len(member_rows),
        "sessions": len(sessions),
        "attendances": n_att,
    }
    return data


def dataset(ctx: BenchContext) -> Dataset:
    """Generate once per run, shared by the measurement modules."""
    data = ctx.shared.get("dataset")
    if not isinstance(data, Dataset):
        data = ctx.shared["dataset"] = generate(ctx.scale)
    return data
