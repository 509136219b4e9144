"""Workbook sheets ``Hội nghị`` (order 40) and ``Điểm danh`` (order 50).

``Hội nghị``: a session belongs to the campaign for its document that covers its
host unit (the closest owner above the host that started on or before the
session date). Where none covers the host at all, the import creates one for
that document owned by the topmost unit of the host's tree, with the default
targets, and names it in the sheet's notes.

``Điểm danh``: one row per (session, member); the whole sheet is checked in
memory against the memberships and unit versions fetched in a few queries, then
written by ``services.attendance_bulk_set`` in bulk, so a big file imports at
tens of thousands of rows per second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q

from tuyengiao.documents.models import Document
from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    ImportIssue,
    ImportRejected,
    SheetCounts,
    SheetSpec,
    enum_parser,
    parse_date_cell,
    parse_int_cell,
    register_sheet,
)
from tuyengiao.lib.codes import code_cell_parser, lost_zeros_hint
from tuyengiao.orgs import access
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.orgs.models import Member, Membership, Unit, UnitVersion
from tuyengiao.orgs.sheets import MEMBER_CODE, UNIT_CODE, digit_variants

from . import access as study_access
from . import services
from .models import Campaign, Format, Session, Status

SESSION_SHEET = "Hội nghị"
ATTENDANCE_SHEET = "Điểm danh"
DOCUMENT_SHEET = "Văn bản"
UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"


@dataclass(frozen=True)
class SessionSheetRow:
    sheet: str
    row: int
    code: str
    unit_code: str
    symbol: str
    title: str
    date: dt.date
    format: str
    main_code: str
    other_attendees: int | None
    public_reached: int | None


@dataclass(frozen=True)
class AttendanceSheetRow:
    sheet: str
    row: int
    session_code: str
    member_code: str
    status: str


def symbol_key(symbol: str) -> str:
    return "".join(symbol.split()).lower()


def _messages(exc: Exception) -> str:
    found = getattr(exc, "messages", None) or [exc.args[0] if exc.args else exc]
    return " ".join(str(m) for m in found)


def _codes_in_sheet(ctx: ImportContext, sheet: str, field: str) -> set[str]:
    return {getattr(r, field) for r in ctx.records.get(sheet, [])}


def _documents_by_key(keys: set[str]) -> dict[str, list[Document]]:
    found: dict[str, list[Document]] = defaultdict(list)
    if keys:
        # Our key of the stored symbol, so that any key the documents app derives
        # (or none yet) still matches "57-NQ/TW", "57-nq/tw", "57 - NQ/TW".
        upper = {k.upper() for k in keys}
        rows = Document.objects.filter(Q(symbol_key__in=keys) | Q(symbol__in=upper))
        for d in rows.order_by("-issue_date", "-id"):
            key = symbol_key(d.symbol)
            if key in keys and d not in found[key]:
                found[key].append(d)
    return found


def _pick_document(candidates: list[Document], day: dt.date) -> Document:
    """A symbol can repeat across congress terms: take the newest issued by the day."""
    for d in candidates:
        if d.issue_date is None or d.issue_date <= day:
            return d
    return candidates[-1]


# --- Hội nghị ---------------------------------------------------------------------------


def validate_sessions(rows: list[SessionSheetRow], ctx: ImportContext) -> None:
    unit_codes = {r.unit_code for r in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    units_in_sheet = _codes_in_sheet(ctx, UNIT_SHEET, "code")
    docs = _documents_by_key({symbol_key(r.symbol) for r in rows})
    docs_in_sheet = {symbol_key(s) for s in _codes_in_sheet(ctx, DOCUMENT_SHEET, "symbol")}
    in_sheet = {r.code: r for r in rows}
    existing = {
        s.code: s
        for s in Session.objects.filter(
            code__in=set(in_sheet) | {r.main_code for r in rows if r.main_code}
        ).select_related("host")
    }
    for r in rows:
        unit = units.get(r.unit_code)
        if unit is None and r.unit_code not in units_in_sheet:
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                "Không tìm thấy đơn vị." + lost_zeros_hint(r.unit_code),
            )
        elif unit is not None and not unit.is_valid_on(r.date):
            ctx.error(
                r.sheet,
                r.row,
                "Ngày",
                r.date,
                f"Đơn vị {unit.name} không có hiệu lực vào ngày này.",
            )
        old = existing.get(r.code)
        main = existing.get(r.main_code) if r.main_code else None
        if unit is not None:
            try:
                services.check_session_row(
                    ctx.actor,
                    host=unit,
                    old_host=old.host if old else None,
                    main_host=main.host if main else None,
                )
            except PermissionDenied as exc:
                column, value = (
                    ("Mã hội nghị", r.code)
                    if old is not None and old.host.pk != unit.pk
                    else ("Mã hội nghị chính", r.main_code)
                    if main is not None and "điểm cầu" in _messages(exc)
                    else ("Mã đơn vị", r.unit_code)
                )
                ctx.error(r.sheet, r.row, column, value, _messages(exc))
        key = symbol_key(r.symbol)
        if key not in docs and key not in docs_in_sheet:
            ctx.error(
                r.sheet,
                r.row,
                "Số hiệu văn bản",
                r.symbol,
                "Văn bản chưa được đăng ký (và không có trong trang 'Văn bản').",
            )
        if r.main_code:
            if r.main_code == r.code:
                ctx.error(
                    r.sheet, r.row, "Mã hội nghị chính", r.main_code, "Không thể là chính nó."
                )
                continue
            main_row = in_sheet.get(r.main_code)
            main = existing.get(r.main_code)
            if main_row is None and main is None:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã hội nghị chính",
                    r.main_code,
                    "Không tìm thấy hội nghị chính.",
                )
                continue
            if main_row is not None:
                main_is_bridge = bool(main_row.main_code)
                main_format, main_date = main_row.format, main_row.date
            else:
                assert main is not None  # noqa: S101  narrows the type for mypy; one of the two was found just above
                main_is_bridge = main.main_id is not None
                main_format, main_date = main.format, main.date
            if main_is_bridge:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã hội nghị chính",
                    r.main_code,
                    "Hội nghị chính lại là một điểm cầu; điểm cầu phải trỏ tới hội nghị chính.",
                )
            elif main_format == Format.IN_PERSON:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã hội nghị chính",
                    r.main_code,
                    "Hội nghị chính là hội nghị trực tiếp, không có điểm cầu.",
                )
            elif main_date != r.date:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Ngày",
                    r.date,
                    "Điểm cầu phải cùng ngày với hội nghị chính.",
                )


def _root_of(unit: Unit) -> int:
    return int(unit.path.strip("/").split("/")[0])


def _owner_of(unit: Unit, actor: Any) -> int:
    return services.campaign_owner_for(actor, unit, top=_root_of(unit))


def commit_sessions(rows: list[SessionSheetRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    docs = _documents_by_key({symbol_key(r.symbol) for r in rows})
    doc_ids = {d.pk for ds in docs.values() for d in ds}
    campaigns = list(
        Campaign.objects.filter(documents__in=doc_ids)
        .select_related("owner")
        .prefetch_related("documents")
        .distinct()
    )
    issues: list[ImportIssue] = []
    created_campaigns: dict[tuple[int, int], Campaign] = {}
    resolved: list[services.SessionRow] = []
    # Campaigns the import has to create: one per (document, root), spanning its rows.
    spans: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    plans: list[tuple[SessionSheetRow, Unit, Document, Campaign | None]] = []
    for r in rows:
        unit = units[r.unit_code]
        doc = _pick_document(docs[symbol_key(r.symbol)], r.date)
        covering = [
            c
            for c in campaigns
            if study_access.campaign_covers(c, unit)
            and any(d.pk == doc.pk for d in c.documents.all())
        ]
        if covering:
            started = [c for c in covering if c.start <= r.date]
            if not started:
                first = min(c.start for c in covering)
                issues.append(
                    ImportIssue(
                        r.sheet,
                        r.row,
                        "Ngày",
                        r.date.strftime("%d/%m/%Y"),
                        f"Trước ngày bắt đầu đợt học tập ({first:%d/%m/%Y}).",
                    )
                )
                continue
            started.sort(key=lambda c: (len(c.owner.path), c.start))
            plans.append((r, unit, doc, started[-1]))
        else:
            spans[(doc.pk, _owner_of(unit, ctx.actor))].append(r.date)
            plans.append((r, unit, doc, None))
    if issues:
        raise ImportRejected(issues)
    roots = {u.pk: u for u in Unit.objects.filter(pk__in={k[1] for k in spans})}
    doc_by_id = {d.pk: d for ds in docs.values() for d in ds}
    for (doc_id, root_id), dates in spans.items():
        doc = doc_by_id[doc_id]
        try:
            campaign = services.campaign_create(
                actor=ctx.actor,
                title=f"Học tập, quán triệt {doc.kind} {doc.symbol}",
                documents=[doc],
                owner=roots[root_id],
                start=min(dates),
                deadline=max(dates),
            )
        except (PermissionDenied, ValidationError) as exc:
            for r, unit, plan_doc, found in plans:
                if found is None and (plan_doc.pk, _owner_of(unit, ctx.actor)) == (doc_id, root_id):
                    issues.append(
                        ImportIssue(
                            r.sheet,
                            r.row,
                            "Số hiệu văn bản",
                            r.symbol,
                            "Chưa có đợt học tập nào cho văn bản này bao trùm đơn vị; tạo "
                            f"đợt mới bị từ chối: {_messages(exc)}",
                        )
                    )
            continue
        created_campaigns[(doc_id, root_id)] = campaign
        counts.notes.append(
            f"Đã tạo đợt học tập “{campaign.title}” do {roots[root_id].name} chủ trì "
            f"({campaign.start:%d/%m/%Y} – {campaign.deadline:%d/%m/%Y})."
        )
    if issues:
        raise ImportRejected(issues)
    for r, unit, doc, found in plans:
        campaign = found or created_campaigns[(doc.pk, _owner_of(unit, ctx.actor))]
        resolved.append(
            services.SessionRow(
                code=r.code,
                campaign=campaign,
                host=unit,
                date=r.date,
                format=r.format,
                title=r.title,
                main_code=r.main_code or "",
                other_attendees=r.other_attendees or 0,
                public_reached=r.public_reached or 0,
            )
        )
    try:
        created, updated, unchanged = services.session_bulk_upsert(actor=ctx.actor, rows=resolved)
    except FiguresLocked as exc:  # an approved reporting period: name the rows
        raise ImportRejected(
            [
                ImportIssue(r.sheet, r.row, "Mã hội nghị", r.code, exc.refused[r.code])
                for r in rows
                if r.code in exc.refused
            ]
        ) from exc
    except PermissionDenied as exc:  # validated above; a concurrent change got here first
        raise ImportRejected([ImportIssue(SESSION_SHEET, None, "", "", _messages(exc))]) from exc
    counts.created, counts.updated, counts.unchanged = created, updated, unchanged
    return counts


# --- Điểm danh ---------------------------------------------------------------------------


def validate_attendance(rows: list[AttendanceSheetRow], ctx: ImportContext) -> None:
    sessions_in_sheet = _codes_in_sheet(ctx, SESSION_SHEET, "code")
    members_in_sheet = _codes_in_sheet(ctx, MEMBER_SHEET, "code")
    session_codes = {r.session_code for r in rows}
    member_codes = {r.member_code for r in rows}
    known_sessions = set(
        Session.objects.filter(code__in=session_codes).values_list("code", flat=True)
    )
    known_members = ctx.cache["attendance_member_ids"] = _member_ids(member_codes)
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        if r.session_code not in known_sessions and r.session_code not in sessions_in_sheet:
            ctx.error(r.sheet, r.row, "Mã hội nghị", r.session_code, "Không tìm thấy hội nghị.")
        if r.member_code not in known_members and r.member_code not in members_in_sheet:
            ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, "Không tìm thấy đảng viên.")
        key = (r.session_code, r.member_code)
        if key in seen:
            ctx.error(
                r.sheet,
                r.row,
                "Mã đảng viên",
                r.member_code,
                f"Trùng với dòng {seen[key]} (một đảng viên chỉ có một dòng mỗi hội nghị).",
            )
        else:
            seen[key] = r.row


def _valid(row: tuple[Any, ...], day: dt.date) -> bool:
    valid_from, valid_to = row[-2], row[-1]
    return (valid_from is None or valid_from <= day) and (valid_to is None or day < valid_to)


_MEMBER_IDS_SQL = f"SELECT code, id FROM {Member._meta.db_table} WHERE {{match}}"  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
_MEMBERSHIPS_SQL = (
    f"SELECT member_id, unit_id, valid_from, valid_to FROM {Membership._meta.db_table} "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    "WHERE {match} ORDER BY member_id, valid_from"
)


def _rows_matching(sql: str, column: str, values: set[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` whose ``column`` is one of ``values`` (``{match}`` in ``sql``).
    Plain SQL: building a 5.000-value ``__in`` lookup and converting its rows
    through the ORM took three times as long as the query itself. On PostgreSQL the
    values go as one array (``= ANY``), which plans far faster than thousands of
    parameters; elsewhere ``IN``, 5.000 at a time."""
    ordered = sorted(values)
    if not ordered:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(match=f"{column} = ANY(%s)"), [ordered])
            return list(cursor.fetchall())
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(ordered), 5000):
            chunk = ordered[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(match=f"{column} IN ({marks})"), chunk)
            found.extend(cursor.fetchall())
        return found


