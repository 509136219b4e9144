"""The roll-up facts of study (``models.SessionFact`` and the three presence facts):
how they follow every write, in one place.

The study services call these explicitly, inside their own transaction, with the
sessions they touched:

- ``facts_refresh_sessions(session_ids=...)``: recompute those sessions' facts from
  the raw rows (session facts rewritten; presence facts brought in line with the
  attendance rows; member facts recounted where a presence was lost and widened in
  place where one was gained);
- ``facts_attendance_changed(...)``: one attendance row changed status (the QR
  check-in's general path): adjust the counts in place;
- ``presence_added_ctes(source)``: the same adjustment as items of one PostgreSQL
  ``WITH`` statement, for ``services.checkin_many``;
- ``facts_rebuild()``: drop every fact and recompute them all (repair, and the
  reference the incremental paths are tested against).

The rule they share is written once, below the line "the rule": which status
counts in which session-fact column (``COUNTED``), what a presence row is
(``presence_select``), and how member facts are counted or widened from presence
rows (``member_fact_insert``). Every path builds its SQL from those, so a change to
the rule changes all of them; ``tests/test_checkin.py`` and
``reports``' incremental tests compare each path with a rebuild.

Lock order everywhere: session rows (or the session fact), then members in id order,
``FOR NO KEY UPDATE`` (it does not wait for the key-share locks that inserting an
attendance row takes on its member), so a scan, a grid save and an import of the same
member or session cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from tuyengiao.orgs.models import Member

from . import unit_members
from .models import (
    Attendance,
    MemberCampaignFact,
    MemberFact,
    PresenceFact,
    Session,
    SessionFact,
    Status,
)

_CHUNK = 500

# --- the rule ----------------------------------------------------------------------

# Which attendance status counts in which column of the session fact.
COUNTED: dict[str, str] = {
    Status.PRESENT: "present",
    Status.EXCUSED: "excused",
    Status.ABSENT: "absent",
}
# A presence (``PresenceFact``, and through it the member facts) is a row in this status.
PRESENT: str = Status.PRESENT

PRESENCE_COLUMNS = "session_id, member_id, campaign_id, unit_id, date"
MEMBER_FACT_KEYS = {"mcfact": "member_id, campaign_id", "mfact": "member_id"}


def _tables() -> dict[str, str]:
    return {
        "session": Session._meta.db_table,
        "attendance": Attendance._meta.db_table,
        "member": Member._meta.db_table,
        "sfact": SessionFact._meta.db_table,
        "pfact": PresenceFact._meta.db_table,
        "mcfact": MemberCampaignFact._meta.db_table,
        "mfact": MemberFact._meta.db_table,
    }


def presence_select(member: str = "a.member_id", *, named: bool = False) -> str:
    """The columns of a presence row (``PRESENCE_COLUMNS``) for session row ``s`` and
    the member expression ``member``; ``named``: each with its column's name."""
    values = ["s.id", member, "s.campaign_id", "s.host_id", "s.date"]
    if named:
        values = [f"{v} AS {c}" for v, c in zip(values, PRESENCE_COLUMNS.split(", "), strict=True)]
    return ", ".join(values)


def widen_on_conflict(table: str, key: str) -> str:
    """The tail of an insert into a member fact (``table``, unique on ``key``) that
    widens an existing row instead: first/last date stretched, presences added."""
    lo, hi = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    return (
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"first_date = {lo}({table}.first_date, excluded.first_date), "
        f"last_date = {hi}({table}.last_date, excluded.last_date), "
        f"presences = {table}.presences + excluded.presences"
    )


def member_fact_insert(fact: str, source: str, where: str = "", *, widen: bool) -> str:
    """Member facts (``fact``: ``"mcfact"`` or ``"mfact"``) counted from presence rows
    ``source`` (a table or subquery with ``member_id, campaign_id, date``): first and
    last date and count per key. ``widen``: add to existing rows instead of expecting
    none (after a delete)."""
    table, key = _tables()[fact], MEMBER_FACT_KEYS[fact]
    tail = f" {widen_on_conflict(table, key)}" if widen else ""
    return (
        f"INSERT INTO {table} ({key}, first_date, last_date, presences) "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"SELECT {key}, min(date), max(date), count(*) FROM {source} {where or 'WHERE true'} "
        f"GROUP BY {key}{tail}"
    )


