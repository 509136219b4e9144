"""The workbook sheets ``Buổi tuyên truyền``, ``Lớp tập huấn``, ``Học viên`` and
``Tài liệu`` (WORKBOOK.md), after ``Báo cáo viên`` and before ``Hội nghị``.

Each is keyed by its code (``Học viên`` by course and person): a new code creates,
an existing one is brought in line with the row, a second import changes nothing.
Validation asks the same permission rules as the web (``access``) so each refused row
is named with its column and value; the commit calls the services, and anything they
still refuse becomes an error of the import (all or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.documents import selectors as document_selectors
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
from tuyengiao.lib.codes import code_cell_parser
from tuyengiao.lib.text import fold
from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Member, Unit
from tuyengiao.orgs.sheets import MEMBER_CODE, UNIT_CODE, digit_variants

from . import access, services
from .models import (
    Course,
    CourseResult,
    DisseminationEvent,
    DisseminationForm,
    Material,
    MaterialKind,
    Presenter,
)
from .sheets import PRESENTER_CODE
from .sheets import SHEET as PRESENTER_SHEET

EVENT_SHEET = "Buổi tuyên truyền"
COURSE_SHEET = "Lớp tập huấn"
LEARNER_SHEET = "Học viên"
MATERIAL_SHEET = "Tài liệu"
UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"
DOCUMENT_SHEET = "Văn bản"


def _signed_in(ctx: ImportContext) -> bool:
    return bool(getattr(ctx.actor, "is_authenticated", False))


def _actor(ctx: ImportContext) -> Any:
    return ctx.actor if ctx.actor is not None and _signed_in(ctx) else access.SYSTEM


def _allowed(ctx: ImportContext, check: Callable[[Any, Unit], bool], unit: Unit) -> bool:
    if not _signed_in(ctx):
        return access.is_system(ctx.actor) if ctx.actor is not None else True
    return check(ctx.actor, unit)


def _in_sheet(ctx: ImportContext, sheet: str, attr: str) -> set[str]:
    return {getattr(r, attr) for r in ctx.records.get(sheet, [])}


def _codes(raw: str) -> list[str]:
    seen: list[str] = []
    for part in (raw or "").replace(",", ";").split(";"):
        code = part.strip()
        if code and code not in seen:
            seen.append(code)
    return seen


def _symbol_key(symbol: str) -> str:
    return "".join(symbol.split()).lower()


def _check_units(
    rows: list[Any],
    ctx: ImportContext,
    check: Callable[[Any, Unit], bool],
    refused: str,
    existing: dict[str, Any],
    code_header: str,
) -> dict[str, Unit]:
    """The unit of each row exists (or is in ``Đơn vị``) and the actor may write for it
    (and for the record's unit until now)."""
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    sheet_units = _in_sheet(ctx, UNIT_SHEET, "code")
    for r in rows:
        unit = units.get(r.unit_code)
        if unit is None and r.unit_code not in sheet_units:
            ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
        elif unit is not None and not _allowed(ctx, check, unit):
            ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, refused)
        current = existing.get(r.code)
        if current is not None and not _allowed(ctx, check, current.unit):
            ctx.error(
                r.sheet,
                r.row,
                code_header,
                r.code,
                "Bản ghi này thuộc đơn vị ngoài phạm vi của bạn.",
            )
    return units


def _check_documents(rows: list[Any], ctx: ImportContext) -> None:
    in_sheet = {_symbol_key(s) for s in _in_sheet(ctx, DOCUMENT_SHEET, "symbol")}
    for r in rows:
        if not r.symbol or _symbol_key(r.symbol) in in_sheet:
            continue
        if not document_selectors.documents_by_symbol(r.symbol):
            ctx.error(
                r.sheet,
                r.row,
                "Số hiệu văn bản",
                r.symbol,
                "Văn bản chưa được đăng ký (và không có trong trang 'Văn bản').",
            )


def _issues(exc: Exception, sheet: str, row: int, column: str, value: str) -> list[ImportIssue]:
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return [ImportIssue(sheet, row, column, value, m) for m in messages]


def _count(counts: SheetCounts, outcome: str) -> None:
    if outcome == "created":
        counts.created += 1
    elif outcome == "updated":
        counts.updated += 1
    else:
        counts.unchanged += 1


def _visible_presenters(ctx: ImportContext, codes: set[str]) -> tuple[set[str], set[str]]:
    """(codes that exist, codes the actor may name)."""
    known = Presenter.objects.filter(code__in=codes)
    exists = set(known.values_list("code", flat=True))
    if not _signed_in(ctx):
        return exists, exists
    visible = access.presenters_visible_to(ctx.actor).filter(code__in=codes)
    return exists, set(visible.values_list("code", flat=True))


