"""The workbook sheet ``Bài thu hoạch`` (WORKBOOK.md): essays handed in on paper and
graded outside the system, one row per (member, document).

Columns: ``Mã đảng viên``, ``Số hiệu văn bản`` (registered, or in the ``Văn bản``
sheet), ``Ngày nộp``, ``Xếp loại`` (optional: ``Xuất sắc`` / ``Tốt`` / ``Khá`` /
``Đạt`` / ``Chưa đạt``; a graded paper essay counts as released). A second row for
the same pair is an error. Validation asks ``services.check_paper_essay`` (the web's
rule: a writer whose subtree holds the member's unit); the commit calls
``services.paper_essay_save`` (created / updated / unchanged: a second import changes
nothing) and turns anything it still refuses into an error of the import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
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
    register_sheet,
)
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Member
from tuyengiao.orgs.selectors import member_unit_on
from tuyengiao.orgs.sheets import MEMBER_CODE

from . import services
from .models import Essay, Grade, Source

SHEET = "Bài thu hoạch"
MEMBER_SHEET = "Đảng viên"
DOCUMENT_SHEET = "Văn bản"
GRADES = {str(label): value for value, label in Grade.choices}


@dataclass(frozen=True)
class PaperEssayRow:
    sheet: str
    row: int
    member_code: str
    symbol: str
    submitted_on: dt.date
    grade: str | None


def symbol_key(symbol: str) -> str:
    return "".join(symbol.split()).lower()


def documents_by_key(keys: set[str]) -> dict[str, list[Document]]:
    found: dict[str, list[Document]] = defaultdict(list)
    if keys:
        upper = {k.upper() for k in keys}
        rows = Document.objects.filter(Q(symbol_key__in=keys) | Q(symbol__in=upper))
        for d in rows.order_by("-issue_date", "-id"):
            key = symbol_key(d.symbol)
            if key in keys and d not in found[key]:
                found[key].append(d)
    return found


def pick_document(candidates: list[Document], day: dt.date) -> Document:
    """A symbol can repeat across congress terms: the newest issued by the day."""
    for d in candidates:
        if d.issue_date is None or d.issue_date <= day:
            return d
    return candidates[-1]


def _actor(ctx: ImportContext) -> object:
    return ctx.actor if getattr(ctx.actor, "is_authenticated", False) else SYSTEM


def validate(rows: list[PaperEssayRow], ctx: ImportContext) -> None:
    members = {m.code: m for m in Member.objects.filter(code__in={r.member_code for r in rows})}
    in_sheet_members = {r.code for r in ctx.records.get(MEMBER_SHEET, [])}
    docs = documents_by_key({symbol_key(r.symbol) for r in rows})
    in_sheet_docs = {symbol_key(r.symbol) for r in ctx.records.get(DOCUMENT_SHEET, [])}
    seen: dict[tuple[str, str], int] = {}
    actor = _actor(ctx)
    for r in rows:
        key = symbol_key(r.symbol)
        pair = (r.member_code, key)
        if pair in seen:
            ctx.error(
                r.sheet,
                r.row,
                "Số hiệu văn bản",
                r.symbol,
                f"Trùng với dòng {seen[pair]}: mỗi đảng viên một bài thu hoạch cho một văn bản.",
            )
            continue
        seen[pair] = r.row
        if key not in docs and key not in in_sheet_docs:
            ctx.error(
                r.sheet,
                r.row,
                "Số hiệu văn bản",
                r.symbol,
                "Văn bản chưa được đăng ký (và không có trong trang 'Văn bản').",
            )
        member = members.get(r.member_code)
        if member is None:
            if r.member_code not in in_sheet_members:
                ctx.error(
                    r.sheet, r.row, "Mã đảng viên", r.member_code, "Không tìm thấy đảng viên."
                )
            continue
        unit = member_unit_on(member, r.submitted_on) or member_unit_on(member, ctx.today)
        reason = services.check_paper_essay(actor, unit)
        if reason:
            ctx.error(r.sheet, r.row, "Mã đảng viên", r.member_code, reason)
            continue
        if key in docs:
            doc = pick_document(docs[key], r.submitted_on)
            online = Essay.objects.filter(member=member, document=doc).exclude(source=Source.PAPER)
            if online.exists():
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đảng viên",
                    r.member_code,
                    "Đảng viên này đã nộp bài thu hoạch về văn bản này trên hệ thống.",
                )


def commit(rows: list[PaperEssayRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    members = {m.code: m for m in Member.objects.filter(code__in={r.member_code for r in rows})}
    docs = documents_by_key({symbol_key(r.symbol) for r in rows})
    actor = _actor(ctx)
    issues: list[ImportIssue] = []
    for r in rows:
        try:
            _, outcome = services.paper_essay_save(
                actor=actor,
                member=members[r.member_code],
                document=pick_document(docs[symbol_key(r.symbol)], r.submitted_on),
                submitted_on=r.submitted_on,
                grade=r.grade or "",
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            issues += [
                ImportIssue(r.sheet, r.row, "Mã đảng viên", r.member_code, m) for m in messages
            ]
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


register_sheet(
    SheetSpec(
        name=SHEET,
        order=55,  # after members (20), documents (30), sessions (40) and attendance (50)
        record=PaperEssayRow,
        columns=[
            Column("Mã đảng viên", "member_code", required=True, parse=MEMBER_CODE),
            Column(
                "Số hiệu văn bản", "symbol", required=True, help="văn bản học tập, ví dụ: 57-NQ/TW"
            ),
            Column(
                "Ngày nộp", "submitted_on", required=True, parse=parse_date_cell, help="dd/mm/yyyy"
            ),
            Column(
                "Xếp loại",
                "grade",
                parse=enum_parser(GRADES, "Xếp loại"),
                help="Xuất sắc / Tốt / Khá / Đạt / Chưa đạt",
            ),
        ],
        validate=validate,
        commit=commit,
    )
)
