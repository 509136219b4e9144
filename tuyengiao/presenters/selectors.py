"""Reads of the roster: who serves on a day, a unit's roster, a presenter's sessions,
communes without a serving presenter, and the figures of the report section."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from tuyengiao.lib.db import in_ids
from tuyengiao.lib.text import collation_key, fold
from tuyengiao.orgs.access import in_subtree
from tuyengiao.orgs.models import Unit, UnitVersion, ids_on_path, valid_on_q
from tuyengiao.orgs.subtree import Subtree, unit_in

from .models import (
    Course,
    DisseminationEvent,
    Learner,
    Presenter,
    PresenterLevel,
    PresenterStatus,
    SessionPresenter,
    Theory,
)

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


@functools.lru_cache(maxsize=1024)  # a tree has a handful of kinds; a subtree, thousands of units
def is_commune(kind: str) -> bool:
    folded = fold(kind)
    return folded.startswith(COMMUNE_KINDS)


def _subtree_on(unit: Unit, day: dt.date) -> QuerySet[UnitVersion]:
    root = UnitVersion.objects.filter(valid_on_q(day), unit=unit).values_list("path", flat=True)
    path = next(iter(root), None)
    if path is None:
        return UnitVersion.objects.none()
    return UnitVersion.objects.filter(valid_on_q(day), path__startswith=path)


def _subtree_versions(unit: Unit, day: dt.date) -> list[UnitVersion]:
    return list(_subtree_on(unit, day).select_related("unit"))


def _commune_kinds(versions: QuerySet[UnitVersion]) -> dict[str, int]:
    """The kinds among ``versions`` that name a commune, with how many units have
    each: one grouped statement (a tree has a handful of kinds, a subtree thousands
    of units)."""
    rows = versions.order_by().values_list("kind").annotate(n=Count("pk"))
    return {kind: n for kind, n in rows if is_commune(kind)}


def communes_in(unit: Unit, day: dt.date) -> int:
    """How many communes ``unit``'s subtree holds on ``day`` (the unit included)."""
    return sum(_commune_kinds(_subtree_on(unit, day)).values())


@dataclass(frozen=True)
class CommuneGap:
    unit_id: int
    code: str
    name: str  # the commune's name on the day


def commune_gaps(unit: Unit, day: dt.date) -> tuple[int, list[CommuneGap]]:
    """How many communes ``unit``'s subtree holds on ``day`` (the unit itself
    included), and those where no presenter or communicator recognised by the commune
    or a unit below it serves on ``day``, in the units' Vietnamese order (their sort
    key: ``orgs.services.unit_keys``, kept on the unit for today's name). Four
    statements: the root's path, the subtree's kinds, the communes, the paths of the
    units with a serving presenter (a province has thousands of units and a hundred
    communes, the country 3.321: only these are loaded, as plain rows)."""
    from tuyengiao.orgs.services import unit_keys

    subtree = _subtree_on(unit, day)
    kinds = _commune_kinds(subtree)
    if not kinds:
        return 0, []
    communes = list(
        subtree.filter(kind__in=list(kinds))
        .order_by()
        .values_list("unit_id", "name", "unit__code", "unit__name", "unit__sort_key")
    )
    serving = Presenter.objects.filter(serving_q(day)).values("unit_id")
    covered_paths = subtree.filter(unit_id__in=serving).order_by().values_list("path", flat=True)
    # a path lists the ids from the root down ("/1/7/42/"): the communes above a unit
    # with a presenter are the ids on its path
    covered = {uid for path in covered_paths.distinct() for uid in ids_on_path(path)}
    missing = sorted(
        (sort_key if name == today_name and sort_key else unit_keys(name, code)[0], uid, code, name)
        for uid, name, code, today_name, sort_key in communes
        if uid not in covered
    )
    return len(communes), [CommuneGap(uid, code, name) for _key, uid, code, name in missing]


def communes_without_presenter(unit: Unit, day: dt.date) -> list[UnitVersion]:
    """Communes in ``unit``'s subtree on ``day`` (the unit itself included) where no
    presenter or communicator recognised by the commune or a unit below it serves on
    ``day``: their versions, in the order of ``commune_gaps``."""
    return commune_gap_versions(unit, day)[1]


