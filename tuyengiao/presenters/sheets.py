"""The workbook sheet ``Báo cáo viên`` (see WORKBOOK.md), before ``Hội nghị``.

One row per person and recognition, keyed by ``Mã báo cáo viên``: a new code
recognises, an existing one is brought in line with the row (a second import
changes nothing). ``Cấp`` and ``Trạng thái`` are matched against the levels and
statuses in the database (data, not code), without regard to case or
diacritics. Two columns beyond WORKBOOK.md are accepted: ``Trạng thái`` (blank:
``Đã công nhận`` for a new row, unchanged for an existing one) and ``Lĩnh vực``.

Validation asks the same rules as the web (``access.can_manage_unit`` and
``services.check_terms``), so each refused row is listed with its column and
value; the commit calls ``services.presenter_save`` and turns anything it still
refuses into an error of the import (all or nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    ImportIssue,
    ImportRejected,
    SheetCounts,
    SheetSpec,
    enum_parser,
    parse_date_cell,
    register_sheet,
)
from tuyengiao.lib.codes import code_cell_parser
from tuyengiao.lib.text import fold
from tuyengiao.orgs.models import Member, Unit
from tuyengiao.orgs.sheets import MEMBER_CODE, UNIT_CODE, digit_variants

from . import access, services
from .models import Presenter, PresenterLevel, PresenterStatus, Theory

SHEET = "Báo cáo viên"
UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"
DEFAULT_STATUS = "cong_nhan"


@dataclass(frozen=True)
class PresenterRow:
    sheet: str
    row: int
    code: str
    full_name: str
    level: str
    unit_code: str
    member_code: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    decision_symbol: str
    theory: str | None
    degree: str
    languages: str
    status: str
    topics: str


THEORY = {str(label): value for value, label in Theory.choices}

HEADERS = {
    "code": "Mã báo cáo viên",
    "level": "Cấp",
    "unit_code": "Mã đơn vị",
    "member_code": "Mã đảng viên",
    "valid_from": "Từ ngày",
    "valid_until": "Đến ngày",
    "status": "Trạng thái",
}


def _by_label(model: Any, attr: str) -> dict[str, Any]:
    return {fold(getattr(row, attr)): row for row in model.objects.all()}


def _statuses() -> dict[str, PresenterStatus]:
    found = _by_label(PresenterStatus, "name")
    found.update({fold(s.code): s for s in found.values()})
    return found


def _signed_in(ctx: ImportContext) -> bool:
    return bool(getattr(ctx.actor, "is_authenticated", False))


def _may_manage(ctx: ImportContext, unit: Unit) -> bool:
    if not _signed_in(ctx):
        return access.is_system(ctx.actor) if ctx.actor is not None else True
    return access.can_manage_unit(ctx.actor, unit)


def validate(rows: list[PresenterRow], ctx: ImportContext) -> None:
    levels = _by_label(PresenterLevel, "label")
    statuses = _statuses()
    sheet_units = {r.code for r in ctx.records.get(UNIT_SHEET, [])}
    sheet_members = {r.code for r in ctx.records.get(MEMBER_SHEET, [])}
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows} - {""})}
    members = set(
        Member.objects.filter(code__in={r.member_code for r in rows if r.member_code}).values_list(
            "code", flat=True
        )
    )
    existing = {
        p.code: p
        for p in Presenter.objects.filter(code__in=[r.code for r in rows]).select_related(
            "unit", "status"
        )
    }
    level_names = " / ".join(f"'{lv.label}'" for lv in levels.values())
    status_names = " / ".join(f"'{s.name}'" for s in PresenterStatus.objects.all())
    for r in rows:
        level = levels.get(fold(r.level))
        if level is None:
            ctx.error(r.sheet, r.row, "Cấp", r.level, f"Cấp phải là {level_names}.")
        status = statuses.get(fold(r.status)) if r.status else None
        if r.status and status is None:
            ctx.error(r.sheet, r.row, "Trạng thái", r.status, f"Trạng thái phải là {status_names}.")
        unit = units.get(r.unit_code)
        if unit is None and r.unit_code not in sheet_units:
            ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
        elif unit is not None and not _may_manage(ctx, unit):
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                "Bạn không có quyền quản lý đội ngũ báo cáo viên của đơn vị này.",
            )
        current = existing.get(r.code)
        if current is not None and not _may_manage(ctx, current.unit):
            ctx.error(
                r.sheet,
                r.row,
                "Mã báo cáo viên",
                r.code,
                "Báo cáo viên này thuộc đơn vị ngoài phạm vi của bạn.",
            )
        if r.member_code and r.member_code not in members and r.member_code not in sheet_members:
            ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, "Không tìm thấy đảng viên.")
        if status is None:
            status = current.status if current else statuses.get(fold(DEFAULT_STATUS))
        if level is not None and status is not None:
            for field_name, message in services.check_terms(
                level=level, status=status, valid_from=r.valid_from, valid_until=r.valid_until
            ):
                header = HEADERS.get(field_name, field_name)
                value = {"valid_from": r.valid_from, "valid_until": r.valid_until}.get(
                    field_name, r.level
                )
                ctx.error(r.sheet, r.row, header, value or "", message)


def commit(rows: list[PresenterRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    levels = _by_label(PresenterLevel, "label")
    statuses = _statuses()
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    members = {
        m.code: m
        for m in Member.objects.filter(code__in={r.member_code for r in rows if r.member_code})
    }
    current = dict(
        Presenter.objects.filter(code__in=[r.code for r in rows]).values_list(
            "code", "status__code"
        )
    )
    actor = ctx.actor if ctx.actor is not None and _signed_in(ctx) else access.SYSTEM
    issues: list[ImportIssue] = []
    for r in rows:
        status_code = r.status and statuses[fold(r.status)].code
        status = statuses[fold(status_code or current.get(r.code) or DEFAULT_STATUS)]
        data = services.PresenterData(
            code=r.code,
            full_name=r.full_name,
            level=levels[fold(r.level)],
            unit=units[r.unit_code],
            status=status,
            member=members.get(r.member_code) if r.member_code else None,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            decision_symbol=r.decision_symbol,
            theory=r.theory or "",
            degree=r.degree,
            topics=r.topics,
            languages=r.languages,
        )
        try:
            _, outcome = services.presenter_save(actor=actor, data=data)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            issues += [ImportIssue(r.sheet, r.row, "Mã báo cáo viên", r.code, m) for m in messages]
            continue
        if outcome == "created":
            counts.created += 1
        elif outcome == "updated":
            counts.updated += 1
        else:
            counts.unchanged += 1
    if issues:
        raise ImportRejected(issues)
    return counts


PRESENTER_CODE = code_cell_parser("Mã báo cáo viên", digit_variants(Presenter))

register_sheet(
    SheetSpec(
        name=SHEET,
        order=35,  # after units (10), members (20) and documents (30); before Hội nghị (40)
        record=PresenterRow,
        key_field="code",
        columns=[
            Column("Mã báo cáo viên", "code", required=True, parse=PRESENTER_CODE),
            Column("Họ và tên", "full_name", required=True),
            Column(
                "Cấp",
                "level",
                required=True,
                help="Trung ương / Tỉnh / Huyện (trước 01/07/2025) / Cơ sở / Tuyên truyền viên",
            ),
            Column(
                "Mã đơn vị",
                "unit_code",
                required=True,
                parse=UNIT_CODE,
                help="đơn vị có cấp ủy công nhận",
            ),
            Column("Mã đảng viên", "member_code", parse=MEMBER_CODE, help="nếu là đảng viên"),
            Column("Từ ngày", "valid_from", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Đến ngày", "valid_until", parse=parse_date_cell, help="để trống: còn hoạt động"
            ),
            Column("Số quyết định", "decision_symbol", help="số hiệu quyết định công nhận"),
            Column(
                "Lý luận chính trị",
                "theory",
                parse=enum_parser(THEORY, "Lý luận chính trị"),
                help="Sơ cấp / Trung cấp / Cao cấp / Cử nhân",
            ),
            Column("Chuyên môn", "degree", help="bằng cao nhất, ví dụ: Đại học, Thạc sĩ"),
            Column("Ngôn ngữ", "languages", help="ngoài tiếng Việt, cách nhau bằng ';'"),
            Column("Trạng thái", "status", help="để trống: Đã công nhận"),
            Column("Lĩnh vực", "topics", help="lĩnh vực báo cáo"),
        ],
        validate=validate,
        commit=commit,
    )
)


# --- the "Báo cáo viên" column of "Hội nghị" ------------------------------------------------
#
# The column belongs to this app's data, so this app adds it to study's sheet rather than
# study importing presenters: the sheet is registered again with one more column, a record
# type that carries it, and validate/commit that run study's own and then check and
# write the presenters. A blank cell leaves the session's roster presenters as they are.

SESSION_SHEET = "Hội nghị"
SESSION_COLUMN = "Báo cáo viên"


def _codes(raw: str) -> list[str]:
    seen: list[str] = []
    for part in (raw or "").replace(",", ";").split(";"):
        code = part.strip()
        if code and code not in seen:
            seen.append(code)
    return seen


def extend_session_sheet() -> None:
    """Called from ``PresentersConfig.ready`` (after study's sheets are registered)."""
    import dataclasses

    from tuyengiao.imports.framework import registered_sheets

    base = next((s for s in registered_sheets() if s.name == SESSION_SHEET), None)
    if base is None or any(c.field == "presenter_codes" for c in base.columns):
        return
    record = dataclasses.make_dataclass(
        "SessionRowWithPresenters",
        [("presenter_codes", str, dataclasses.field(default=""))],
        bases=(base.record,),
        frozen=True,
    )

    def validate(rows: list[Any], ctx: ImportContext) -> None:
        base.validate(rows, ctx)
        wanted = {c for r in rows for c in _codes(r.presenter_codes)}
        if not wanted:
            return
        in_sheet = {r.code for r in ctx.records.get(SHEET, [])}
        known = Presenter.objects.filter(code__in=wanted)
        visible = (
            set(
                access.presenters_visible_to(ctx.actor)
                .filter(code__in=wanted)
                .values_list("code", flat=True)
            )
            if _signed_in(ctx)
            else set(known.values_list("code", flat=True))
        )
        exists = set(known.values_list("code", flat=True))
        for r in rows:
            for code in _codes(r.presenter_codes):
                if code in in_sheet or code in visible:
                    continue
                message = (
                    "Báo cáo viên này nằm ngoài phạm vi của bạn."
                    if code in exists
                    else "Không tìm thấy báo cáo viên (chưa có trong hệ thống hay trong trang "
                    f"'{SHEET}')."
                )
                ctx.error(r.sheet, r.row, SESSION_COLUMN, code, message)

    def commit(rows: list[Any], ctx: ImportContext) -> SheetCounts:
        from tuyengiao.study.models import Session

        counts = base.commit(rows, ctx)
        named = [r for r in rows if _codes(r.presenter_codes)]
        if not named:
            return counts
        sessions = {s.code: s for s in Session.objects.filter(code__in=[r.code for r in named])}
        people = {
            p.code: p
            for p in Presenter.objects.filter(
                code__in={c for r in named for c in _codes(r.presenter_codes)}
            )
        }
        actor = ctx.actor if ctx.actor is not None and _signed_in(ctx) else access.SYSTEM
        issues: list[ImportIssue] = []
        for r in named:
            try:
                services.session_presenters_set(
                    actor=actor,
                    session=sessions[r.code],
                    presenters=[people[c] for c in _codes(r.presenter_codes)],
                )
            except (PermissionDenied, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                issues += [
                    ImportIssue(r.sheet, r.row, SESSION_COLUMN, r.presenter_codes, m)
                    for m in messages
                ]
        if issues:
            raise ImportRejected(issues)
        return counts

    register_sheet(
        dataclasses.replace(
            base,
            record=record,
            columns=[
                *base.columns,
                Column(
                    SESSION_COLUMN,
                    "presenter_codes",
                    help="mã báo cáo viên trong danh sách, cách nhau bằng ';'",
                ),
            ],
            validate=validate,
            commit=commit,
        )
    )