def _session_fact_sql(where: str) -> tuple[str, list[Any]]:
    """Session facts recomputed from the raw rows (parameters: the statuses counted,
    then those of ``where``)."""
    t = _tables()
    counts = ", ".join(
        "COALESCE(SUM(CASE WHEN a.status = %s THEN 1 ELSE 0 END), 0)" for _ in COUNTED
    )
    sql = f"""
        INSERT INTO {t["sfact"]} (session_id, main_session_id, is_bridge, campaign_id, unit_id,
            date, {", ".join(COUNTED.values())}, other_attendees, public_reached)
        SELECT s.id, COALESCE(s.main_id, s.id), (s.main_id IS NOT NULL),
            s.campaign_id, s.host_id, s.date, {counts},
            s.other_attendees, s.public_reached
        FROM {t["session"]} s LEFT JOIN {t["attendance"]} a ON a.session_id = s.id
        {where}
        GROUP BY s.id, s.main_id, s.campaign_id, s.host_id, s.date, s.other_attendees,
            s.public_reached
    """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    return sql, list(COUNTED)


def _presence_fact_sql(where: str) -> str:
    """Presence rows from the raw rows (parameters: ``PRESENT``, then ``where``'s)."""
    t = _tables()
    return (
        f"INSERT INTO {t['pfact']} ({PRESENCE_COLUMNS}) SELECT {presence_select()} "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"FROM {t['attendance']} a JOIN {t['session']} s ON s.id = a.session_id "
        f"WHERE a.status = %s {where}"
    )


# --- keeping them current ----------------------------------------------------------