def commune_gap_versions(unit: Unit, day: dt.date) -> tuple[int, list[UnitVersion]]:
    """``commune_gaps`` with the versions of the communes without a presenter
    (``communes_without_presenter``): how many communes the subtree holds, and those."""
    count, gaps = commune_gaps(unit, day)
    ids = [g.unit_id for g in gaps]
    versions = UnitVersion.objects.filter(valid_on_q(day), unit_id__in=in_ids(ids))
    by_unit = {v.unit_id: v for v in versions.select_related("unit")}
    return count, [by_unit[uid] for uid in ids]


# --- report figures ---------------------------------------------------------------------


@dataclass
class LevelFigure:
    code: str
    name: str
    is_communicator: bool
    serving: int = 0
    advanced_theory: int = 0  # Cao cấp or Cử nhân political theory
    events: int = 0  # dissemination events in the period naming a presenter of the level
    event_listeners: int = 0  # their listeners (each event once per level)
    learners: int = 0  # presenters of the level listed on courses of the period

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
    events: int = 0  # dissemination events (Buổi tuyên truyền) in the period
    event_listeners: int = 0  # their listeners
    courses: int = 0  # training courses starting in the period
    learners: int = 0  # people listed on those courses
    extra_participants: int = 0  # participants counted without names

    @property
    def listeners(self) -> int:
        return self.present + self.others

    @property
    def participants(self) -> int:
        return self.learners + self.extra_participants


@dataclass
class LanguageFigure:
    language: str  # "" is Vietnamese
    events: int = 0
    listeners: int = 0

    @property
    def label(self) -> str:
        return f"tiếng {self.language}" if self.language else "tiếng Việt"


@dataclass
class PresenterFigures:
    day: dt.date
    levels: list[LevelFigure] = field(default_factory=list)
    totals: GroupFigure = field(default_factory=GroupFigure)
    groups: dict[int, GroupFigure] = field(default_factory=dict)
    languages: list[LanguageFigure] = field(default_factory=list)

    @property
    def presenters(self) -> int:
        return self.totals.presenters

    @property
    def communicators(self) -> int:
        return self.totals.communicators

    @property
    def empty(self) -> bool:
        t = self.totals
        return not (t.presenters or t.communicators or t.sessions or t.events or t.courses)


ADVANCED = (Theory.ADVANCED, Theory.BACHELOR)


def figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: Mapping[int, int] | None = None,
) -> PresenterFigures:
    """What the report says about presenters for a resolved subtree (``units``, or a
    list of unit ids):

    - presenters and communicators recognised by those units and serving on
      ``date_to``, per level, with how many have advanced political theory;
    - sessions hosted by those units in ``[date_from, date_to]`` that name a roster
      presenter (main sessions and bridge points alike), with members present, other
      attendees and the public reached.

    ``group_of`` maps a unit id to the group it is reported under (the report's
    children); units missing from it are grouped under themselves. Three queries."""
    from tuyengiao.study.models import Attendance, Session, Status

    units = units if isinstance(units, Subtree) else list(units)
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
        Presenter.objects.filter(serving_q(date_to), unit_in(units))
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
        unit_in(units, "host_id"),
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
    _outreach(result, units, date_from, date_to, bucket)
    t = result.totals
    for g in result.groups.values():
        t.presenters += g.presenters
        t.communicators += g.communicators
        t.sessions += g.sessions
        t.present += g.present
        t.others += g.others
        t.public += g.public
        t.events += g.events
        t.event_listeners += g.event_listeners
        t.courses += g.courses
        t.learners += g.learners
        t.extra_participants += g.extra_participants
    return result


def events_in(units: Subtree | list[int], date_from: dt.date, date_to: dt.date) -> QuerySet[Any]:
    return DisseminationEvent.objects.filter(unit_in(units), date__gte=date_from, date__lte=date_to)


def courses_in(units: Subtree | list[int], date_from: dt.date, date_to: dt.date) -> QuerySet[Any]:
    """Courses organised by the units that start in the period."""
    return Course.objects.filter(unit_in(units), date_from__gte=date_from, date_from__lte=date_to)


