"""Reads: programmes, tasks with their state on a day, a unit's panel, inspections, and
the figures of the report sections (one statement per table, grouped in SQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from tuyengiao.documents.models import Document
from tuyengiao.lib.text import fold
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.subtree import Subtree, unit_in

from .models import Evidence, Inspection, InspectionTarget, Kind, Programme, Task, TaskReport
from .status import BADGE, State, open_q, state_on, state_q

PANEL_SHOWN = 20


@dataclass
class TaskRow:
    task: Task
    state: State

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def badge(self) -> str:
        return BADGE[self.state]


def task_rows(tasks: Iterable[Task], day: dt.date) -> list[TaskRow]:
    return [TaskRow(t, state_on(t.deadline, t.done_on, day)) for t in tasks]


def programme_list(qs: QuerySet[Programme], search: str = "") -> QuerySet[Programme]:
    for word in fold(search).split():
        qs = qs.filter(
            Q(document__search__symbol_fold__contains=word)
            | Q(document__search__title_fold__contains=word)
        )
    return (
        qs.select_related("document", "unit")
        .annotate(n_tasks=Count("tasks"))
        .order_by("-document__issue_date", "-pk")
    )


def implements_of(document: Document) -> list[Document]:
    from . import services

    return services.implemented_by(document)


def programme_tasks(
    visible: QuerySet[Task], programme: Programme, state: str = ""
) -> QuerySet[Task]:
    from tuyengiao.orgs.selectors import today

    qs = visible.filter(programme=programme)
    if state:
        qs = qs.filter(state_q(state, today()))
    return qs.select_related("unit").order_by("deadline", "code")


def task_counts(qs: QuerySet[Task], day: dt.date) -> dict[str, int]:
    """How many of ``qs`` are in each state on ``day`` (one statement)."""
    found = qs.aggregate(
        **{s.value: Count("pk", filter=state_q(s.value, day)) for s in State},
        total=Count("pk"),
    )
    return {k: v or 0 for k, v in found.items()}


def tasks_under(
    visible: QuerySet[Task], unit: Unit, *, state: str = "", day: dt.date, search: str = ""
) -> QuerySet[Task]:
    """Tasks whose responsible unit is ``unit`` or below it, optionally in one state."""
    qs = visible.filter(unit__path__startswith=unit.path)
    if state:
        qs = qs.filter(state_q(state, day))
    for word in fold(search).split():
        qs = qs.filter(Q(code__icontains=word) | Q(content__icontains=word))
    return qs.select_related("unit", "programme__document", "inspection").order_by(
        "deadline", "code"
    )


@dataclass
class UnitPanel:
    unit: Unit
    day: dt.date
    own_open: list[TaskRow]
    own_open_total: int
    overdue: list[TaskRow]
    overdue_total: int


def unit_panel(visible: QuerySet[Task], unit: Unit, day: dt.date) -> UnitPanel:
    """The unit page's part: the unit's own open tasks (responsible or cooperating)
    and the overdue tasks of its subtree, each at most ``PANEL_SHOWN`` with a count."""
    own = (
        visible.filter(Q(unit=unit) | Q(partners=unit))
        .filter(open_q(day))
        .distinct()
        .select_related("unit", "programme__document", "inspection")
        .order_by("deadline", "code")
    )
    overdue = tasks_under(visible, unit, state=State.OVERDUE, day=day)
    own_list = list(own[:PANEL_SHOWN])
    overdue_list = list(overdue[:PANEL_SHOWN])
    return UnitPanel(
        unit=unit,
        day=day,
        own_open=task_rows(own_list, day),
        own_open_total=own.count() if len(own_list) == PANEL_SHOWN else len(own_list),
        overdue=task_rows(overdue_list, day),
        overdue_total=overdue.count() if len(overdue_list) == PANEL_SHOWN else len(overdue_list),
    )


def task_reports(task: Task) -> list[TaskReport]:
    return list(task.reports.select_related("unit", "created_by").prefetch_related("files")[:100])


def evidence_of(task: Task, pk: int) -> Evidence | None:
    """One evidence file of one of ``task``'s progress reports."""
    return Evidence.objects.filter(report__task=task, pk=pk).first()


