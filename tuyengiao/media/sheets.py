"""The workbook sheets ``Tin bài`` and ``Khen thưởng`` (see WORKBOOK.md).

``Tin bài`` has no code: a row is the output of one unit, period, kind, language
and document, and importing it again brings that record's figures in line (a
second import changes nothing). Two rows of one key are an error, and so are two
rows (or a row and a record) of the same unit, kind, language and document whose
periods overlap without being the same: the items would be counted twice.

``Khen thưởng`` is keyed by ``Mã``: a new code records, an existing one is brought
in line. One column beyond WORKBOOK.md is accepted: ``Số hiệu văn bản`` (the
document the award or model relates to; blank: none).

``Loại`` of both is matched against the kinds in the database (data, not code),
without regard to case or diacritics. Validation asks the same rules as the web
(``access.can_manage_unit`` and the services' ``check_*``), so each refused row is
listed with its column and value; the commit calls the services and turns
anything they still refuse into an error of the import (all or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
    parse_date_cell,
    parse_int_cell,
    register_sheet,
)
from tuyengiao.lib.codes import code_cell_parser
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.text import fold
from tuyengiao.orgs.models import Member, Unit
from tuyengiao.orgs.sheets import MEMBER_CODE, UNIT_CODE, digit_variants

from . import access, services
from .models import Award, AwardKind, MediaKind

MEDIA_SHEET = "Tin bài"
AWARD_SHEET = "Khen thưởng"
UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"


def _signed_in(ctx: ImportContext) -> bool:
    return bool(getattr(ctx.actor, "is_authenticated", False))


def _actor(ctx: ImportContext) -> Any:
    return ctx.actor if ctx.actor is not None and _signed_in(ctx) else access.SYSTEM


def _may_manage(ctx: ImportContext, unit: Unit) -> bool:
    if not _signed_in(ctx):
        return access.is_system(ctx.actor) if ctx.actor is not None else True
    return access.can_manage_unit(ctx.actor, unit)


def _kinds(model: Any) -> dict[str, Any]:
    found = {fold(k.label): k for k in model.objects.all()}
    found.update({fold(k.code): k for k in list(found.values())})
    return found


def _kind_names(model: Any) -> str:
    return " / ".join(f"'{k.label}'" for k in model.objects.all())


def _units(codes: set[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=codes - {""})}


def _messages(exc: ValidationError | PermissionDenied) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


# --- Tin bài ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaRow:
    sheet: str
    row: int
    unit_code: str
    date_from: dt.date
    date_to: dt.date
    kind: str
    language: str
    count: int
    minutes: int | None
    document_symbol: str


MEDIA_HEADERS = {
    "date_from": "Từ ngày",
    "date_to": "Đến ngày",
    "count": "Số lượng",
    "minutes": "Thời lượng (phút)",
}


def _media_key(r: MediaRow) -> tuple[str, str, str, str]:
    return (
        r.unit_code,
        fold(r.kind),
        fold(services.language_clean(r.language)),
        services.symbol_clean(r.document_symbol)[1],
    )


def _in_sheet_clashes(rows: list[MediaRow], ctx: ImportContext) -> None:
    """Rows of one key twice, and rows whose periods overlap within the sheet."""
    groups: dict[tuple[str, str, str, str], list[MediaRow]] = defaultdict(list)
    for r in rows:
        groups[_media_key(r)].append(r)
    for group in groups.values():
        group.sort(key=lambda r: (r.date_from, r.date_to, r.row))
        previous: MediaRow | None = None
        widest: MediaRow | None = None  # the row reaching furthest so far
        for r in group:
            if previous and (previous.date_from, previous.date_to) == (r.date_from, r.date_to):
                message = (
                    f"Trùng với dòng {previous.row} (cùng đơn vị, kỳ, loại, ngôn ngữ, văn bản)."
                )
                ctx.error(r.sheet, r.row, "Từ ngày", r.date_from, message)
            elif widest is not None and r.date_from <= widest.date_to:
                message = (
                    f"Kỳ chồng lên kỳ của dòng {widest.row} "
                    f"({format_date(widest.date_from)} – {format_date(widest.date_to)}): "
                    "số liệu sẽ bị tính hai lần."
                )
                ctx.error(r.sheet, r.row, "Từ ngày", r.date_from, message)
            if widest is None or r.date_to > widest.date_to:
                widest = r
            previous = r


def validate_media(rows: list[MediaRow], ctx: ImportContext) -> None:
    kinds = _kinds(MediaKind)
    names = _kind_names(MediaKind)
    sheet_units = {r.code for r in ctx.records.get(UNIT_SHEET, [])}
    units = _units({r.unit_code for r in rows})
    for r in rows:
        kind = kinds.get(fold(r.kind))
        if kind is None:
            ctx.error(r.sheet, r.row, "Loại", r.kind, f"Loại phải là {names}.")
        unit = units.get(r.unit_code)
        if unit is None:
            if r.unit_code not in sheet_units:
                ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
            continue
        if not _may_manage(ctx, unit):
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                "Bạn không có quyền ghi tin bài của đơn vị này.",
            )
            continue
        if kind is None:
            continue
        data = _media_data(r, unit, kind)
        for field_name, message in services.check_media(data):
            header = MEDIA_HEADERS.get(field_name, field_name)
            value = {"date_from": r.date_from, "date_to": r.date_to, "count": r.count}.get(
                field_name, r.minutes
            )
            ctx.error(r.sheet, r.row, header, value if value is not None else "", message)
        found = services.media_overlap(data)
        if found is not None:
            ctx.error(r.sheet, r.row, "Từ ngày", r.date_from, services.overlap_message(found))
    _in_sheet_clashes(rows, ctx)


def _media_data(r: MediaRow, unit: Unit, kind: MediaKind) -> services.MediaData:
    return services.MediaData(
        unit=unit,
        date_from=r.date_from,
        date_to=r.date_to,
        kind=kind,
        count=r.count,
        language=r.language,
        minutes=r.minutes,
        document_symbol=r.document_symbol,
    )


def commit_media(rows: list[MediaRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    kinds = _kinds(MediaKind)
    units = _units({r.unit_code for r in rows})
    actor = _actor(ctx)
    issues: list[ImportIssue] = []
    for r in rows:
        data = _media_data(r, units[r.unit_code], kinds[fold(r.kind)])
        try:
            _, outcome = services.media_output_save(actor=actor, data=data)
        except (ValidationError, PermissionDenied) as exc:
            issues += [
                ImportIssue(r.sheet, r.row, "Mã đơn vị", r.unit_code, m) for m in _messages(exc)
            ]
            continue
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    if issues:
        raise ImportRejected(issues)
    return counts


register_sheet(
    SheetSpec(
        name=MEDIA_SHEET,
        order=70,
        record=MediaRow,
        columns=[
            Column("Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE),
            Column("Từ ngày", "date_from", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Đến ngày", "date_to", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Loại",
                "kind",
                required=True,
                help="Tin, bài / Phóng sự / Chuyên mục / Chương trình phát thanh / "
                "Chương trình truyền hình / Bài trên trang thông tin điện tử",
            ),
            Column("Ngôn ngữ", "language", help="để trống: tiếng Việt"),
            Column("Số lượng", "count", required=True, parse=parse_int_cell),
            Column("Thời lượng (phút)", "minutes", parse=parse_int_cell),
            Column("Số hiệu văn bản", "document_symbol", help="văn bản được tuyên truyền"),
        ],
        validate=validate_media,
        commit=commit_media,
    )
)


# --- Khen thưởng --------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRow:
    sheet: str
    row: int
    code: str
    kind: str
    name: str
    unit_code: str
    member_code: str
    person_name: str
    date: dt.date
    decision_symbol: str
    document_symbol: str


def _award_data(
    r: AwardRow, unit: Unit, kind: AwardKind, member: Member | None
) -> services.AwardData:
    return services.AwardData(
        code=r.code,
        kind=kind,
        name=r.name,
        unit=unit,
        date=r.date,
        member=member,
        person_name=r.person_name,
        decision_symbol=r.decision_symbol,
        document_symbol=r.document_symbol,
    )


def validate_awards(rows: list[AwardRow], ctx: ImportContext) -> None:
    kinds = _kinds(AwardKind)
    names = _kind_names(AwardKind)
    sheet_units = {r.code for r in ctx.records.get(UNIT_SHEET, [])}
    sheet_members = {r.code for r in ctx.records.get(MEMBER_SHEET, [])}
    units = _units({r.unit_code for r in rows})
    members = {
        m.code: m
        for m in Member.objects.filter(code__in={r.member_code for r in rows if r.member_code})
    }
    existing = {
        a.code: a
        for a in Award.objects.filter(code__in=[r.code for r in rows]).select_related("unit")
    }
    for r in rows:
        kind = kinds.get(fold(r.kind))
        if kind is None:
            ctx.error(r.sheet, r.row, "Loại", r.kind, f"Loại phải là {names}.")
        current = existing.get(r.code)
        if current is not None and not _may_manage(ctx, current.unit):
            ctx.error(
                r.sheet, r.row, "Mã", r.code, "Khen thưởng này thuộc đơn vị ngoài phạm vi của bạn."
            )
        member = members.get(r.member_code) if r.member_code else None
        if r.member_code and member is None and r.member_code not in sheet_members:
            ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, "Không tìm thấy đảng viên.")
        unit = units.get(r.unit_code)
        if unit is None:
            if r.unit_code not in sheet_units:
                ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
            continue
        if not _may_manage(ctx, unit):
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                "Bạn không có quyền ghi khen thưởng của đơn vị này.",
            )
            continue
        if kind is None:
            continue
        for field_name, message in services.check_award(_award_data(r, unit, kind, member)):
            if field_name == "date":
                ctx.error(r.sheet, r.row, "Ngày", r.date, message)
            elif not r.member_code:  # a member only in 'Đảng viên' is checked at commit
                ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, message)
        if member is not None:
            try:
                services.check_award_member(_actor(ctx), member, unit, r.date)
            except (ValidationError, PermissionDenied) as exc:
                for message in _messages(exc):
                    ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, message)


def commit_awards(rows: list[AwardRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    kinds = _kinds(AwardKind)
    units = _units({r.unit_code for r in rows})
    members = {
        m.code: m
        for m in Member.objects.filter(code__in={r.member_code for r in rows if r.member_code})
    }
    actor = _actor(ctx)
    issues: list[ImportIssue] = []
    for r in rows:
        member = members.get(r.member_code) if r.member_code else None
        data = _award_data(r, units[r.unit_code], kinds[fold(r.kind)], member)
        try:
            _, outcome = services.award_save(actor=actor, data=data)
        except (ValidationError, PermissionDenied) as exc:
            issues += [ImportIssue(r.sheet, r.row, "Mã", r.code, m) for m in _messages(exc)]
            continue
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    if issues:
        raise ImportRejected(issues)
    return counts


AWARD_CODE = code_cell_parser("Mã", digit_variants(Award))

register_sheet(
    SheetSpec(
        name=AWARD_SHEET,
        order=75,
        record=AwardRow,
        key_field="code",
        columns=[
            Column("Mã", "code", required=True, parse=AWARD_CODE),
            Column(
                "Loại",
                "kind",
                required=True,
                help="Kỷ niệm chương / Bằng khen / Giấy khen / Điển hình tiên tiến / Mô hình",
            ),
            Column("Tên", "name", required=True, help="tên hình thức khen hoặc tên mô hình"),
            Column(
                "Mã đơn vị",
                "unit_code",
                required=True,
                parse=UNIT_CODE,
                help="đơn vị được khen, hoặc đơn vị của người được khen",
            ),
            Column("Mã đảng viên", "member_code", parse=MEMBER_CODE, help="đảng viên được khen"),
            Column("Họ và tên", "person_name", help="người được khen không phải đảng viên"),
            Column("Ngày", "date", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Số quyết định", "decision_symbol", help="số hiệu quyết định khen thưởng"),
            Column("Số hiệu văn bản", "document_symbol", help="văn bản liên quan (nếu có)"),
        ],
        validate=validate_awards,
        commit=commit_awards,
    )
)