def _outreach(
    result: PresenterFigures,
    units: Subtree | list[int],
    date_from: dt.date,
    date_to: dt.date,
    bucket: Any,
) -> None:
    """Dissemination events and training courses of the period: per group, per
    language, per level of the presenters named (an event counted once per level)."""
    events = events_in(units, date_from, date_to)
    for row in events.values("unit_id").annotate(n=Count("pk"), heard=Sum("listeners")):
        g = bucket(row["unit_id"])
        g.events += row["n"]
        g.event_listeners += row["heard"] or 0
    for row in events.values("language").annotate(n=Count("pk"), heard=Sum("listeners")).order_by():
        result.languages.append(LanguageFigure(row["language"], row["n"], row["heard"] or 0))
    result.languages.sort(key=lambda x: (x.language != "", -x.events, collation_key(x.language)))
    courses = courses_in(units, date_from, date_to)
    for row in courses.values("unit_id").annotate(n=Count("pk"), extra=Sum("extra_participants")):
        g = bucket(row["unit_id"])
        g.courses += row["n"]
        g.extra_participants += row["extra"] or 0
    learners = Learner.objects.filter(course__in=courses)
    for row in learners.values("course__unit_id").annotate(n=Count("pk")):
        bucket(row["course__unit_id"]).learners += row["n"]
    by_code = {lv.code: lv for lv in result.levels}
    through = DisseminationEvent.presenters.through
    named = through.objects.filter(disseminationevent__in=events)
    level_codes = set(named.values_list("presenter__level__code", flat=True).distinct())
    for code in level_codes:
        if code not in by_code:
            continue
        of_level = events.filter(
            pk__in=named.filter(presenter__level__code=code).values("disseminationevent_id")
        ).aggregate(n=Count("pk"), heard=Sum("listeners"))
        by_code[code].events = of_level["n"] or 0
        by_code[code].event_listeners = of_level["heard"] or 0
    for row in (
        learners.filter(presenter__isnull=False)
        .values("presenter__level__code")
        .annotate(n=Count("pk"))
    ):
        if row["presenter__level__code"] in by_code:
            by_code[row["presenter__level__code"]].learners += row["n"]


# --- dissemination events, courses, materials, languages --------------------------------


def forms() -> list[Any]:
    from .models import DisseminationForm

    return list(DisseminationForm.objects.all())


def event_list(
    queryset: QuerySet[DisseminationEvent], unit: Unit, *, search: str = ""
) -> QuerySet[DisseminationEvent]:
    """Events held by ``unit`` or a unit below it, newest first; ``search`` matches the
    code or the language."""
    qs = queryset.filter(unit_q_subtree(unit))
    for word in search.split():
        qs = qs.filter(Q(code__icontains=word) | Q(language__icontains=word))
    return (
        qs.select_related("unit", "form", "document")
        .annotate(n_presenters=Count("presenters"))
        .order_by("-date", "-pk")
    )


def unit_q_subtree(unit: Unit, field: str = "unit") -> Q:
    return Q(**{f"{field}__path__startswith": unit.path})


def event_totals(queryset: QuerySet[DisseminationEvent]) -> dict[str, int]:
    got = queryset.order_by().aggregate(n=Count("pk"), heard=Sum("listeners"))
    return {"events": got["n"] or 0, "listeners": got["heard"] or 0}


def event_presenters(event: DisseminationEvent) -> list[Presenter]:
    return list(event.presenters.select_related("level").order_by("sort_key"))


def course_list(queryset: QuerySet[Course], unit: Unit, *, search: str = "") -> QuerySet[Course]:
    qs = queryset.filter(unit_q_subtree(unit))
    for word in search.split():
        qs = qs.filter(Q(code__icontains=word) | Q(title__icontains=word))
    return (
        qs.select_related("unit")
        .annotate(n_learners=Count("learners"))
        .order_by("-date_from", "-pk")
    )


def course_learners(course: Course) -> QuerySet[Learner]:
    return (
        Learner.objects.filter(course=course)
        .select_related("presenter", "member", "presenter__level")
        .order_by("presenter__sort_key", "member__code", "pk")
    )


def course_learner(course: Course, *, presenter_code: str, member_code: str) -> Learner | None:
    """The learner of ``course`` listed as the presenter ``presenter_code`` or, without
    one, as the member ``member_code``."""
    if presenter_code:
        return Learner.objects.filter(course=course, presenter__code=presenter_code).first()
    if member_code:
        return Learner.objects.filter(
            course=course, presenter__isnull=True, member__code=member_code
        ).first()
    return None


