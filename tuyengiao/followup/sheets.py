"""The workbook sheets ``Nhiệm vụ`` and ``Kiểm tra giám sát`` (WORKBOOK.md), after the
documents, units and sessions they name.

``Nhiệm vụ``: one row per task, keyed by ``Mã nhiệm vụ``. The programme is the
registered document of ``Số hiệu chương trình`` (or one in ``Văn bản``); a document
that is not yet a programme becomes one, issued by the importing user's unit (the
system actor: the top of the responsible unit's tree), as the web's programme form
would make it. A re-import changes nothing; a row whose code exists brings the task in
line (cooperating units, given on the web, are kept).

``Kiểm tra giám sát``: one row per (round, organisation); the rows of a round carry the
same kind, conducting unit and dates, and together are its organisations (a re-import
sets them to exactly those rows; named members, given on the web, are kept).

Validation asks the services' rules (``task_problems``, ``inspection_problems``) so each
refused row is named with its column; the commit calls ``task_save`` and
``inspection_save``, and anything they still refuse rejects the whole import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.documents import selectors as document_selectors
from tuyengiao.documents.services import symbol_key
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
from tuyengiao.lib.refs import parse_symbol
from tuyengiao.orgs.sheets import UNIT_CODE, digit_variants

from . import access, selectors, services
from .models import Inspection, InspectionTarget, Kind, Programme, Task

TASK_SHEET = "Nhiệm vụ"
INSPECTION_SHEET = "Kiểm tra giám sát"
UNIT_SHEET = "Đơn vị"
DOCUMENT_SHEET = "Văn bản"


def _actor(ctx: ImportContext) -> Any:
    """The import's actor: the user, or the system actor for the command line."""
    return access.SYSTEM if ctx.actor is None else ctx.actor


def _doc_key(symbol: str) -> str:
    ref = parse_symbol(symbol or "")
    return symbol_key(ref.symbol) if ref is not None and ref.system != "bare" else ""


def _in_sheet(ctx: ImportContext, sheet: str, field: str) -> set[str]:
    return {getattr(r, field) for r in ctx.records.get(sheet, [])}


def _issues(exc: Exception, sheet: str, row: int, column: str, value: Any) -> list[ImportIssue]:
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return [ImportIssue(sheet, row, column, str(value), m) for m in messages]


# --- Nhiệm vụ -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    sheet: str
    row: int
    code: str
    symbol: str
    content: str
    unit_code: str
    deadline: dt.date | None
    done_on: dt.date | None


TASK_COLUMNS = {
    "owner": "Số hiệu chương trình",
    "unit": "Mã đơn vị chủ trì",
    "partners": "Mã đơn vị chủ trì",
    "deadline": "Hạn",
    "done_on": "Ngày hoàn thành",
}


def validate_tasks(rows: list[TaskRow], ctx: ImportContext) -> None:
    actor = _actor(ctx)
    units = selectors.units_by_code(r.unit_code for r in rows)
    units_in_sheet = _in_sheet(ctx, UNIT_SHEET, "code")
    docs_in_sheet = {_doc_key(s) for s in _in_sheet(ctx, DOCUMENT_SHEET, "symbol")}
    existing = {
        t.code: t
        for t in Task.objects.filter(code__in=[r.code for r in rows]).select_related(
            "programme__document", "programme__unit"
        )
    }
    found: dict[str, Any] = {}
    for r in rows:
        if r.symbol not in found:
            docs = document_selectors.documents_by_symbol(r.symbol)
            found[r.symbol] = docs[0] if docs else None
        document = found[r.symbol]
        if document is None and not (_doc_key(r.symbol) and _doc_key(r.symbol) in docs_in_sheet):
            ctx.error(
                r.sheet,
                r.row,
                "Số hiệu chương trình",
                r.symbol,
                f"Chưa có văn bản số này (chưa đăng ký, cũng không có trong trang '{DOCUMENT_SHEET}').",
            )
        unit = units.get(r.unit_code)
        if unit is None:
            if r.unit_code not in units_in_sheet:
                ctx.error(
                    r.sheet, r.row, "Mã đơn vị chủ trì", r.unit_code, "Không tìm thấy đơn vị."
                )
            continue
        current = existing.get(r.code)
        if current is not None and current.programme is None:
            ctx.error(
                r.sheet,
                r.row,
                "Mã nhiệm vụ",
                r.code,
                "Mã này là nhiệm vụ thực hiện kiến nghị sau kiểm tra, giám sát.",
            )
            continue
        current_programme = current.programme if current is not None else None
        if (
            current_programme is not None
            and document is not None
            and current_programme.document_id != document.pk
        ):
            ctx.error(
                r.sheet, r.row, "Mã nhiệm vụ", r.code, "Mã này là nhiệm vụ của chương trình khác."
            )
            continue
        programme = current_programme or (
            selectors.programme_of(document) if document is not None else None
        )
        owner = programme.unit if programme is not None else None
        if owner is None:
            try:
                owner = services.programme_owner_for_import(actor, unit)
            except PermissionDenied as exc:
                ctx.error(r.sheet, r.row, "Số hiệu chương trình", r.symbol, str(exc))
                continue
        assigned = current.assigned_on if current is not None else None
        if assigned is None and document is not None and document.issue_date is not None:
            assigned = document.issue_date
        for name, message in services.task_problems(
            actor=actor,
            owner=owner,
            unit=unit,
            deadline=r.deadline,
            done_on=r.done_on,
            assigned_on=assigned
            or min(d for d in (ctx.today, r.deadline, r.done_on) if d is not None),
        ):
            column = TASK_COLUMNS.get(name, "Mã nhiệm vụ")
            value = {
                "owner": r.symbol,
                "deadline": r.deadline,
                "done_on": r.done_on,
            }.get(name, r.unit_code)
            ctx.error(r.sheet, r.row, column, value or "", message)