def task_partners(task: Task) -> list[Unit]:
    return list(task.partners.order_by("sort_key", "code")[:100])


def inspection_list(
    qs: QuerySet[Inspection], unit: Unit | None = None, kind: str = "", search: str = ""
) -> QuerySet[Inspection]:
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if kind:
        qs = qs.filter(kind=kind)
    for word in search.split():
        qs = qs.filter(Q(code__icontains=word) | Q(subject__icontains=word))
    return (
        qs.select_related("unit")
        .annotate(n_targets=Count("targets"), n_members=Sum("targets__members"))
        .order_by("-date_from", "code")
    )


TARGETS_SHOWN = 200


def inspection_targets(inspection: Inspection) -> tuple[list[InspectionTarget], int]:
    """The round's organisations (the first ``TARGETS_SHOWN``) and how many there are."""
    qs = inspection.targets.select_related("unit").order_by("unit__sort_key", "unit__code")
    shown = list(qs.prefetch_related("named")[:TARGETS_SHOWN])
    return shown, qs.count() if len(shown) == TARGETS_SHOWN else len(shown)


def inspection_tasks(visible: QuerySet[Task], inspection: Inspection) -> QuerySet[Task]:
    return visible.filter(inspection=inspection).select_related("unit").order_by("deadline", "code")


def task_code_taken(code: str) -> bool:
    return Task.objects.filter(code=code).exists()


def inspection_code_taken(code: str) -> bool:
    return Inspection.objects.filter(code=code).exists()


def programme_of(document: Document) -> Programme | None:
    return Programme.objects.filter(document=document).first()


def units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=set(codes))}


# --- the report's figures -----------------------------------------------------------------


@dataclass
class TaskGroup:
    """Tasks of one programme or one child unit, by state on the report's last day."""

    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_time: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    def add(self, other: TaskGroup) -> None:
        self.total += other.total
        self.done_on_time += other.done_on_time
        self.done_late += other.done_late
        self.overdue += other.overdue
        self.in_time += other.in_time


@dataclass
class TaskFigures:
    day: dt.date
    totals: TaskGroup = field(default_factory=TaskGroup)
    # (symbol, title) of a programme, or ("", "Kiến nghị sau kiểm tra, giám sát")
    programmes: dict[tuple[str, str], TaskGroup] = field(default_factory=dict)
    groups: dict[int, TaskGroup] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.totals.total == 0


FOLLOW_UP = ("", "Thực hiện kiến nghị sau kiểm tra, giám sát, khảo sát")


def task_figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> TaskFigures:
    """Tasks whose responsible unit is one of ``units`` (a resolved subtree or unit
    ids), given on or before
    ``date_to`` and not done before ``date_from``, by state on ``date_to``, per
    programme (follow-ups of inspections together) and per group of units. One
    statement."""
    group = dict(group_of or {})
    result = TaskFigures(day=date_to)
    qs = (
        Task.objects.filter(unit_in(units), assigned_on__lte=date_to)
        .exclude(done_on__lt=date_from)
        .values("unit_id", "programme__document__symbol", "programme__document__title")
        .annotate(
            total=Count("pk"),
            **{s.value: Count("pk", filter=state_q(s.value, date_to)) for s in State},
        )
    )
    for row in qs:
        g = TaskGroup(
            total=row["total"],
            done_on_time=row[State.DONE_ON_TIME.value],
            done_late=row[State.DONE_LATE.value],
            overdue=row[State.OVERDUE.value],
            in_time=row[State.IN_TIME.value],
        )
        symbol = row["programme__document__symbol"]
        key = (
            (symbol or "", row["programme__document__title"] or "")
            if symbol is not None
            else FOLLOW_UP
        )
        result.programmes.setdefault(key, TaskGroup()).add(g)
        gid = group.get(row["unit_id"], row["unit_id"])
        result.groups.setdefault(gid, TaskGroup()).add(g)
        result.totals.add(g)
    return result


