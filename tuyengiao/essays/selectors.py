"""Reads of essays: the marking list and progress, the copy check's pairs and
clusters, and the report's figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from tuyengiao.orgs.subtree import Subtree

from . import similarity
from .models import Essay, EssayRequirement, Grade, SimilarityRun, SimilarPair, State


def marking_list(qs: QuerySet[Essay], state: str = "") -> QuerySet[Essay]:
    qs = qs.filter(submitted_on__isnull=False).select_related("member", "unit")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("unit__path", "member__sort_key", "pk")


@dataclass
class Progress:
    handed_in: int = 0
    not_marked: int = 0
    in_marking: int = 0
    ready: int = 0
    released: int = 0
    late: int = 0

    @property
    def marked(self) -> int:
        return self.ready + self.released


def progress(qs: QuerySet[Essay]) -> Progress:
    row = qs.filter(submitted_on__isnull=False).aggregate(
        handed_in=Count("pk"),
        not_marked=Count("pk", filter=Q(state=State.NOT_MARKED)),
        in_marking=Count("pk", filter=Q(state=State.IN_MARKING)),
        ready=Count("pk", filter=Q(state=State.READY)),
        released=Count("pk", filter=Q(state=State.RELEASED)),
        late=Count("pk", filter=Q(late=True)),
    )
    return Progress(**row)


def own_essay(requirement: EssayRequirement, member_id: int) -> Essay | None:
    return (
        Essay.objects.filter(requirement=requirement, member_id=member_id)
        .select_related("requirement")
        .first()
    )


def latest_run(requirement: EssayRequirement) -> SimilarityRun | None:
    return SimilarityRun.objects.filter(requirement=requirement).first()


def pairs_in(requirement: EssayRequirement, essays: QuerySet[Essay]) -> QuerySet[SimilarPair]:
    """Pairs of the requirement with both essays among ``essays`` (the user's scope)."""
    ids = essays.values("pk")
    return (
        SimilarPair.objects.filter(requirement=requirement, a__in=ids, b__in=ids)
        .select_related("a__member", "b__member", "a__unit", "b__unit", "a__requirement")
        .order_by("-score", "pk")
    )


def clusters_by_unit(pairs: Iterable[SimilarPair]) -> list[tuple[Any, list[list[Essay]]]]:
    """Clusters of near-identical essays (joined by flagged pairs) within each unit."""
    essays: dict[int, Essay] = {}
    by_unit: dict[int, list[tuple[str, str]]] = defaultdict(list)
    units: dict[int, Any] = {}
    for p in pairs:
        if not p.flagged or p.a.unit_id != p.b.unit_id:
            continue
        essays[p.a_id], essays[p.b_id] = p.a, p.b
        units[p.a.unit_id] = p.a.unit
        by_unit[p.a.unit_id].append((str(p.a_id), str(p.b_id)))
    out = []
    for uid, edges in by_unit.items():
        groups = [[essays[int(k)] for k in g] for g in similarity.clusters(edges)]
        out.append((units[uid], groups))
    out.sort(key=lambda t: t[0].path)
    return out


# --- the report's figures -------------------------------------------------------------


GRADES = [g.value for g in Grade]


@dataclass
class Tally:
    handed_in: int = 0
    on_time: int = 0
    late: int = 0
    graded: int = 0
    grades: Counter[str] = field(default_factory=Counter)

    def add(self, late: bool, grade: str) -> None:
        self.handed_in += 1
        if late:
            self.late += 1
        else:
            self.on_time += 1
        if grade:
            self.graded += 1
            self.grades[grade] += 1


@dataclass
class EssayFigures:
    total: Tally
    documents: dict[int, Tally]  # document id -> tally
    document_names: dict[int, str]
    groups: dict[int, Tally]  # child of the report's unit -> tally

    @property
    def empty(self) -> bool:
        return self.total.handed_in == 0


def figures(subtree: Subtree, date_from: dt.date, date_to: dt.date) -> EssayFigures:
    """Essays handed in between the dates by members of the subtree's units (on time
    or late), with the released grades, per document and per child unit."""
    where, params = subtree.where(f"{Essay._meta.db_table}.unit_id")
    group_of: Mapping[int, int] = subtree.child
    rows = (
        Essay.objects.filter(submitted_on__gte=date_from, submitted_on__lte=date_to)
        .extra(where=[where], params=params)  # noqa: S610  the subtree's own id list
        .values_list("unit_id", "document_id", "late", "grade", "state", "document__symbol")
        .order_by()
    )
    total = Tally()
    documents: dict[int, Tally] = defaultdict(Tally)
    names: dict[int, str] = {}
    groups: dict[int, Tally] = defaultdict(Tally)
    for unit_id, doc_id, late, grade, state, symbol in rows.iterator(chunk_size=5000):
        shown = grade if state == State.RELEASED else ""
        total.add(late, shown)
        documents[doc_id].add(late, shown)
        names[doc_id] = symbol or f"Văn bản {doc_id}"
        groups[group_of.get(unit_id, unit_id)].add(late, shown)
    return EssayFigures(total, dict(documents), names, dict(groups))


@dataclass(frozen=True)
class Segment:
    text: str
    passage: int  # 0: not matching; n: the n-th matching passage


def highlight(text: str, ranges: Iterable[tuple[int, int]]) -> list[Segment]:
    """``text`` cut into plain and matching segments (ranges may overlap)."""
    spans = sorted((max(0, s), min(len(text), e), n) for n, (s, e) in enumerate(ranges, 1))
    out: list[Segment] = []
    at = 0
    for start, end, n in spans:
        if end <= at:
            continue
        start = max(start, at)
        if start > at:
            out.append(Segment(text[at:start], 0))
        out.append(Segment(text[start:end], n))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], 0))
    return out


def requirement_list(qs: QuerySet[EssayRequirement]) -> QuerySet[EssayRequirement]:
    return qs.select_related("campaign", "campaign__owner", "document").order_by("-deadline", "-pk")


def pair_of(requirement_ids: QuerySet[Any], pk: int) -> SimilarPair | None:
    return (
        SimilarPair.objects.filter(pk=pk, requirement__in=requirement_ids)
        .select_related("a__member", "b__member", "a__unit", "b__unit", "requirement__campaign")
        .first()
    )
