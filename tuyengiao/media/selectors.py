"""Reads of media output and awards: the pages' lists and the report's figures.

The report's rule for a period ``[date_from, date_to]``:

- media output counts when the record's whole period lies inside the report's
  (a quarter's figures belong to that quarter's, half-year's and year's reports);
  records that straddle the report's start or end are not split — there is no
  honest way to — and are counted apart (``MediaFigures.outside``) so the report
  can say so;
- an award or model counts when its day lies inside the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from tuyengiao.lib.text import fold
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.subtree import Subtree, unit_in

from .models import Award, AwardKind, MediaKind, MediaOutput


def media_kinds() -> list[MediaKind]:
    return list(MediaKind.objects.all())


def award_kinds() -> list[AwardKind]:
    return list(AwardKind.objects.all())


def award_code_taken(code: str) -> bool:
    return Award.objects.filter(code=code).exists()


def media_list(
    queryset: QuerySet[MediaOutput],
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    kind: str = "",
) -> QuerySet[MediaOutput]:
    """Records of ``unit``'s subtree (today's tree) whose period overlaps
    ``[date_from, date_to]``, newest period first."""
    qs = queryset.filter(
        unit__path__startswith=unit.path, date_from__lte=date_to, date_to__gte=date_from
    )
    if kind:
        qs = qs.filter(kind__code=kind)
    return qs.select_related("unit", "kind", "document").order_by(
        "-date_to", "unit__sort_key", "kind__order", "language_key", "pk"
    )


def media_totals(queryset: QuerySet[MediaOutput]) -> dict[str, int]:
    got = queryset.aggregate(items=Sum("count"), minutes=Sum("minutes"), rows=Count("pk"))
    return {k: v or 0 for k, v in got.items()}


def award_list(
    queryset: QuerySet[Award],
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    kind: str = "",
    search: str = "",
) -> QuerySet[Award]:
    """Awards and models of ``unit``'s subtree dated in ``[date_from, date_to]``;
    ``search`` matches word starts of the name, the recipient and the code without
    diacritics."""
    qs = queryset.filter(unit__path__startswith=unit.path, date__gte=date_from, date__lte=date_to)
    if kind:
        qs = qs.filter(kind__code=kind)
    for word in fold(search).split():
        qs = qs.filter(search_key__contains=" " + word)
    return qs.select_related("unit", "kind", "member", "decision", "document").order_by(
        "-date", "code"
    )


# --- report figures: media --------------------------------------------------------------


@dataclass
class Cell:
    """Items and minutes (media), or awards (count only)."""

    count: int = 0
    minutes: int = 0

    def add(self, count: int, minutes: int) -> None:
        self.count += count
        self.minutes += minutes


@dataclass
class MediaFigures:
    kinds: list[MediaKind]
    totals: Cell = field(default_factory=Cell)
    by_kind: dict[str, Cell] = field(default_factory=dict)  # kind code
    by_language: dict[str, Cell] = field(default_factory=dict)  # "" = Vietnamese
    by_kind_language: dict[tuple[str, str], Cell] = field(default_factory=dict)
    groups: dict[int, dict[str, Cell]] = field(default_factory=dict)  # group -> kind -> cell
    by_document: dict[str, Cell] = field(default_factory=dict)  # symbol -> cell
    titles: dict[str, str] = field(default_factory=dict)  # symbol -> registered title
    outside: int = 0  # records straddling the period, not counted

    @property
    def empty(self) -> bool:
        return not self.by_kind

    @property
    def languages(self) -> list[str]:
        """Vietnamese first, then the others by how many items."""
        return sorted(self.by_language, key=lambda k: (k != "", -self.by_language[k].count, k))

    def group_total(self, group: int) -> Cell:
        total = Cell()
        for cell in self.groups.get(group, {}).values():
            total.add(cell.count, cell.minutes)
        return total


def _spelling(choices: dict[str, str], key: str, spelling: str) -> None:
    """Of the spellings of one folded language key, keep the one with most marks
    (``Mông`` over ``Mong``)."""
    best = choices.get(key)
    marks = sum(1 for c in spelling if not c.isascii())
    if best is None or marks > sum(1 for c in best if not c.isascii()):
        choices[key] = spelling


def media_figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> MediaFigures:
    """Media output of a resolved subtree (``units``, or unit ids) whose period lies inside
    ``[date_from, date_to]``: items and minutes per kind, per language, per kind and
    language, per document and per group (``group_of``: unit id -> the report's child,
    units missing from it under themselves). Three queries."""
    units = units if isinstance(units, Subtree) else list(units)
    group = dict(group_of or {})
    kinds = media_kinds()
    code_of = {k.pk: k.code for k in kinds}
    result = MediaFigures(kinds=kinds)
    inside = MediaOutput.objects.filter(
        unit_in(units), date_from__gte=date_from, date_to__lte=date_to
    )
    rows = (
        inside.order_by()
        .values("unit_id", "kind_id", "language_key", "language", "document_symbol")
        .annotate(n=Sum("count"), m=Sum("minutes"))
    )
    spelling: dict[str, str] = {}
    pending: list[tuple[int, str, str, str, int, int]] = []
    for row in rows:
        _spelling(spelling, row["language_key"], row["language"])
        pending.append(
            (
                row["unit_id"],
                code_of[row["kind_id"]],
                row["language_key"],
                row["document_symbol"],
                row["n"] or 0,
                row["m"] or 0,
            )
        )
    for unit_id, kind, language_key, symbol, n, m in pending:
        language = spelling[language_key]
        result.totals.add(n, m)
        result.by_kind.setdefault(kind, Cell()).add(n, m)
        result.by_language.setdefault(language, Cell()).add(n, m)
        result.by_kind_language.setdefault((kind, language), Cell()).add(n, m)
        target = result.groups.setdefault(group.get(unit_id, unit_id), {})
        target.setdefault(kind, Cell()).add(n, m)
        if symbol:
            result.by_document.setdefault(symbol, Cell()).add(n, m)
    if result.by_document:
        for symbol, title in inside.filter(
            document__isnull=False, document_symbol__in=list(result.by_document)
        ).values_list("document_symbol", "document__title"):
            result.titles.setdefault(symbol, title)
    result.outside = (
        MediaOutput.objects.filter(unit_in(units), date_from__lte=date_to, date_to__gte=date_from)
        .exclude(date_from__gte=date_from, date_to__lte=date_to)
        .count()
    )
    return result


def latest_media(unit: Unit, until: dt.date) -> dt.date | None:
    return (
        MediaOutput.objects.filter(unit__path__startswith=unit.path, date_to__lte=until)
        .order_by("-date_to")
        .values_list("date_to", flat=True)
        .first()
    )


# --- report figures: awards -------------------------------------------------------------


@dataclass
class AwardCell:
    total: int = 0
    people: int = 0

    @property
    def units(self) -> int:
        """Collectives (units) recognised: those with no person."""
        return self.total - self.people

    def add(self, total: int, people: int) -> None:
        self.total += total
        self.people += people


@dataclass
class AwardFigures:
    kinds: list[AwardKind]
    totals: AwardCell = field(default_factory=AwardCell)
    by_kind: dict[str, AwardCell] = field(default_factory=dict)
    groups: dict[int, dict[str, AwardCell]] = field(default_factory=dict)
    by_document: dict[str, AwardCell] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.totals.total

    def group_total(self, group: int) -> AwardCell:
        total = AwardCell()
        for cell in self.groups.get(group, {}).values():
            total.add(cell.total, cell.people)
        return total


PERSON_Q = Q(member__isnull=False) | ~Q(person_name="")


def award_figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> AwardFigures:
    """Awards and models of a resolved subtree dated in ``[date_from, date_to]``: per
    kind (collectives and people), per group and per related document. Two queries."""
    group = dict(group_of or {})
    kinds = award_kinds()
    code_of = {k.pk: k.code for k in kinds}
    result = AwardFigures(kinds=kinds)
    inside = Award.objects.filter(unit_in(units), date__gte=date_from, date__lte=date_to)
    rows = (
        inside.order_by()
        .values("unit_id", "kind_id", "document_symbol")
        .annotate(n=Count("pk"), people=Count("pk", filter=PERSON_Q))
    )
    for row in rows:
        kind, n, people = code_of[row["kind_id"]], row["n"], row["people"]
        result.totals.add(n, people)
        result.by_kind.setdefault(kind, AwardCell()).add(n, people)
        target = result.groups.setdefault(group.get(row["unit_id"], row["unit_id"]), {})
        target.setdefault(kind, AwardCell()).add(n, people)
        if row["document_symbol"]:
            result.by_document.setdefault(row["document_symbol"], AwardCell()).add(n, people)
    if result.by_document:
        for symbol, title in inside.filter(
            document__isnull=False, document_symbol__in=list(result.by_document)
        ).values_list("document_symbol", "document__title"):
            result.titles.setdefault(symbol, title)
    return result


def latest_award(unit: Unit, until: dt.date) -> dt.date | None:
    return (
        Award.objects.filter(unit__path__startswith=unit.path, date__lte=until)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


@dataclass
class UnitSummary:
    items: int
    minutes: int
    awards: int
    models: int


def unit_summary(
    media: QuerySet[MediaOutput],
    awards: QuerySet[Award],
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
) -> UnitSummary:
    """The unit page's panel: media output of ``unit``'s subtree (today's tree) whose
    period lies inside ``[date_from, date_to]`` (the report's rule), and its awards and
    models dated in it, out of the querysets the user may read. Two queries."""
    got = media.filter(
        unit__path__startswith=unit.path, date_from__gte=date_from, date_to__lte=date_to
    ).aggregate(items=Sum("count"), minutes=Sum("minutes"))
    counted = awards.filter(
        unit__path__startswith=unit.path, date__gte=date_from, date__lte=date_to
    ).aggregate(total=Count("pk"), models=Count("pk", filter=Q(kind__is_model=True)))
    return UnitSummary(
        items=got["items"] or 0,
        minutes=got["minutes"] or 0,
        awards=(counted["total"] or 0) - (counted["models"] or 0),
        models=counted["models"] or 0,
    )