@dataclass
class KindFigure:
    rounds: int = 0
    organisations: int = 0
    members: int = 0


@dataclass
class InspectionGroup:
    by_kind: dict[str, KindFigure] = field(default_factory=dict)

    def kind(self, kind: str) -> KindFigure:
        return self.by_kind.setdefault(kind, KindFigure())


@dataclass
class InspectionFigures:
    by_kind: dict[str, KindFigure]
    # Giám sát and Khảo sát together, as the articles count them: organisations
    # counted once even when both covered them.
    oversight: KindFigure
    groups: dict[int, InspectionGroup] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(k.rounds for k in self.by_kind.values())


OVERSIGHT = (Kind.SUPERVISION.value, Kind.REVIEW.value)


def inspection_figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> InspectionFigures:
    """Rounds conducted by ``units`` (a resolved subtree or unit ids) that started in ``[date_from, date_to]``, per
    kind: rounds, distinct organisations covered, members covered (summed over the
    rounds' organisations); the same per group of conducting units. Four statements."""
    group = dict(group_of or {})
    rounds = Inspection.objects.filter(
        unit_in(units), date_from__gte=date_from, date_from__lte=date_to
    )
    targets = InspectionTarget.objects.filter(inspection__in=rounds)
    by_kind = {k.value: KindFigure() for k in Kind}
    result = InspectionFigures(by_kind=by_kind, oversight=KindFigure())
    for row in rounds.values("kind").annotate(n=Count("pk")):
        by_kind[row["kind"]].rounds = row["n"]
    for row in targets.values("inspection__kind").annotate(
        orgs=Count("unit_id", distinct=True), members=Sum("members")
    ):
        figure = by_kind[row["inspection__kind"]]
        figure.organisations = row["orgs"]
        figure.members = row["members"] or 0
    oversight = targets.filter(inspection__kind__in=OVERSIGHT).aggregate(
        orgs=Count("unit_id", distinct=True), members=Sum("members")
    )
    result.oversight = KindFigure(
        rounds=sum(by_kind[k].rounds for k in OVERSIGHT),
        organisations=oversight["orgs"] or 0,
        members=oversight["members"] or 0,
    )

    def bucket(unit_id: int) -> InspectionGroup:
        return result.groups.setdefault(group.get(unit_id, unit_id), InspectionGroup())

    for row in rounds.values("unit_id", "kind").annotate(n=Count("pk")):
        bucket(row["unit_id"]).kind(row["kind"]).rounds += row["n"]
    # distinct organisations per group: counted per (group, kind) in Python from the
    # distinct (conducting unit, kind, organisation) triples
    seen: dict[tuple[int, str], set[int]] = {}
    for row in targets.values("inspection__unit_id", "inspection__kind", "unit_id").annotate(
        members=Sum("members")
    ):
        gid = group.get(row["inspection__unit_id"], row["inspection__unit_id"])
        figure = bucket(row["inspection__unit_id"]).kind(row["inspection__kind"])
        figure.members += row["members"] or 0
        seen.setdefault((gid, row["inspection__kind"]), set()).add(row["unit_id"])
    for (gid, kind), orgs in seen.items():
        result.groups[gid].kind(kind).organisations = len(orgs)
    return result


def latest_activity(unit: Unit, until: dt.date) -> dt.date | None:
    inspection = (
        Inspection.objects.filter(unit__path__startswith=unit.path, date_from__lte=until)
        .order_by("-date_from")
        .values_list("date_from", flat=True)
        .first()
    )
    return inspection


def unit_name(unit_id: int) -> Any:
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