def commit_tasks(rows: list[TaskRow], ctx: ImportContext) -> SheetCounts:
    actor = _actor(ctx)
    counts = SheetCounts()
    units = selectors.units_by_code(r.unit_code for r in rows)
    programmes: dict[str, Programme] = {}
    issues: list[ImportIssue] = []
    for r in rows:
        try:
            programme = programmes.get(r.symbol)
            if programme is None:
                docs = document_selectors.documents_by_symbol(r.symbol)
                if not docs:
                    raise ValidationError(f"Chưa có văn bản số {r.symbol}.")
                document = docs[0]
                programme = selectors.programme_of(document)
                if programme is None:
                    owner = services.programme_owner_for_import(actor, units[r.unit_code])
                    programme = services.programme_for_document(
                        actor=actor, document=document, unit=owner
                    )
                    counts.notes.append(
                        f"Đã ghi {document.symbol} là chương trình, kế hoạch của {owner.name}."
                    )
                programmes[r.symbol] = programme
            _, outcome = services.task_save(
                actor=actor,
                programme=programme,
                data=services.TaskData(
                    code=r.code,
                    content=r.content,
                    unit=units[r.unit_code],
                    deadline=r.deadline,
                    done_on=r.done_on,
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            issues += _issues(exc, r.sheet, r.row, "Mã nhiệm vụ", r.code)
            continue
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    if issues:
        raise ImportRejected(issues)
    return counts


TASK_CODE = code_cell_parser("Mã nhiệm vụ", digit_variants(Task))

register_sheet(
    SheetSpec(
        name=TASK_SHEET,
        order=70,
        record=TaskRow,
        key_field="code",
        columns=[
            Column("Mã nhiệm vụ", "code", required=True, parse=TASK_CODE),
            Column(
                "Số hiệu chương trình",
                "symbol",
                required=True,
                help="số hiệu chương trình hành động, kế hoạch (đã đăng ký hoặc có trong 'Văn bản')",
            ),
            Column("Nội dung", "content", required=True),
            Column("Mã đơn vị chủ trì", "unit_code", required=True, parse=UNIT_CODE),
            Column("Hạn", "deadline", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Ngày hoàn thành",
                "done_on",
                parse=parse_date_cell,
                help="để trống: chưa hoàn thành",
            ),
        ],
        validate=validate_tasks,
        commit=commit_tasks,
    )
)


# --- Kiểm tra giám sát --------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionRow:
    sheet: str
    row: int
    code: str
    kind: str
    unit_code: str
    date_from: dt.date
    date_to: dt.date | None
    target_code: str
    members: int | None
    subject: str
    findings: str


KINDS = {str(label): value for value, label in Kind.choices}
INSPECTION_COLUMNS = {
    "unit": "Mã đơn vị thực hiện",
    "date_from": "Từ ngày",
    "date_to": "Đến ngày",
    "targets": "Mã đơn vị được kiểm tra",
}
SAME_ON_EVERY_ROW = (
    ("kind", "Loại"),
    ("unit_code", "Mã đơn vị thực hiện"),
    ("date_from", "Từ ngày"),
    ("date_to", "Đến ngày"),
)


def _rounds(rows: list[InspectionRow]) -> dict[str, list[InspectionRow]]:
    grouped: dict[str, list[InspectionRow]] = defaultdict(list)
    for r in rows:
        grouped[r.code].append(r)
    return grouped


def _first(rows: list[InspectionRow], field: str) -> str:
    return next((getattr(r, field) for r in rows if getattr(r, field)), "")


def validate_inspections(rows: list[InspectionRow], ctx: ImportContext) -> None:
    actor = _actor(ctx)
    units = selectors.units_by_code([r.unit_code for r in rows] + [r.target_code for r in rows])
    units_in_sheet = _in_sheet(ctx, UNIT_SHEET, "code")
    existing = {
        i.code: i
        for i in Inspection.objects.filter(code__in={r.code for r in rows}).select_related("unit")
    }
    named = {
        (t.inspection.code, t.unit.code): t.named.count()
        for t in InspectionTarget.objects.filter(inspection__code__in=existing).select_related(
            "inspection", "unit"
        )
    }
    for code, group in _rounds(rows).items():
        head = group[0]
        problems = False
        seen: set[str] = set()
        for r in group:
            for field, header in SAME_ON_EVERY_ROW:
                if getattr(r, field) != getattr(head, field):
                    problems = True
                    ctx.error(
                        r.sheet,
                        r.row,
                        header,
                        getattr(r, field) or "",
                        f"Các dòng của cuộc {code} phải ghi cùng '{header}' (dòng {head.row}).",
                    )
            if r.target_code in seen:
                problems = True
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đơn vị được kiểm tra",
                    r.target_code,
                    f"Tổ chức đảng này đã có ở một dòng khác của cuộc {code}.",
                )
            seen.add(r.target_code)
            if r.target_code not in units and r.target_code not in units_in_sheet:
                problems = True
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đơn vị được kiểm tra",
                    r.target_code,
                    "Không tìm thấy đơn vị.",
                )
            if r.members is not None and r.members < 0:
                ctx.error(r.sheet, r.row, "Số đảng viên", r.members, "Số đảng viên không được âm.")
            kept = named.get((code, r.target_code), 0)
            if kept > (r.members or 0):
                ctx.error(
                    r.sheet,
                    r.row,
                    "Số đảng viên",
                    r.members or 0,
                    f"Cuộc {code} đã nêu tên {kept} đảng viên của tổ chức này.",
                )
        unit = units.get(head.unit_code)
        if unit is None:
            if head.unit_code not in units_in_sheet:
                ctx.error(
                    head.sheet,
                    head.row,
                    "Mã đơn vị thực hiện",
                    head.unit_code,
                    "Không tìm thấy đơn vị.",
                )
            continue
        if problems:
            continue
        current = existing.get(code)
        if current is not None and not access.can_plan(actor, current.unit):
            ctx.error(
                head.sheet,
                head.row,
                "Mã cuộc",
                code,
                "Cuộc này do đơn vị ngoài phạm vi của bạn thực hiện.",
            )
        by_target = {r.target_code: r for r in group}
        for name, message in services.inspection_problems(
            actor=actor,
            unit=unit,
            date_from=head.date_from,
            date_to=head.date_to,
            targets=[units[r.target_code] for r in group if r.target_code in units],
        ):
            column = INSPECTION_COLUMNS.get(name, "Mã cuộc")
            row, value = (
                head.row,
                {
                    "unit": head.unit_code,
                    "date_from": head.date_from,
                    "date_to": head.date_to,
                }.get(name, code),
            )
            if name == "targets":  # the message names the organisation: find its row
                target = next((c for c in by_target if f" {c} " in message), None)
                if target is not None:
                    row, value = by_target[target].row, target
            ctx.error(head.sheet, row, column, value or "", message)