# --- Buổi tuyên truyền ------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    sheet: str
    row: int
    code: str
    unit_code: str
    date: dt.date
    form: str
    presenter_codes: str
    symbol: str
    language: str
    listeners: int


def _forms() -> dict[str, DisseminationForm]:
    found: dict[str, DisseminationForm] = {}
    for f in DisseminationForm.objects.all():
        found[fold(f.name)] = f
        found[fold(f.code)] = f
    return found


def validate_events(rows: list[EventRow], ctx: ImportContext) -> None:
    existing = {
        e.code: e
        for e in DisseminationEvent.objects.filter(code__in=[r.code for r in rows]).select_related(
            "unit"
        )
    }
    _check_units(
        rows,
        ctx,
        access.can_record_event,
        "Bạn không có quyền ghi buổi tuyên truyền của đơn vị này.",
        existing,
        "Mã buổi",
    )
    forms = _forms()
    names = " / ".join(f"'{f.name}'" for f in DisseminationForm.objects.all())
    wanted = {c for r in rows for c in _codes(r.presenter_codes)}
    exists, visible = _visible_presenters(ctx, wanted)
    in_sheet = _in_sheet(ctx, PRESENTER_SHEET, "code")
    for r in rows:
        if r.form and fold(r.form) not in forms:
            ctx.error(r.sheet, r.row, "Hình thức", r.form, f"Hình thức phải là {names}.")
        if r.listeners < 0:
            ctx.error(r.sheet, r.row, "Số lượt người nghe", r.listeners, "Không được âm.")
        for code in _codes(r.presenter_codes):
            if code in visible or code in in_sheet:
                continue
            message = (
                "Báo cáo viên này nằm ngoài phạm vi của bạn."
                if code in exists
                else f"Không tìm thấy báo cáo viên (chưa có trong hệ thống hay trong trang "
                f"'{PRESENTER_SHEET}')."
            )
            ctx.error(r.sheet, r.row, "Báo cáo viên", code, message)
    _check_documents(rows, ctx)