def _lock_members(ids: Iterable[int]) -> None:
    """Two transactions recomputing one member's facts (a grid save, an import, a QR
    scan) would both delete and both insert: lock the member rows, in id order, so
    the second works from what the first committed (SQLite serialises writers)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        list(
            Member.objects.select_for_update(no_key=True)
            .filter(pk__in=ordered[start : start + _CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _member_facts_recount(pairs: set[tuple[int, int]]) -> None:
    """Recompute the per (member, campaign) and per member facts of these pairs from
    the presence rows, the caller holding the members' locks (``_lock_members``)."""
    if not pairs:
        return
    t = _tables()
    members = sorted({m for m, _ in pairs})
    by_campaign: dict[int, set[int]] = {}
    for m, c in pairs:
        by_campaign.setdefault(c, set()).add(m)
    with connection.cursor() as cursor:
        for campaign_id, ids in sorted(by_campaign.items()):
            ordered = sorted(ids)
            for start in range(0, len(ordered), _CHUNK):
                chunk = ordered[start : start + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                where = f"WHERE campaign_id = %s AND member_id IN ({marks})"
                cursor.execute(f"DELETE FROM {t['mcfact']} {where}", [campaign_id, *chunk])  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                cursor.execute(
                    member_fact_insert("mcfact", t["pfact"], where, widen=False),
                    [campaign_id, *chunk],
                )
        for start in range(0, len(members), _CHUNK):
            chunk = members[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            where = f"WHERE member_id IN ({marks})"
            cursor.execute(f"DELETE FROM {t['mfact']} {where}", chunk)  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            cursor.execute(member_fact_insert("mfact", t["pfact"], where, widen=False), chunk)


@transaction.atomic
def facts_refresh_sessions(*, session_ids: Iterable[int]) -> None:
    """Recompute the facts of these session rows (deleted sessions lose their facts).

    Session facts are rewritten. Presence facts are brought in line with the raw
    rows instead: rows no longer backed by a present attendance (status, date,
    host or campaign changed) are deleted, missing ones inserted. The member
    facts then follow the difference: a (member, campaign) that lost a presence
    is recounted from the presence rows; one that only gained is widened in
    place (first/last date, count), as the QR path does. An import of 50.000
    present rows so touches each member's facts once instead of recounting every
    presence those members ever had.
    """
    ids = sorted({int(i) for i in session_ids if i is not None})
    t = _tables()
    lost: set[tuple[int, int]] = set()
    gained: list[tuple[int, int, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        # Two transactions refreshing one session (concurrent QR check-ins) would both
        # delete nothing the other can see and both insert: lock the session rows, in
        # id order, so the second recomputes after the first has committed.
        list(
            Session.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            SessionFact.objects.filter(session_id__in=chunk).delete()
            sql, counted = _session_fact_sql(f"WHERE s.id IN ({marks})")
            cursor.execute(sql, [*counted, *chunk])
            p = t["pfact"]
            cursor.execute(
                f"DELETE FROM {p} WHERE session_id IN ({marks}) AND NOT EXISTS ("  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                f"SELECT 1 FROM {t['attendance']} a JOIN {t['session']} s "
                f"ON s.id = a.session_id WHERE a.status = %s "
                f"AND a.session_id = {p}.session_id AND a.member_id = {p}.member_id "
                f"AND s.campaign_id = {p}.campaign_id AND s.host_id = {p}.unit_id "
                f"AND s.date = {p}.date) RETURNING member_id, campaign_id",
                [*chunk, PRESENT],
            )
            lost.update((int(m), int(c)) for m, c in cursor.fetchall())
            cursor.execute(
                _presence_fact_sql(f"AND s.id IN ({marks})")
                + " ON CONFLICT (session_id, member_id) DO NOTHING"
                + " RETURNING member_id, campaign_id, date",
                [PRESENT, *chunk],
            )
            gained.extend((int(m), int(c), d) for m, c, d in cursor.fetchall())
    # After every chunk: the member locks are taken last, so a QR scan holding one of
    # these sessions' facts while it waits for its member cannot close a cycle.
    _member_facts_follow(lost, gained)


def _member_facts_follow(lost: set[tuple[int, int]], gained: list[tuple[int, int, Any]]) -> None:
    """Member facts after presence rows were deleted (``lost`` pairs, recounted) and
    inserted (``gained`` rows of member, campaign, date: widened in place unless
    their pair or member is recounted anyway)."""
    members = {m for m, _ in lost} | {m for m, _, _ in gained}
    if not members:
        return
    _lock_members(members)
    _member_facts_recount(lost)
    recounted = {m for m, _ in lost}
    pair_rows: list[tuple[int, int, Any]] = []
    member_rows: list[tuple[int, int, Any]] = []
    for member_id, campaign_id, day in gained:
        if (member_id, campaign_id) not in lost:
            pair_rows.append((member_id, campaign_id, day))
        if member_id not in recounted:
            member_rows.append((member_id, campaign_id, day))
    _widen_from_rows("mcfact", pair_rows)
    _widen_from_rows("mfact", member_rows)


def _widen_from_rows(fact: str, rows: list[tuple[int, int, Any]]) -> None:
    """Widen member facts (or insert them) from presence rows given as values
    (member, campaign, date), in key order."""
    if not rows:
        return
    rows = sorted(rows, key=lambda r: (r[0], r[1] if fact == "mcfact" else 0))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source = (
                "unnest(%s::bigint[], %s::bigint[], %s::date[]) AS p(member_id, campaign_id, date)"
            )
            cursor.execute(
                member_fact_insert(fact, source, widen=True),
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            # SQLite: the rows as a VALUES list in a subquery, in chunks under the
            # parameter limit.
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                values = ", ".join(["(%s, %s, %s)"] * len(chunk))
                source = (
                    "(SELECT column1 AS member_id, column2 AS campaign_id, column3 AS date "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                    f"FROM (VALUES {values}))"
                )
                cursor.execute(
                    member_fact_insert(fact, source, widen=True),
                    [v for row in chunk for v in row],
                )


def facts_attendance_changed(
    *, session_id: int, member_id: int, old: str | None, new: str | None
) -> None:
    """One attendance row went from ``old`` to ``new`` status (``None``: no row):
    adjust that session's counts in place instead of recounting the session.

    QR check-in is the hot path: hundreds of members of one session scanning at
    once. A recount per scan is O(session size) under the session's lock, so the
    scans queued behind one another; an in-place ``UPDATE ... + 1`` holds the fact
    row only until commit. Called inside the writing service's transaction.
    """
    if old == new:
        return
    t = _tables()
    sets = []
    if old in COUNTED:
        sets.append(f"{COUNTED[old]} = {COUNTED[old]} - 1")
    if new in COUNTED:
        sets.append(f"{COUNTED[new]} = {COUNTED[new]} + 1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['sfact']} SET {', '.join(sets)} WHERE session_id = %s",  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            [session_id],
        )
        if cursor.rowcount == 0:  # no fact yet for this session: build it whole
            facts_refresh_sessions(session_ids=[session_id])
            return
        if old == PRESENT:
            # Rare here (a QR scan only ever makes a member present): recount the
            # member's facts from the presence rows.
            cursor.execute(
                f"DELETE FROM {t['pfact']} WHERE session_id = %s AND member_id = %s",  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                [session_id, member_id],
            )
            _lock_members([member_id])
            cursor.execute(f"SELECT campaign_id FROM {t['session']} WHERE id = %s", [session_id])  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            _member_facts_recount({(member_id, int(c)) for (c,) in cursor.fetchall()})
        if new == PRESENT:
            one = f"SELECT {presence_select('%s')} FROM {t['session']} s WHERE s.id = %s"  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            cursor.execute(
                f"INSERT INTO {t['pfact']} ({PRESENCE_COLUMNS}) {one}", [member_id, session_id]
            )
            # One more presence: widen the member's first/last dates in place, under the
            # member's lock (a recount of the member elsewhere would otherwise insert the
            # row this upsert is inserting).
            _lock_members([member_id])
            source = (
                f"(SELECT {presence_select('%s', named=True)} FROM {t['session']} s "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                "WHERE s.id = %s) p"
            )
            for fact in ("mcfact", "mfact"):
                cursor.execute(
                    member_fact_insert(fact, source, widen=True), [member_id, session_id]
                )


def presence_added_ctes(source: str) -> str:
    """The roll-up side of the QR check-in, as ``WITH`` items of one PostgreSQL
    statement (to follow others, so starting with a comma), for the rows in CTE
    ``source`` (columns ``session_id, member_id, campaign_id, host_id, date``):
    attendance rows just inserted as present, one per (session, member). They do
    what ``facts_attendance_changed(old=None, new=PRESENT)`` does for each row:

    1. ``+n`` on the session fact (``fs``); no fact row yet means nothing else
       happens here and the caller rebuilds the session's facts;
    2. the presence rows (``pf``);
    3. the members' row locks, ``FOR NO KEY UPDATE`` in id order (``lk``), then
    4. the two member-fact upserts widening first/last and counting the presences.

    The sub-statements of one ``WITH`` run in an order PostgreSQL chooses, except
    that one that reads another's output runs after it. Each step here reads the
    previous one's output (``IN (SELECT ... FROM ...)``), which keeps the lock order
    above. The item ``fs`` returns the sessions whose fact was found; the callers put
    one session in a statement, so that ``fs`` locks one row."""
    t = _tables()
    counted = f"(SELECT * FROM {source} WHERE session_id IN (SELECT session_id FROM fs))"  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    present = COUNTED[PRESENT]
    locked = "WHERE member_id IN (SELECT id FROM lk)"
    return (
        f", fs AS (UPDATE {t['sfact']} f SET {present} = f.{present} + c.n "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"FROM (SELECT session_id, count(*) AS n FROM {source} GROUP BY session_id) c "
        "WHERE f.session_id = c.session_id RETURNING f.session_id)"
        f", pf AS (INSERT INTO {t['pfact']} ({PRESENCE_COLUMNS}) "
        f"SELECT session_id, member_id, campaign_id, host_id, date FROM {counted} c)"
        f", lk AS (SELECT m.id FROM {t['member']} m "
        f"WHERE m.id IN (SELECT member_id FROM {counted} c) ORDER BY m.id FOR NO KEY UPDATE)"
        f", mc AS ({member_fact_insert('mcfact', f'{counted} c', locked, widen=True)})"
        f", mf AS ({member_fact_insert('mfact', f'{counted} c', locked, widen=True)})"
    )


@transaction.atomic
def facts_rebuild() -> dict[str, int]:
    """Drop every fact and recompute them from the raw rows (repair, and the reference
    the incremental paths are tested against)."""
    for model in (SessionFact, PresenceFact, MemberCampaignFact, MemberFact):
        model.objects.all().delete()
    unit_members.rebuild()
    t = _tables()
    with connection.cursor() as cursor:
        sql, counted = _session_fact_sql("")
        cursor.execute(sql, counted)
        cursor.execute(_presence_fact_sql(""), [PRESENT])
        cursor.execute(member_fact_insert("mcfact", t["pfact"], widen=False))
        cursor.execute(member_fact_insert("mfact", t["pfact"], widen=False))
    return {
        "sessions": SessionFact.objects.count(),
        "presence": PresenceFact.objects.count(),
        "members": MemberFact.objects.count(),
    }


def session_ids_for_codes(codes: Iterable[str]) -> list[int]:
    wanted = sorted(set(codes))
    ids: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        ids.extend(Session.objects.filter(code__in=chunk).values_list("pk", flat=True))
    return ids
