"""Workbook sheet ``Văn bản`` (WORKBOOK.md): Số hiệu, Trích yếu, Ngày ban hành, Cơ quan
ban hành.

A row is keyed by its document identity: the symbol, and for a Party symbol also the date
(numbers restart each term). A new one is registered; an existing one has its title and
issuing body updated if they differ, so importing the same workbook twice changes nothing.
Only province and commune staff may register documents; the command line is unrestricted.
Later sheets (sessions) may refer to a symbol that is registered or listed here:
``ctx.cache["document_rows"]`` maps symbol keys to rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    ImportIssue,
    ImportRejected,
    SheetCounts,
    SheetSpec,
    parse_date_cell,
    register_sheet,
)
from tuyengiao.lib.text import canonical_key, normalize

from . import services
from .models import Document

DOCUMENT_SHEET = "Văn bản"


@dataclass(frozen=True)
class DocumentRow:
    sheet: str
    row: int
    symbol: str
    title: str
    issue_date: dt.date | None
    issuer_name: str


def _existing(row: DocumentRow, key: str) -> Document | None:
    same = Document.objects.filter(symbol_key=key)
    if row.issue_date is not None:
        dated = same.filter(issue_date=row.issue_date).first()
        if dated is not None or same.exclude(issue_date=None).exists():
            return dated
    return same.first() if same.count() == 1 else None


def validate_documents(rows: list[DocumentRow], ctx: ImportContext) -> None:
    if rows:
        try:
            services.check_document_write(ctx.actor)
        except PermissionDenied as exc:
            ctx.error(DOCUMENT_SHEET, None, "", "", str(exc))
            return
    seen: dict[tuple[str, dt.date | None], int] = {}
    keyed: dict[str, list[DocumentRow]] = {}
    for r in rows:
        try:
            ref = services.parse_document_symbol(r.symbol)
        except ValidationError as exc:
            ctx.error(r.sheet, r.row, "Số hiệu", r.symbol, exc.messages[0])
            continue
        if r.issue_date and ref.year and r.issue_date.year != ref.year:
            ctx.error(
                r.sheet,
                r.row,
                "Ngày ban hành",
                r.issue_date,
                f"Không cùng năm với số hiệu {ref.symbol}.",
            )
            continue
        key = services.symbol_key(ref.symbol)
        identity = (key, r.issue_date if ref.system == "party" else None)
        if identity in seen:
            ctx.error(r.sheet, r.row, "Số hiệu", r.symbol, f"Trùng với dòng {seen[identity]}.")
            continue
        seen[identity] = r.row
        keyed.setdefault(key, []).append(r)
        if _existing(r, key) is None and Document.objects.filter(symbol_key=key).exists():
            if r.issue_date is None:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Ngày ban hành",
                    "",
                    f"Đã có nhiều văn bản số {ref.symbol} (các nhiệm kỳ khác nhau): cần ngày ban hành.",
                )
            elif ref.system == "state":
                ctx.error(
                    r.sheet,
                    r.row,
                    "Số hiệu",
                    r.symbol,
                    f"Đã có văn bản số {ref.symbol} với ngày khác.",
                )
    ctx.cache["document_rows"] = keyed


def commit_documents(rows: list[DocumentRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    for r in rows:
        ref = services.parse_document_symbol(r.symbol)
        key = services.symbol_key(ref.symbol)
        existing = _existing(r, key)
        try:
            if existing is None:
                services.document_create(
                    actor=ctx.actor,
                    symbol=ref.symbol,
                    title=r.title,
                    issue_date=r.issue_date,
                    issuer_name=r.issuer_name,
                )
                counts.created += 1
                continue
            same = (
                canonical_key(existing.title) == canonical_key(r.title)
                and (not r.issuer_name or normalize(r.issuer_name) == existing.issuer_name)
                and (r.issue_date is None or r.issue_date == existing.issue_date)
            )
            if same:
                counts.unchanged += 1
                continue
            services.document_update(
                actor=ctx.actor,
                document=existing,
                symbol=existing.symbol,
                title=r.title,
                issue_date=r.issue_date or existing.issue_date,
                kind=existing.kind,
                body=existing.body,
                status=existing.status,
                issuer_name=r.issuer_name or existing.issuer_name,
            )
            counts.updated += 1
        except ValidationError as exc:
            raise ImportRejected(
                [ImportIssue(r.sheet, r.row, "Số hiệu", r.symbol, " ".join(exc.messages))]
            ) from exc
    return counts


register_sheet(
    SheetSpec(
        name=DOCUMENT_SHEET,
        order=30,
        record=DocumentRow,
        columns=[
            Column("Số hiệu", "symbol", required=True, help="ví dụ 57-NQ/TW, 25/2024/TT-BTC"),
            Column("Trích yếu", "title", required=True),
            Column("Ngày ban hành", "issue_date", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Cơ quan ban hành", "issuer_name", help="ví dụ Bộ Chính trị"),
        ],
        validate=validate_documents,
        commit=commit_documents,
    )
)