def commit_events(rows: list[EventRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    people = {
        p.code: p
        for p in Presenter.objects.filter(
            code__in={c for r in rows for c in _codes(r.presenter_codes)}
        )
    }
    forms = _forms()
    issues: list[ImportIssue] = []
    for r in rows:
        data = services.EventData(
            code=r.code,
            unit=units[r.unit_code],
            date=r.date,
            listeners=r.listeners,
            form=forms[fold(r.form)] if r.form else None,
            presenters=tuple(people[c] for c in _codes(r.presenter_codes)),
            document_symbol=r.symbol,
            language=r.language,
        )
        try:
            _, outcome = services.event_save(actor=_actor(ctx), data=data)
        except (ValidationError, PermissionDenied) as exc:
            issues += _issues(exc, r.sheet, r.row, "Mã buổi", r.code)
            continue
        _count(counts, outcome)
    if issues:
        raise ImportRejected(issues)
    return counts


EVENT_CODE = code_cell_parser("Mã buổi", digit_variants(DisseminationEvent))

register_sheet(
    SheetSpec(
        name=EVENT_SHEET,
        order=36,  # after Báo cáo viên (35), before Hội nghị (40)
        record=EventRow,
        key_field="code",
        columns=[
            Column("Mã buổi", "code", required=True, parse=EVENT_CODE),
            Column("Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE),
            Column("Ngày", "date", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Hình thức", "form", help="Chuyên đề / Lồng ghép / Lưu động / Trực tuyến"),
            Column("Báo cáo viên", "presenter_codes", help="mã báo cáo viên, cách nhau bằng ';'"),
            Column("Số hiệu văn bản", "symbol", help="văn bản được tuyên truyền"),
            Column("Ngôn ngữ", "language", help="để trống: tiếng Việt"),
            Column("Số lượt người nghe", "listeners", required=True, parse=parse_int_cell),
        ],
        validate=validate_events,
        commit=commit_events,
    )
)


# --- Lớp tập huấn -----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseRow:
    sheet: str
    row: int
    code: str
    title: str
    unit_code: str
    date_from: dt.date
    date_to: dt.date | None
    extra: int | None


def validate_courses(rows: list[CourseRow], ctx: ImportContext) -> None:
    existing = {
        c.code: c
        for c in Course.objects.filter(code__in=[r.code for r in rows]).select_related("unit")
    }
    _check_units(
        rows,
        ctx,
        access.can_manage_unit,
        "Bạn không có quyền ghi lớp tập huấn của đơn vị này.",
        existing,
        "Mã lớp",
    )
    for r in rows:
        if r.date_to is not None and r.date_to < r.date_from:
            ctx.error(r.sheet, r.row, "Đến ngày", r.date_to, "'Đến ngày' phải sau 'Từ ngày'.")
        if r.extra is not None and r.extra < 0:
            ctx.error(r.sheet, r.row, "Số lượt học viên", r.extra, "Không được âm.")


def commit_courses(rows: list[CourseRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    issues: list[ImportIssue] = []
    for r in rows:
        data = services.CourseData(
            code=r.code,
            title=r.title,
            unit=units[r.unit_code],
            date_from=r.date_from,
            date_to=r.date_to,
            extra_participants=r.extra or 0,
        )
        try:
            _, outcome = services.course_save(actor=_actor(ctx), data=data)
        except (ValidationError, PermissionDenied) as exc:
            issues += _issues(exc, r.sheet, r.row, "Mã lớp", r.code)
            continue
        _count(counts, outcome)
    if issues:
        raise ImportRejected(issues)
    return counts


COURSE_CODE = code_cell_parser("Mã lớp", digit_variants(Course))

register_sheet(
    SheetSpec(
        name=COURSE_SHEET,
        order=37,
        record=CourseRow,
        key_field="code",
        columns=[
            Column("Mã lớp", "code", required=True, parse=COURSE_CODE),
            Column("Tên lớp", "title", required=True),
            Column("Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE, help="đơn vị tổ chức"),
            Column("Từ ngày", "date_from", required=True, parse=parse_date_cell),
            Column("Đến ngày", "date_to", parse=parse_date_cell),
            Column(
                "Số lượt học viên",
                "extra",
                parse=parse_int_cell,
                help="học viên không ghi tên trong trang 'Học viên'",
            ),
        ],
        validate=validate_courses,
        commit=commit_courses,
    )
)


# --- Học viên ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    sheet: str
    row: int
    course_code: str
    presenter_code: str
    member_code: str
    result: str | None


RESULTS = {str(label): value for value, label in CourseResult.choices}


def validate_learners(rows: list[LearnerRow], ctx: ImportContext) -> None:
    courses = {
        c.code: c
        for c in Course.objects.filter(code__in={r.course_code for r in rows}).select_related(
            "unit"
        )
    }
    sheet_courses = {r.code: r for r in ctx.records.get(COURSE_SHEET, [])}
    sheet_units = {
        u.code: u
        for u in Unit.objects.filter(code__in={r.unit_code for r in sheet_courses.values()})
    }
    exists, visible = _visible_presenters(ctx, {r.presenter_code for r in rows} - {""})
    in_sheet = _in_sheet(ctx, PRESENTER_SHEET, "code")
    member_codes = {r.member_code for r in rows} - {""}
    members = set(Member.objects.filter(code__in=member_codes).values_list("code", flat=True))
    visible_members = (
        set(
            core.members_visible_to(ctx.actor)
            .filter(code__in=member_codes)
            .values_list("code", flat=True)
        )
        if _signed_in(ctx)
        else members
    )
    sheet_members = _in_sheet(ctx, MEMBER_SHEET, "code")
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        course = courses.get(r.course_code)
        organiser = (
            course.unit
            if course is not None
            else sheet_units.get(sheet_courses[r.course_code].unit_code)
            if r.course_code in sheet_courses
            else None
        )
        if course is None and r.course_code not in sheet_courses:
            ctx.error(
                r.sheet,
                r.row,
                "Mã lớp",
                r.course_code,
                f"Không tìm thấy lớp (chưa có trong hệ thống hay trong trang '{COURSE_SHEET}').",
            )
        elif organiser is not None and not _allowed(ctx, access.can_manage_unit, organiser):
            ctx.error(
                r.sheet,
                r.row,
                "Mã lớp",
                r.course_code,
                "Bạn không có quyền ghi học viên của lớp này.",
            )
        if not r.presenter_code and not r.member_code:
            ctx.error(
                r.sheet,
                r.row,
                "Mã báo cáo viên",
                "",
                "Hãy ghi 'Mã báo cáo viên' hoặc 'Mã đảng viên'.",
            )
            continue
        if r.presenter_code and not (r.presenter_code in visible or r.presenter_code in in_sheet):
            message = (
                "Báo cáo viên này nằm ngoài phạm vi của bạn."
                if r.presenter_code in exists
                else "Không tìm thấy báo cáo viên."
            )
            ctx.error(r.sheet, r.row, "Mã báo cáo viên", r.presenter_code, message)
        if r.member_code and not (
            r.member_code in visible_members or r.member_code in sheet_members
        ):
            message = (
                "Đảng viên này nằm ngoài phạm vi của bạn."
                if r.member_code in members
                else "Không tìm thấy đảng viên."
            )
            ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, message)
        person = ("bcv", r.presenter_code) if r.presenter_code else ("dv", r.member_code)
        key = (r.course_code, ":".join(person))
        if key in seen:
            column, value = (
                ("Mã báo cáo viên", r.presenter_code)
                if r.presenter_code
                else ("Mã đảng viên", r.member_code)
            )
            ctx.error(
                r.sheet,
                r.row,
                column,
                value,
                f"Người này đã có ở dòng {seen[key]} của cùng lớp.",
            )
        else:
            seen[key] = r.row


def commit_learners(rows: list[LearnerRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    courses = {c.code: c for c in Course.objects.filter(code__in={r.course_code for r in rows})}
    people = {
        p.code: p for p in Presenter.objects.filter(code__in={r.presenter_code for r in rows})
    }
    members = {m.code: m for m in Member.objects.filter(code__in={r.member_code for r in rows})}
    issues: list[ImportIssue] = []
    for r in rows:
        try:
            _, outcome = services.learner_set(
                actor=_actor(ctx),
                course=courses[r.course_code],
                presenter=people.get(r.presenter_code) if r.presenter_code else None,
                member=members.get(r.member_code) if r.member_code else None,
                result=r.result or "",
            )
        except (ValidationError, PermissionDenied) as exc:
            column, value = (
                ("Mã báo cáo viên", r.presenter_code)
                if r.presenter_code
                else ("Mã đảng viên", r.member_code)
            )
            issues += _issues(exc, r.sheet, r.row, column, value)
            continue
        _count(counts, outcome)
    if issues:
        raise ImportRejected(issues)
    return counts


register_sheet(
    SheetSpec(
        name=LEARNER_SHEET,
        order=38,
        record=LearnerRow,
        columns=[
            Column("Mã lớp", "course_code", required=True, parse=COURSE_CODE),
            Column("Mã báo cáo viên", "presenter_code", parse=PRESENTER_CODE),
            Column("Mã đảng viên", "member_code", parse=MEMBER_CODE),
            Column(
                "Kết quả",
                "result",
                parse=enum_parser(RESULTS, "Kết quả"),
                help="Hoàn thành / Không hoàn thành / Giỏi / Khá / Đạt",
            ),
        ],
        validate=validate_learners,
        commit=commit_learners,
    )
)


# --- Tài liệu ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialRow:
    sheet: str
    row: int
    code: str
    title: str
    kind: str
    unit_code: str
    date: dt.date
    symbol: str
    copies: int | None


KINDS = {str(label): value for value, label in MaterialKind.choices}


def validate_materials(rows: list[MaterialRow], ctx: ImportContext) -> None:
    existing = {
        m.code: m
        for m in Material.objects.filter(code__in=[r.code for r in rows]).select_related("unit")
    }
    _check_units(
        rows,
        ctx,
        access.can_manage_unit,
        "Bạn không có quyền phát hành tài liệu của đơn vị này.",
        existing,
        "Mã tài liệu",
    )
    for r in rows:
        if r.copies is not None and r.copies < 0:
            ctx.error(r.sheet, r.row, "Số bản", r.copies, "Không được âm.")
    _check_documents(rows, ctx)


def commit_materials(rows: list[MaterialRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    issues: list[ImportIssue] = []
    for r in rows:
        data = services.MaterialData(
            code=r.code,
            title=r.title,
            kind=r.kind,
            unit=units[r.unit_code],
            date=r.date,
            document_symbol=r.symbol,
            copies=r.copies or 0,
        )
        try:
            _, outcome = services.material_save(actor=_actor(ctx), data=data)
        except (ValidationError, PermissionDenied) as exc:
            issues += _issues(exc, r.sheet, r.row, "Mã tài liệu", r.code)
            continue
        _count(counts, outcome)
    if issues:
        raise ImportRejected(issues)
    return counts


MATERIAL_CODE = code_cell_parser("Mã tài liệu", digit_variants(Material))

register_sheet(
    SheetSpec(
        name=MATERIAL_SHEET,
        order=39,
        record=MaterialRow,
        key_field="code",
        columns=[
            Column("Mã tài liệu", "code", required=True, parse=MATERIAL_CODE),
            Column("Tên tài liệu", "title", required=True),
            Column(
                "Loại",
                "kind",
                required=True,
                parse=enum_parser(KINDS, "Loại"),
                help="Đề cương / Tài liệu hỏi đáp / Tờ gấp / Bài giảng / Video / Khác",
            ),
            Column(
                "Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE, help="đơn vị phát hành"
            ),
            Column("Ngày", "date", required=True, parse=parse_date_cell),
            Column("Số hiệu văn bản", "symbol", help="văn bản tài liệu giới thiệu"),
            Column("Số bản", "copies", parse=parse_int_cell, help="số bản in, phát hành"),
        ],
        validate=validate_materials,
        commit=commit_materials,
    )
)