def _member_ids(codes: set[str]) -> dict[str, int]:
    return {code: pk for code, pk in _rows_matching(_MEMBER_IDS_SQL, "code", codes)}


def _memberships(member_ids: set[int]) -> dict[int, list[tuple[int, Any, Any]]]:
    """Each member's (unit, valid_from, valid_to) intervals, earliest first."""
    found: dict[int, list[tuple[int, Any, Any]]] = defaultdict(list)
    for member_id, unit_id, vf, vt in _rows_matching(_MEMBERSHIPS_SQL, "member_id", member_ids):
        found[member_id].append((unit_id, vf, vt))
    return found


def commit_attendance(rows: list[AttendanceSheetRow], ctx: ImportContext) -> SheetCounts:
    """Scope of every row checked in memory against rows fetched in a few queries
    (inside the import's lock, after the earlier sheets were written): the member's
    unit on the session date must lie in the host's subtree then. Paths are worked
    out once per (unit, day), not once per row."""
    counts = SheetCounts()
    # code -> (id, date, host id, host's path today, host's name)
    sessions: dict[str, tuple[int, dt.date, int, str, str]] = {
        code: (pk, day, host_id, host_path, host_name)
        for code, pk, day, host_id, host_path, host_name in Session.objects.filter(
            code__in={r.session_code for r in rows}
        ).values_list("code", "pk", "date", "host_id", "host__path", "host__name")
    }
    member_ids: dict[str, int] = ctx.cache.get("attendance_member_ids", {})
    if ctx.records.get(MEMBER_SHEET) or not member_ids:  # new members were written since
        member_ids = _member_ids({r.member_code for r in rows})
    memberships = _memberships(set(member_ids.values()))
    unit_ids = {u for ms in memberships.values() for u, _, _ in ms} | {
        s[2] for s in sessions.values()
    }
    versions: dict[int, list[tuple[str, Any, Any]]] = defaultdict(list)
    unit_list = sorted(unit_ids)
    for start in range(0, len(unit_list), 5000):
        for unit_id, path, vf, vt in UnitVersion.objects.filter(
            unit_id__in=unit_list[start : start + 5000]
        ).values_list("unit_id", "path", "valid_from", "valid_to"):
            versions[unit_id].append((path, vf, vt))

    @cache
    def path_on(unit_id: int, day: dt.date) -> str | None:
        return next((v[0] for v in versions[unit_id] if _valid(v, day)), None)

    @cache
    def unit_on(member_id: int, day: dt.date) -> int | None:
        return next((m[0] for m in memberships[member_id] if _valid(m, day)), None)

    # per session: (id, date, host path on the date, why the actor may not mark it)
    hosts = Unit.objects.in_bulk({s[2] for s in sessions.values()})
    refused: dict[int, str] = {}
    for host in hosts.values():
        try:
            services.check_host_write(ctx.actor, host, "điểm danh hội nghị")
        except PermissionDenied as exc:
            refused[host.pk] = _messages(exc)
    plans = {
        code: (session_id, day, path_on(host_id, day), refused.get(host_id))
        for code, (session_id, day, host_id, _, _) in sessions.items()
    }
    issues: list[ImportIssue] = []
    entries: list[services.AttendanceEntry] = []
    entry = services.AttendanceEntry
    for r in rows:
        session_id, day, host_path, refusal = plans[r.session_code]
        if refusal:
            issues.append(ImportIssue(r.sheet, r.row, "Mã hội nghị", r.session_code, refusal))
            continue
        member_unit = unit_on(member_ids[r.member_code], day)
        member_path = path_on(member_unit, day) if member_unit is not None else None
        if not host_path or not member_path or not access.in_subtree(member_path, host_path):
            host_name = sessions[r.session_code][4]
            issues.append(
                ImportIssue(
                    r.sheet,
                    r.row,
                    "Mã đảng viên",
                    r.member_code,
                    f"Đảng viên không sinh hoạt trong phạm vi {host_name} vào ngày {day:%d/%m/%Y}.",
                )
            )
            continue
        entries.append(entry(session_id, member_ids[r.member_code], r.status))
    if issues:
        raise ImportRejected(issues)
    try:
        created, updated, unchanged = services.attendance_bulk_set(
            actor=ctx.actor, entries=entries, source="import"
        )
    except FiguresLocked as exc:  # an approved reporting period: name the rows
        raise ImportRejected(
            [
                ImportIssue(r.sheet, r.row, "Mã hội nghị", r.session_code, reason)
                for r in rows
                if (
                    reason := exc.refused.get(
                        (sessions[r.session_code][0], member_ids.get(r.member_code))
                    )
                )
            ]
        ) from exc
    counts.created, counts.updated, counts.unchanged = created, updated, unchanged
    return counts