def commit_inspections(rows: list[InspectionRow], ctx: ImportContext) -> SheetCounts:
    actor = _actor(ctx)
    counts = SheetCounts()
    units = selectors.units_by_code([r.unit_code for r in rows] + [r.target_code for r in rows])
    issues: list[ImportIssue] = []
    for code, group in _rounds(rows).items():
        head = group[0]
        try:
            _, outcome = services.inspection_save(
                actor=actor,
                data=services.InspectionData(
                    code=code,
                    kind=head.kind,
                    unit=units[head.unit_code],
                    date_from=head.date_from,
                    date_to=head.date_to,
                    subject=_first(group, "subject"),
                    findings=_first(group, "findings"),
                    targets=[(units[r.target_code], r.members or 0) for r in group],
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            issues += _issues(exc, head.sheet, head.row, "Mã cuộc", code)
            continue
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    if issues:
        raise ImportRejected(issues)
    return counts


INSPECTION_CODE = code_cell_parser("Mã cuộc", digit_variants(Inspection))

register_sheet(
    SheetSpec(
        name=INSPECTION_SHEET,
        order=75,
        record=InspectionRow,
        columns=[
            Column("Mã cuộc", "code", required=True, parse=INSPECTION_CODE),
            Column(
                "Loại",
                "kind",
                required=True,
                parse=enum_parser(KINDS, "Loại"),
                help="Kiểm tra / Giám sát / Khảo sát",
            ),
            Column("Mã đơn vị thực hiện", "unit_code", required=True, parse=UNIT_CODE),
            Column("Từ ngày", "date_from", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Đến ngày", "date_to", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Mã đơn vị được kiểm tra",
                "target_code",
                required=True,
                parse=UNIT_CODE,
                help="một tổ chức đảng mỗi dòng",
            ),
            Column("Số đảng viên", "members", parse=parse_int_cell, help="mặc định 0"),
            Column("Nội dung", "subject"),
            Column("Kết luận", "findings", help="kết luận, kiến nghị"),
        ],
        validate=validate_inspections,
        commit=commit_inspections,
    )
)
