"""Writes of the reports app: keeping the roll-up facts current, and report requests.

``facts_refresh_sessions`` is called by the study services (and the study sheets
of the import) in the same transaction as the write it follows, with the ids of
every session row touched. It deletes those sessions' facts and recomputes them
from the raw rows with two ``INSERT ... SELECT`` statements, so the facts are
never stale and a rebuild gives the same rows by construction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from .models import (
    MemberCampaignFact,
    MemberFact,
    PresenceFact,
    ReportRequest,
    RequestStatus,
    SessionFact,
)

PRESENT = "co_mat"
EXCUSED = "vang_co_ly_do"
ABSENT = "vang_khong_ly_do"
_CHUNK = 500


def _tables() -> dict[str, str]:
    return {
        "session": apps.get_model("study", "Session")._meta.db_table,
        "attendance": apps.get_model("study", "Attendance")._meta.db_table,
        "sfact": SessionFact._meta.db_table,
        "pfact": PresenceFact._meta.db_table,
        "mcfact": MemberCampaignFact._meta.db_table,
        "mfact": MemberFact._meta.db_table,
    }


def _session_fact_sql(where: str) -> str:
    t = _tables()
    return f"""
        INSERT INTO {t["sfact"]} (session_id, main_session_id, is_bridge, campaign_id, unit_id,
            date, present, excused, absent, other_attendees, public_reached)
        SELECT s.id, COALESCE(s.main_id, s.id), CASE WHEN s.main_id IS NULL THEN 0 ELSE 1 END,
            s.campaign_id, s.host_id, s.date,
            COALESCE(SUM(CASE WHEN a.status = '{PRESENT}' THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN a.status = '{EXCUSED}' THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN a.status = '{ABSENT}' THEN 1 ELSE 0 END), 0),
            s.other_attendees, s.public_reached
        FROM {t["session"]} s LEFT JOIN {t["attendance"]} a ON a.session_id = s.id
        {where}
        GROUP BY s.id, s.main_id, s.campaign_id, s.host_id, s.date, s.other_attendees,
            s.public_reached
    """


def _presence_fact_sql(where: str) -> str:
    t = _tables()
    return f"""
        INSERT INTO {t["pfact"]} (session_id, member_id, campaign_id, unit_id, date)
        SELECT s.id, a.member_id, s.campaign_id, s.host_id, s.date
        FROM {t["attendance"]} a JOIN {t["session"]} s ON s.id = a.session_id
        WHERE a.status = '{PRESENT}' {where}
    """


def _bool_fix(sql: str) -> str:
    # PostgreSQL will not cast an integer CASE to boolean on insert; SQLite stores 0/1.
    if connection.vendor == "postgresql":
        return sql.replace(
            "CASE WHEN s.main_id IS NULL THEN 0 ELSE 1 END", "(s.main_id IS NOT NULL)"
        )
    return sql


def _member_campaign_fact_sql(where: str) -> str:
    t = _tables()
    return f"""
        INSERT INTO {t["mcfact"]} (member_id, campaign_id, first_date, last_date, presences)
        SELECT member_id, campaign_id, MIN(date), MAX(date), COUNT(*)
        FROM {t["pfact"]} {where}
        GROUP BY member_id, campaign_id
    """


def _member_fact_sql(where: str) -> str:
    t = _tables()
    return f"""
        INSERT INTO {t["mfact"]} (member_id, first_date, last_date, presences)
        SELECT member_id, MIN(date), MAX(date), COUNT(*)
        FROM {t["pfact"]} {where}
        GROUP BY member_id
    """


def _lock_members(ids: Iterable[int]) -> None:
    """Two transactions recomputing one member's facts (a grid save, an import, a QR
    scan) would both delete and both insert: lock the member rows, in id order, so
    the second works from what the first committed. ``FOR NO KEY UPDATE``
    (PostgreSQL; SQLite serialises writers anyway) does not wait for the key-share
    locks that inserting an attendance row takes on its member, so two services that
    both added a row for the member cannot deadlock here."""
    member_model = apps.get_model("orgs", "Member")
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        list(
            member_model.objects.select_for_update(no_key=True)
            .filter(pk__in=ordered[start : start + _CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


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


def _member_facts_refresh(pairs: set[tuple[int, int]]) -> None:
    """Recompute the per (member, campaign) and per member facts of these pairs from
    the presence rows (which the caller has just rewritten), the caller holding the
    members' locks (``_lock_members``)."""
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
                cursor.execute(f"DELETE FROM {t['mcfact']} {where}", [campaign_id, *chunk])
                cursor.execute(_member_campaign_fact_sql(where), [campaign_id, *chunk])
        for start in range(0, len(members), _CHUNK):
            chunk = members[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            where = f"WHERE member_id IN ({marks})"
            cursor.execute(f"DELETE FROM {t['mfact']} {where}", chunk)
            cursor.execute(_member_fact_sql(where), chunk)


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
    session_model = apps.get_model("study", "Session")
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
            session_model.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            SessionFact.objects.filter(session_id__in=chunk).delete()
            cursor.execute(_bool_fix(_session_fact_sql(f"WHERE s.id IN ({marks})")), chunk)
            cursor.execute(
                f"DELETE FROM {t['pfact']} WHERE session_id IN ({marks}) AND NOT EXISTS ("
                f"SELECT 1 FROM {t['attendance']} a JOIN {t['session']} s "
                f"ON s.id = a.session_id WHERE a.session_id = {t['pfact']}.session_id "
                f"AND a.member_id = {t['pfact']}.member_id AND a.status = '{PRESENT}' "
                f"AND s.campaign_id = {t['pfact']}.campaign_id "
                f"AND s.host_id = {t['pfact']}.unit_id AND s.date = {t['pfact']}.date) "
                "RETURNING member_id, campaign_id",
                chunk,
            )
            lost.update((int(m), int(c)) for m, c in cursor.fetchall())
            cursor.execute(
                _presence_fact_sql(f"AND s.id IN ({marks})")
                + " ON CONFLICT (session_id, member_id) DO NOTHING"
                + " RETURNING member_id, campaign_id, date",
                chunk,
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
    _member_facts_refresh(lost)
    recounted = {m for m, _ in lost}
    per_pair: dict[tuple[int, int], list[Any]] = {}
    per_member: dict[int, list[Any]] = {}
    for member_id, campaign_id, day in gained:
        if (member_id, campaign_id) not in lost:
            _widen(per_pair.setdefault((member_id, campaign_id), [day, day, 0]), day)
        if member_id not in recounted:
            _widen(per_member.setdefault(member_id, [day, day, 0]), day)
    t = _tables()
    _upsert_widened(
        t["mcfact"],
        "member_id, campaign_id",
        [(m, c, *span) for (m, c), span in sorted(per_pair.items())],
    )
    _upsert_widened(t["mfact"], "member_id", [(m, *span) for m, span in sorted(per_member.items())])


def _widen(span: list[Any], day: Any) -> None:
    span[0], span[1], span[2] = min(span[0], day), max(span[1], day), span[2] + 1


def _upsert_widened(table: str, key: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert member-fact rows, or widen existing ones: first/last date, count added."""
    if not rows:
        return
    columns = f"{key}, first_date, last_date, presences"
    update = widen_on_conflict(table, key)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            n = len(rows[0])
            types = ["bigint"] * (n - 3) + ["date", "date", "integer"]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) {update}",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks}) {update}", rows)


_COUNT_COLUMN = {PRESENT: "present", EXCUSED: "excused", ABSENT: "absent"}


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
    if old in _COUNT_COLUMN:
        sets.append(f"{_COUNT_COLUMN[old]} = {_COUNT_COLUMN[old]} - 1")
    if new in _COUNT_COLUMN:
        sets.append(f"{_COUNT_COLUMN[new]} = {_COUNT_COLUMN[new]} + 1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['sfact']} SET {', '.join(sets)} WHERE session_id = %s", [session_id]
        )
        if cursor.rowcount == 0:  # no fact yet for this session: build it whole
            facts_refresh_sessions(session_ids=[session_id])
            return
        if old == PRESENT:
            # Rare here (a QR scan only ever makes a member present): recount the
            # member's facts from the presence rows.
            cursor.execute(
                f"DELETE FROM {t['pfact']} WHERE session_id = %s AND member_id = %s",
                [session_id, member_id],
            )
            _lock_members([member_id])
            _member_facts_refresh({(member_id, c) for c in _campaigns_of(cursor, session_id)})
        if new == PRESENT:
            cursor.execute(
                f"INSERT INTO {t['pfact']} (session_id, member_id, campaign_id, unit_id, date) "
                f"SELECT s.id, %s, s.campaign_id, s.host_id, s.date FROM {t['session']} s "
                "WHERE s.id = %s",
                [member_id, session_id],
            )
            # One more presence: widen the member's first/last dates in place, under the
            # member's lock (a recount of the member elsewhere would otherwise insert the
            # row this upsert is inserting).
            _lock_members([member_id])
            for table, key, campaign in (
                (t["mcfact"], "member_id, campaign_id", ", s.campaign_id"),
                (t["mfact"], "member_id", ""),
            ):
                cursor.execute(
                    f"INSERT INTO {table} ({key}, first_date, last_date, presences) "
                    f"SELECT %s{campaign}, s.date, s.date, 1 FROM {t['session']} s "
                    f"WHERE s.id = %s {widen_on_conflict(table, key)}",
                    [member_id, session_id],
                )


def _campaigns_of(cursor: Any, session_id: int) -> list[int]:
    t = _tables()
    cursor.execute(f"SELECT campaign_id FROM {t['session']} WHERE id = %s", [session_id])
    return [int(row[0]) for row in cursor.fetchall()]


@transaction.atomic
def facts_rebuild() -> dict[str, int]:
    """Drop every fact and recompute them from the raw rows (repair, and the reference
    the incremental path is tested against)."""
    for model in (SessionFact, PresenceFact, MemberCampaignFact, MemberFact):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_bool_fix(_session_fact_sql("")))
        cursor.execute(_presence_fact_sql(""))
        cursor.execute(_member_campaign_fact_sql(""))
        cursor.execute(_member_fact_sql(""))
    return {
        "sessions": SessionFact.objects.count(),
        "presence": PresenceFact.objects.count(),
        "members": MemberFact.objects.count(),
    }


P = ParamSpec("P")
R = TypeVar("R")


def keeps_facts(
    ids_of: Callable[[dict[str, Any], Any], Iterable[int]],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a study service (inside its ``@transaction.atomic``) so that the facts
    of the sessions it touched are refreshed before its transaction commits.
    ``ids_of(kwargs, result)`` names those sessions; the services are keyword-only."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            result = fn(*args, **kwargs)
            facts_refresh_sessions(session_ids=ids_of(kwargs, result))
            return result

        return wrapper

    return decorate


def session_ids_for_codes(codes: Iterable[str]) -> list[int]:
    model = apps.get_model("study", "Session")
    wanted = sorted(set(codes))
    ids: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        ids.extend(model.objects.filter(code__in=chunk).values_list("pk", flat=True))
    return ids


# --- report requests (the page's background reports) --------------------------------


def validate_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is None or date_to is None:
        raise ValidationError("Cần nhập đủ từ ngày và đến ngày (dd/mm/yyyy).")
    if date_to < date_from:
        raise ValidationError(
            f"Khoảng thời gian không hợp lệ: 'đến ngày' ({date_to:%d/%m/%Y}) đứng trước "
            f"'từ ngày' ({date_from:%d/%m/%Y})."
        )


@transaction.atomic
def report_request_create(
    *, actor: Any, unit: Any, date_from: dt.date, date_to: dt.date, structure: str, format: str
) -> ReportRequest:
    """A report file asked for by a user who writes (staff, secretaries) and can see
    ``unit``; a member, or a unit out of scope, is refused."""
    from tuyengiao.orgs import access

    scope = access.scope_of(actor)
    if scope is None or not scope.can_write or not access.can_see_unit(actor, unit):
        raise PermissionDenied("Bạn không có quyền lập báo cáo cho đơn vị này.")
    validate_period(date_from, date_to)
    return ReportRequest.objects.create(
        requested_by=actor,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        structure=structure,
        format=format,
    )


def _progress(request: ReportRequest, percent: int, message: str = "") -> None:
    request.progress = percent
    request.message = message
    request.save(update_fields=["progress", "message", "status"])


def report_request_run(*, request_id: int) -> ReportRequest:
    """Compute the figures and build the file; progress is saved between the steps
    so the page can show it."""
    from .builders import build_report
    from .selectors import EmptyPeriod, report_figures

    request = ReportRequest.objects.select_related("unit").get(pk=request_id)
    request.status = RequestStatus.RUNNING
    _progress(request, 10, "Đang tổng hợp số liệu")
    try:
        figures = report_figures(
            unit=request.unit,
            date_from=request.date_from,
            date_to=request.date_to,
            structure=request.structure,
        )
        _progress(request, 60, "Đang tạo tệp báo cáo")
        content, filename = build_report(figures, request.format)
    except (EmptyPeriod, ValidationError) as exc:
        request.status = RequestStatus.FAILED
        request.message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        request.finished_at = timezone.now()
        request.save(update_fields=["status", "message", "finished_at"])
        return request
    request.content = content
    request.filename = filename
    request.status = RequestStatus.DONE
    request.progress = 100
    request.message = "Đã tạo xong báo cáo"
    request.finished_at = timezone.now()
    request.save(
        update_fields=["content", "filename", "status", "progress", "message", "finished_at"]
    )
    return request