def material_list(queryset: QuerySet[Any], *, search: str = "") -> QuerySet[Any]:
    qs = queryset
    for word in search.split():
        qs = qs.filter(Q(code__icontains=word) | Q(title__icontains=word))
    return qs.select_related("unit", "document").order_by("-date", "-pk")


def materials_for_documents(queryset: QuerySet[Any], document_ids: Iterable[int]) -> list[Any]:
    """Materials explaining any of the documents (a campaign's, a session's), newest
    first, at most 50."""
    return list(
        queryset.filter(document_id__in=list(document_ids))
        .select_related("unit", "document")
        .order_by("-date", "-pk")[:50]
    )


def material_views(material: Any, unit: Unit) -> tuple[int, list[tuple[str, int]]]:
    """Opens of ``material`` counted for units of ``unit``'s subtree: the total and the
    20 units that opened it most (never who read it)."""
    from .models import MaterialView

    rows = MaterialView.objects.filter(unit_q_subtree(unit), material=material)
    total = rows.aggregate(n=Sum("count"))["n"] or 0
    top = [(r.unit.name, r.count) for r in rows.select_related("unit").order_by("-count")[:20]]
    return total, top


def presenter_events(presenter: Presenter, limit: int = 200) -> list[DisseminationEvent]:
    return list(presenter.events.select_related("unit", "form").order_by("-date", "-pk")[:limit])


def presenter_event_totals(presenter: Presenter) -> dict[str, int]:
    return event_totals(presenter.events.all())


def presenter_courses(presenter: Presenter, limit: int = 200) -> list[Learner]:
    return list(
        Learner.objects.filter(presenter=presenter)
        .select_related("course", "course__unit")
        .order_by("-course__date_from", "-pk")[:limit]
    )


def unit_languages(unit: Unit) -> list[str]:
    from .models import UnitLanguage

    return list(UnitLanguage.objects.filter(unit=unit).values_list("language", flat=True))


@dataclass
class LanguageGap:
    commune: UnitVersion
    missing: list[str]


def communes_missing_languages(unit: Unit, day: dt.date) -> list[LanguageGap]:
    """Communes of ``unit``'s subtree on ``day`` whose population speaks a language
    (``UnitLanguage``) that no presenter or communicator serving on ``day`` and
    recognised by the commune or a unit below it can present in. Three queries."""
    from .models import UnitLanguage

    versions = _subtree_versions(unit, day)
    communes = {v.unit_id: v for v in versions if is_commune(v.kind)}
    if not communes:
        return []
    spoken: dict[int, dict[str, str]] = {}
    for row in UnitLanguage.objects.filter(unit_id__in=list(communes)):
        spoken.setdefault(row.unit_id, {})[row.key] = row.language
    if not spoken:
        return []
    path_of = {v.unit_id: v.path for v in versions}
    serving = (
        Presenter.objects.filter(serving_q(day), unit_id__in=list(path_of))
        .exclude(languages="")
        .values_list("unit_id", "languages")
    )
    gaps = []
    for commune_id, langs in spoken.items():
        root = communes[commune_id].path
        known = {
            fold(lang)
            for unit_id, raw in serving
            if in_subtree(path_of[unit_id], root)
            for lang in raw.split(";")
            if lang.strip()
        }
        missing = [word for key, word in langs.items() if key not in known]
        if missing:
            gaps.append(LanguageGap(communes[commune_id], sorted(missing, key=collation_key)))
    return sorted(gaps, key=lambda g: (collation_key(g.commune.name), g.commune.unit.code))


def event_code_taken(code: str) -> bool:
    return DisseminationEvent.objects.filter(code=code).exists()


def course_code_taken(code: str) -> bool:
    return Course.objects.filter(code=code).exists()


def material_code_taken(code: str) -> bool:
    from .models import Material

    return Material.objects.filter(code=code).exists()


def material_distribution(material: Any, limit: int = 100) -> list[Unit]:
    return list(material.distributed_to.order_by("path")[:limit])


def campaign_document_ids(campaign: Any) -> list[int]:
    return list(campaign.documents.values_list("pk", flat=True))
