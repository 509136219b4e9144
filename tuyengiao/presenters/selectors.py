"""Reads of the roster: who serves on a day, a unit's roster, a presenter's sessions,
communes without a serving presenter, and the figures of the report section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from tuyengiao.lib.text import collation_key, fold
from tuyengiao.orgs.models import Unit, UnitVersion, valid_on_q

from .models import Presenter, PresenterLevel, PresenterStatus, SessionPresenter, Theory

# Units whose kind starts with one of these are communes (the official list's kinds).
COMMUNE_KINDS = ("dang uy xa", "dang uy phuong", "dang uy dac khu")


def serving_q(day: dt.date, prefix: str = "") -> Q:
    """Recognitions counted as serving on ``day``: a serving status and ``day`` within
    ``[valid_from, valid_until]`` (both days included)."""
    return (
        Q(**{f"{prefix}status__serving": True})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))
    )


def is_serving(presenter: Presenter, day: dt.date) -> bool:
    """Is the presenter recognised and serving on ``day``?"""
    return Presenter.objects.filter(serving_q(day), pk=presenter.pk).exists()


def code_taken(code: str) -> bool:
    return Presenter.objects.filter(code=code).exists()


def levels() -> list[PresenterLevel]:
    return list(PresenterLevel.objects.all())


def levels_on(day: dt.date) -> list[PresenterLevel]:
    """Levels at which a recognition can start on ``day``."""
    return [
        lv
        for lv in PresenterLevel.objects.all()
        if (lv.valid_from is None or lv.valid_from <= day)
        and (lv.valid_to is None or day < lv.valid_to)
    ]


def statuses() -> list[PresenterStatus]:
    return list(PresenterStatus.objects.all())


def roster(
    queryset: QuerySet[Presenter], unit: Unit, *, day: dt.date | None = None, search: str = ""
) -> QuerySet[Presenter]:
    """Presenters recognised by ``unit`` or a unit below it (today's tree), serving on
    ``day`` when given; ``search`` matches word starts of name and code without
    diacritics; ordered by given name (Vietnamese order), then family and middle."""
    qs = queryset.filter(unit__path__startswith=unit.path)
    if day is not None:
        qs = qs.filter(serving_q(day))
    for word in fold(search).split():
        qs = qs.filter(search_key__contains=" " + word)
    return qs.select_related("unit", "level", "status").order_by("sort_key", "code")


@dataclass
class SessionRow:
    code: str
    title: str
    date: dt.date
    host: str
    present: int
    others: int
    public: int

    @property
    def listeners(self) -> int:
        return self.present + self.others


def presenter_sessions(presenter: Presenter, limit: int = 200) -> list[SessionRow]:
    """The sessions the presenter is named on, newest first, with who attended:
    members present, other attendees, and the public reached."""
    from tuyengiao.study.models import Status

    rows = (
        SessionPresenter.objects.filter(presenter=presenter)
        .select_related("session", "session__host")
        .annotate(
            present=Count(
                "session__attendance", filter=Q(session__attendance__status=Status.PRESENT)
            )
        )
        .order_by("-session__date", "-session_id")[:limit]
    )
    return [
        SessionRow(
            code=r.session.code,
            title=r.session.title or r.session.code,
            date=r.session.date,
            host=r.session.host.name,
            present=r.present,
            others=r.session.other_attendees,
            public=r.session.public_reached,
        )
        for r in rows
    ]


def session_roster_presenters(session: Any) -> list[Presenter]:
    return [
        sp.presenter
        for sp in SessionPresenter.objects.filter(session=session)
        .select_related("presenter", "presenter__level", "presenter__unit")
        .order_by("presenter__sort_key")
    ]


def is_commune(kind: str) -> bool:
    folded = fold(kind)
    return folded.startswith(COMMUNE_KINDS)


def _subtree_versions(unit: Unit, day: dt.date) -> list[UnitVersion]:
    root = UnitVersion.objects.filter(valid_on_q(day), unit=unit).values_list("path", flat=True)
    path = next(iter(root), None)
    if path is None:
        return []
    return list(
        UnitVersion.objects.filter(valid_on_q(day), path__startswith=path).select_related("unit")
    )


def communes_in(unit: Unit, day: dt.date) -> int:
    """How many communes ``unit``'s subtree holds on ``day`` (the unit included)."""
    return sum(1 for v in _subtree_versions(unit, day) if is_commune(v.kind))


def communes_without_presenter(unit: Unit, day: dt.date) -> list[UnitVersion]:
    """Communes in ``unit``'s subtree on ``day`` (the unit itself included) where no
    presenter or communicator recognised by the commune or a unit below it serves on
    ``day``. Two queries: the subtree's versions, the serving presenters' units."""
    versions = _subtree_versions(unit, day)
    communes = [v for v in versions if is_commune(v.kind)]
    if not communes:
        return []
    unit_ids = [v.unit_id for v in versions]
    serving_units = set(
        Presenter.objects.filter(serving_q(day), unit_id__in=unit_ids)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    path_of = {v.unit_id: v.path for v in versions}
    covered_paths = [path_of[u] for u in serving_units if u in path_of]
    missing = [v for v in communes if not any(p.startswith(v.path) for p in covered_paths)]
    return sorted(missing, key=lambda v: (collation_key(v.name), v.unit.code))


# --- report figures ---------------------------------------------------------------------


@dataclass
class LevelFigure:
    code: str
    name: str
    is_communicator: bool
    serving: int = 0
    advanced_theory: int = 0  # Cao cấp or Cử nhân political theory

    @property
    def advanced_share(self) -> Decimal | None:
        if not self.serving:
            return None
        return (Decimal(self.advanced_theory * 100) / self.serving).quantize(Decimal("0.01"))


@dataclass
class GroupFigure:
    """One group of units (a child of the report's unit, or the unit itself)."""

    presenters: int = 0
    communicators: int = 0
    sessions: int = 0
    present: int = 0
    others: int = 0
    public: int = 0

    @property
    def listeners(self) -> int:
        return self.present + self.others


@dataclass
class PresenterFigures:
    day: dt.date
    levels: list[LevelFigure] = field(default_factory=list)
    totals: GroupFigure = field(default_factory=GroupFigure)
    groups: dict[int, GroupFigure] = field(default_factory=dict)

    @property
    def presenters(self) -> int:
        return self.totals.presenters

    @property
    def communicators(self) -> int:
        return self.totals.communicators

    @property
    def empty(self) -> bool:
        t = self.totals
        return not (t.presenters or t.communicators or t.sessions)


ADVANCED = (Theory.ADVANCED, Theory.BACHELOR)


def figures(
    unit_ids: Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> PresenterFigures:
    """What the report says about presenters for a resolved subtree (``unit_ids``):

    - presenters and communicators recognised by those units and serving on
      ``date_to``, per level, with how many have advanced political theory;
    - sessions hosted by those units in ``[date_from, date_to]`` that name a roster
      presenter (main sessions and bridge points alike), with members present, other
      attendees and the public reached.

    ``group_of`` maps a unit id to the group it is reported under (the report's
    children); units missing from it are grouped under themselves. Three queries."""
    from tuyengiao.study.models import Attendance, Session, Status

    ids = list(unit_ids)
    group = dict(group_of or {})
    result = PresenterFigures(day=date_to)
    levels = {lv.pk: lv for lv in PresenterLevel.objects.all()}
    by_level: dict[int, list[int]] = {}

    def bucket(unit_id: int) -> GroupFigure:
        key = group.get(unit_id, unit_id)
        if key not in result.groups:
            result.groups[key] = GroupFigure()
        return result.groups[key]

    rows = (
        Presenter.objects.filter(serving_q(date_to), unit_id__in=ids)
        .values("unit_id", "level_id")
        .annotate(n=Count("pk"), adv=Count("pk", filter=Q(theory__in=ADVANCED)))
    )
    for row in rows:
        level = levels[row["level_id"]]
        counts = by_level.setdefault(level.pk, [0, 0])
        counts[0] += row["n"]
        counts[1] += row["adv"]
        target = bucket(row["unit_id"])
        if level.is_communicator:
            target.communicators += row["n"]
        else:
            target.presenters += row["n"]
    for level in levels.values():
        n, adv = by_level.get(level.pk, [0, 0])
        if not n and level.valid_to is not None and level.valid_to <= date_to:
            continue  # a closed level with nobody left: not a line of the report
        result.levels.append(LevelFigure(level.code, level.name, level.is_communicator, n, adv))
    sessions = Session.objects.filter(
        host_id__in=ids,
        date__gte=date_from,
        date__lte=date_to,
        pk__in=SessionPresenter.objects.values("session_id"),
    )
    for row in sessions.values("host_id").annotate(
        n=Count("pk"), others=Sum("other_attendees"), public=Sum("public_reached")
    ):
        target = bucket(row["host_id"])
        target.sessions += row["n"]
        target.others += row["others"] or 0
        target.public += row["public"] or 0
    present = (
        Attendance.objects.filter(session__in=sessions, status=Status.PRESENT)
        .values("session__host_id")
        .annotate(n=Count("pk"))
    )
    for row in present:
        bucket(row["session__host_id"]).present += row["n"]
    t = result.totals
    for g in result.groups.values():
        t.presenters += g.presenters
        t.communicators += g.communicators
        t.sessions += g.sessions
        t.present += g.present
        t.others += g.others
        t.public += g.public
    return result
