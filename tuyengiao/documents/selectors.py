"""Reads for the document pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet
from django.db.models.functions import ExtractYear

from tuyengiao.lib.numbers import is_digits
from tuyengiao.lib.refs import parse_symbol
from tuyengiao.lib.text import collation_key

from . import search as search_module
from . import services
from .models import OPEN_REF_STATUSES, Attachment, Document, DocumentLink, DocumentRef

SEARCH_LIMIT = 300


@dataclass
class Filters:
    q: str = ""
    system: str = ""
    kind: str = ""
    issuer: str = ""
    year: int | None = None
    status: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        raw_year = (params.get("nam") or "").strip()
        return cls(
            q=(params.get("q") or "").strip()[:300],
            system=(params.get("he_thong") or "").strip(),
            kind=(params.get("loai") or "").strip(),
            issuer=(params.get("co_quan") or "").strip(),
            year=int(raw_year) if is_digits(raw_year) and len(raw_year) == 4 else None,
            status=(params.get("trang_thai") or "").strip(),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.system or self.kind or self.issuer or self.year or self.status)


def _filtered(qs: QuerySet[Document], f: Filters) -> QuerySet[Document]:
    if f.system:
        qs = qs.filter(system=f.system)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.issuer:
        qs = qs.filter(issuer_code=f.issuer)
    if f.year:
        qs = qs.filter(issue_date__year=f.year) | qs.filter(issue_date__isnull=True, year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs


def document_list(base: QuerySet[Document], f: Filters) -> tuple[list[Document], dict[int, float]]:
    """Documents for the list page: filtered, and when there is a query, in search order
    (at most ``SEARCH_LIMIT``) with their scores."""
    # NULL dates last on both backends (PostgreSQL puts them first in DESC by default)
    qs = (
        _filtered(base, f)
        .select_related("issuer")
        .order_by(F("issue_date").desc(nulls_last=True), "-id")
    )
    if not f.q:
        return list(qs), {}
    hits = search_module.search(f.q, limit=SEARCH_LIMIT)
    scores = {h.document_id: h.score for h in hits}
    by_id = qs.in_bulk(list(scores))
    return [by_id[h.document_id] for h in hits if h.document_id in by_id], scores


class FilterOptions(TypedDict):
    kinds: list[str]
    issuers: list[str]
    years: list[int]


def filter_options(base: QuerySet[Document]) -> FilterOptions:
    kinds = sorted(set(base.values_list("kind", flat=True)), key=collation_key)
    issuers = sorted(set(base.exclude(issuer_code="").values_list("issuer_code", flat=True)))
    years = set(
        base.exclude(issue_date=None)
        .annotate(y=ExtractYear("issue_date"))
        .values_list("y", flat=True)
    ) | set(base.filter(issue_date=None).exclude(year=None).values_list("year", flat=True))
    known = sorted((y for y in years if y is not None), reverse=True)
    return {"kinds": kinds, "issuers": issuers, "years": known}


@dataclass
class OpenRef:
    ref: DocumentRef
    candidates: list[Document] = field(default_factory=list)


@dataclass
class Detail:
    document: Document
    attachments: list[Attachment]
    links_out: list[DocumentLink]
    links_in: list[DocumentLink]
    open_refs: list[OpenRef]
    resolved_refs: list[DocumentRef]
    campaigns: list[Any] | None


def _campaigns(user: User | AnonymousUser, document: Document) -> list[Any] | None:
    """Campaigns the user can see that study this document."""
    from tuyengiao.study import access as study_access

    return list(
        study_access.campaigns_visible_to(user)
        .filter(documents=document)
        .select_related("owner")
        .distinct()
        .order_by("-start")[:50]
    )


def document_detail(user: User | AnonymousUser, document: Document) -> Detail:
    links_out = list(
        document.links_out.select_related("target").order_by("relation", "target__symbol")
    )
    links_in = list(
        document.links_in.select_related("source").order_by("relation", "-source__issue_date")
    )
    refs = list(document.refs.select_related("target").order_by("id"))
    open_refs = [
        OpenRef(r, services.ref_candidates(r, exclude=document.pk))
        for r in refs
        if r.status in OPEN_REF_STATUSES
    ]
    return Detail(
        document=document,
        attachments=list(document.attachments.all()),
        links_out=links_out,
        links_in=links_in,
        open_refs=open_refs,
        resolved_refs=[r for r in refs if r.status not in OPEN_REF_STATUSES],
        campaigns=_campaigns(user, document),
    )


def documents_by_symbol(symbol: str) -> list[Document]:
    """Registered documents with this symbol (several for a Party symbol reused across
    terms), newest first; for other apps' imports and forms."""
    ref = parse_symbol(symbol or "")
    if ref is None or ref.system == "bare":
        return []
    return list(
        Document.objects.filter(symbol_key=services.symbol_key(ref.symbol)).order_by(
            "-issue_date", "-pk"
        )
    )