FORMATS: dict[str, str] = {label: value for value, label in Format.choices}
STATUSES: dict[str, str] = {label: value for value, label in Status.choices}


SESSION_CODE = code_cell_parser("Mã hội nghị", digit_variants(Session))


def _non_negative(value: Any) -> int | None:
    number = parse_int_cell(value)
    if number is not None and number < 0:
        raise ValueError("không được âm")
    return number


register_sheet(
    SheetSpec(
        name=SESSION_SHEET,
        order=40,
        record=SessionSheetRow,
        key_field="code",
        columns=[
            Column(
                "Mã hội nghị",
                "code",
                required=True,
                parse=SESSION_CODE,
                help="mã duy nhất của hội nghị",
            ),
            Column("Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE, help="đơn vị tổ chức"),
            Column("Số hiệu văn bản", "symbol", required=True, help="ví dụ: 57-NQ/TW"),
            Column("Tên hội nghị", "title"),
            Column("Ngày", "date", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Hình thức",
                "format",
                required=True,
                parse=enum_parser(FORMATS, "Hình thức"),
                help="Trực tiếp / Trực tuyến / Kết hợp",
            ),
            Column("Mã hội nghị chính", "main_code", parse=SESSION_CODE, help="chỉ với điểm cầu"),
            Column("Số lượt người khác tham dự", "other_attendees", parse=_non_negative),
            Column("Số lượt nhân dân được tuyên truyền", "public_reached", parse=_non_negative),
        ],
        validate=validate_sessions,
        commit=commit_sessions,
    )
)

register_sheet(
    SheetSpec(
        name=ATTENDANCE_SHEET,
        order=50,
        record=AttendanceSheetRow,
        columns=[
            Column("Mã hội nghị", "session_code", required=True, parse=SESSION_CODE),
            Column("Mã đảng viên", "member_code", required=True, parse=MEMBER_CODE),
            Column(
                "Trạng thái",
                "status",
                required=True,
                parse=enum_parser(STATUSES, "Trạng thái"),
                help="Có mặt / Vắng có lý do / Vắng không lý do",
            ),
        ],
        validate=validate_attendance,
        commit=commit_attendance,
    )
)
