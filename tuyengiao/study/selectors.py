"""Reads: campaigns, sessions, the attendance grid and participation rates.

The rate and the target test are ``figures.rate`` and ``figures.meets_target``,
the same as the report's (``reports/tests/test_figures.py`` checks that the page
and the report agree). Rates follow WORKBOOK.md ("Figures derived from it"): for a campaign and a unit
on a day (the deadline unless chosen),

- required = non-exempt members whose membership on the day is in the unit's
  subtree on the day;
- attended = those of them with at least one ``Có mặt`` at a session of the
  campaign (main sessions, bridge points and make-up sessions alike) dated in
  ``[campaign.start, day]``;
- rate = attended ÷ required × 100, against ``campaign.member_target``;
- public reached = the sum over sessions of the campaign hosted in the subtree.

Everything is SQL over ``UnitVersion.path`` prefixes; nothing walks the tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tuyengiao.lib.text import collation_key
from tuyengiao.orgs import access
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.models import Exemption, Member, Membership, Unit, UnitVersion, valid_on_q

from . import figures
from .models import Attendance, Campaign, Session, SessionFact, Status


def today() -> dt.date:
    return timezone.localdate()


def session_brief(pk: int) -> Session | None:
    return Session.objects.select_related("host", "campaign").filter(pk=pk).first()


def _count_of(qs: QuerySet[Any], key: str) -> Coalesce:
    """A correlated count: worked out for the rows a page shows, not for every row a
    paginator counts (a national campaign has thousands of sessions)."""
    counted = qs.order_by().values(key).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def campaign_sessions(campaign: Campaign) -> QuerySet[Session]:
    return (
        campaign.sessions.filter(main__isnull=True)
        .select_related("host")
        .annotate(
            n_bridge=_count_of(Session.objects.filter(main=OuterRef("pk")), "main"),
            n_present=_count_of(
                Attendance.objects.filter(session=OuterRef("pk"), status=Status.PRESENT),
                "session",
            ),
        )
        .order_by("date", "code")
    )


def session_bridge_points(session: Session) -> QuerySet[Session]:
    return (
        session.bridge_points.select_related("host", "host__parent")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__status=Status.PRESENT)),
        )
        .order_by("host__sort_key", "code")
    )


def session_counts(session: Session) -> dict[str, int]:
    rows = dict(
        Attendance.objects.filter(session=session)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    left_early = 0
    if session.checkout_opened_at is not None:
        left_early = Attendance.objects.filter(
            session=session, status=Status.PRESENT, checked_out_at__isnull=True
        ).count()
    return {
        "present": rows.get(Status.PRESENT, 0),
        "excused": rows.get(Status.EXCUSED, 0),
        "absent": rows.get(Status.ABSENT, 0),
        "left_early": left_early,
        "person_times": rows.get(Status.PRESENT, 0) + session.other_attendees,
    }


def grid_members(
    session: Session, *, group: GridGroup | None = None, search: str = ""
) -> QuerySet[Member]:
    """Expected members: the host's subtree on the session date (or one group of the
    grid), annotated with their status, check-in/out times and exempt flag, in
    Vietnamese order (given name first); ``search`` needs no diacritics."""
    mine = Attendance.objects.filter(session=session, member=OuterRef("pk"))
    unit_on_day = Membership.objects.filter(valid_on_q(session.date), member=OuterRef("pk"))
    if group is None:
        members = org_selectors.members_of_subtree(session.host, session.date, search=search)
    elif group.direct:
        members = org_selectors.members_of_subtree(
            session.host, session.date, search=search
        ).filter(
            pk__in=Membership.objects.filter(
                valid_on_q(session.date), unit_id=group.unit_id
            ).values("member_id")
        )
    else:
        members = org_selectors.members_of_subtree(
            session.host, session.date, search=search
        ).filter(
            pk__in=Membership.objects.filter(
                valid_on_q(session.date),
                unit_id__in=UnitVersion.objects.filter(
                    valid_on_q(session.date), path__startswith=group.path
                ).values("unit_id"),
            ).values("member_id")
        )
    return members.annotate(
        status=Subquery(mine.values("status")[:1]),
        checked_in_at=Subquery(mine.values("checked_in_at")[:1]),
        checked_out_at=Subquery(mine.values("checked_out_at")[:1]),
        unit_name=Subquery(unit_on_day.values("unit__name")[:1]),
        is_exempt=org_selectors.exempt_on_q(session.date),
    )


@dataclass
class GridGroup:
    """One group of the attendance grid: a unit below the one opened (its members
    and those of its subtree on the session date), or, ``direct``, the members who
    belong to the opened unit itself."""

    unit_id: int
    code: str
    name: str
    path: str
    direct: bool = False
    members: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    has_subgroups: bool = False
    # set by the page that shows the group opened: its subgroups or a page of its rows
    body: dict[str, object] | None = None
    open: bool = False

    @property
    def unmarked(self) -> int:
        return self.members - self.present - self.excused - self.absent


def grid_group(session: Session, code: str, *, direct: bool = False) -> GridGroup | None:
    """The group of unit ``code`` with its counts, if that unit is in the host's
    subtree on the session date (else None)."""
    day = session.date
    host_path = org_selectors.version_path_on(session.host, day)
    version = (
        UnitVersion.objects.filter(valid_on_q(day), unit__code=code, path__startswith=host_path)
        .values_list("unit_id", "name", "path")
        .first()
        if host_path
        else None
    )
    if version is None:
        return None
    group = GridGroup(version[0], code, version[1], version[2], direct=direct)
    units = UnitVersion.objects.filter(valid_on_q(day))
    units = (
        units.filter(unit_id=group.unit_id) if direct else units.filter(path__startswith=group.path)
    )
    members, statuses = _counts(session, units.values("unit_id"))
    for unit_id in members:
        _add(group, members, statuses, unit_id)
        if unit_id != group.unit_id:
            group.has_subgroups = True
    return group


def grid_groups(session: Session, unit: Unit | None = None) -> list[GridGroup]:
    """The groups one level below ``unit`` (default the host) on the session date:
    the unit's own members as a ``direct`` group, then each child unit with members
    in its subtree, in Vietnamese order, with their counts. Three queries whatever
    the size (the subtree's versions, members and statuses per unit), summed per
    child in Python."""
    day = session.date
    path = org_selectors.version_path_on(session.host, day)
    if unit is not None and path is not None:
        below = org_selectors.version_path_on(unit, day)
        path = below if below and access.in_subtree(below, path) else None
    if path is None:
        return []
    subtree = UnitVersion.objects.filter(valid_on_q(day), path__startswith=path)
    versions = list(subtree.values_list("unit_id", "unit__code", "name", "path"))
    members, statuses = _counts(session, subtree.values("unit_id"))
    depth = path.count("/")
    own: GridGroup | None = None
    children: dict[int, GridGroup] = {}
    for unit_id, code, name, upath in versions:
        if upath == path:
            own = GridGroup(unit_id, code, name, upath, direct=True)
            _add(own, members, statuses, unit_id)
        elif upath.count("/") == depth + 1:
            children[unit_id] = GridGroup(unit_id, code, name, upath)
    for unit_id, _code, _name, upath in versions:
        if upath == path:
            continue
        group = children.get(int(upath[len(path) :].split("/", 1)[0]))
        if group is None:
            continue
        _add(group, members, statuses, unit_id)
        if unit_id != group.unit_id and members.get(unit_id):
            group.has_subgroups = True
    found = sorted(
        (g for g in children.values() if g.members), key=lambda g: (collation_key(g.name), g.code)
    )
    return ([own] if own and own.members else []) + found


def _counts(
    session: Session, unit_ids: QuerySet[Any]
) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """Members per unit on the session date, and their statuses at the session."""
    day = session.date
    memberships = Membership.objects.filter(valid_on_q(day), unit_id__in=unit_ids)
    members = dict(
        memberships.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    statuses: dict[int, dict[str, int]] = {}
    for unit_id, status, n in (
        memberships.filter(member__attendance__session=session)
        .values("unit_id", "member__attendance__status")
        .annotate(n=Count("id"))
        .values_list("unit_id", "member__attendance__status", "n")
    ):
        statuses.setdefault(unit_id, {})[status] = n
    return members, statuses


def _add(
    group: GridGroup, members: dict[int, int], statuses: dict[int, dict[str, int]], unit_id: int
) -> None:
    group.members += members.get(unit_id, 0)
    counts = statuses.get(unit_id, {})
    group.present += counts.get(Status.PRESENT, 0)
    group.excused += counts.get(Status.EXCUSED, 0)
    group.absent += counts.get(Status.ABSENT, 0)


CALENDAR_MOST = 500  # sessions in a calendar download


def coming_sessions(visible: QuerySet[Session], today: dt.date) -> QuerySet[Session]:
    """The sessions of ``visible`` from a week ago to half a year ahead, by time (a
    user's calendar download), at most ``CALENDAR_MOST``."""
    return (
        visible.filter(
            date__gte=today - dt.timedelta(days=7), date__lte=today + dt.timedelta(days=183)
        )
        .select_related("campaign", "host")
        .order_by("date", F("start_time").asc(nulls_first=True), "code")[:CALENDAR_MOST]
    )


def attendance_rows(session: Session) -> QuerySet[Attendance]:
    """The session's attendance rows with their members' codes and names, by member
    code (the API's listing; a page of it is read at a time)."""
    return (
        Attendance.objects.filter(session=session)
        .select_related("member")
        .order_by("member__code")
        .only(
            "status",
            "checked_in_at",
            "checked_out_at",
            "source",
            "member__code",
            "member__family_name",
            "member__middle_name",
            "member__given_name",
        )
    )


def left_early(session: Session) -> QuerySet[Attendance]:
    if session.checkout_opened_at is None:
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(
            session=session, status=Status.PRESENT, checked_out_at__isnull=True
        )
        .select_related("member")
        .order_by("member__sort_key")
    )


def member_history(member: Member) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(member=member)
        .select_related("session", "session__campaign", "session__host", "session__main")
        .order_by("-session__date", "-session_id")
    )


def cell_history(unit: Unit, *, limit: int = 200) -> QuerySet[Session]:
    """Sessions hosted by the unit (a secretary's cell), newest first."""
    return (
        Session.objects.filter(host=unit)
        .select_related("campaign")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__status=Status.PRESENT)),
            n_marked=Count("attendance"),
        )
        .order_by("-date", "code")[:limit]
    )


# --- rates ----------------------------------------------------------------------------


@dataclass
class Rate:
    unit: Unit | None
    name: str
    code: str
    required: int
    attended: int
    target: Decimal

    @property
    def rate(self) -> Decimal | None:
        return figures.rate(self.attended, self.required)

    @property
    def below_target(self) -> bool:
        return self.required > 0 and not figures.meets_target(
            self.attended, self.required, self.target
        )


def _period_day(campaign: Campaign, day: dt.date | None) -> dt.date:
    return day or campaign.deadline


def _attended_q(campaign: Campaign, day: dt.date) -> Exists:
    return Exists(
        Attendance.objects.filter(
            member=OuterRef("member_id"),
            status=Status.PRESENT,
            session__campaign=campaign,
            session__date__gte=campaign.start,
            session__date__lte=day,
        )
    )


def _required_memberships(unit: Unit, day: dt.date) -> QuerySet[Membership]:
    """Memberships on ``day`` of non-exempt members in the subtree, with the
    unit's path on that day."""
    version = org_selectors.version_on(unit, day)
    if version is None:
        return Membership.objects.none()
    path_on_day = UnitVersion.objects.filter(valid_on_q(day), unit=OuterRef("unit_id")).values(
        "path"
    )[:1]
    return (
        Membership.objects.filter(valid_on_q(day))
        .annotate(upath=Subquery(path_on_day))
        .filter(upath__startswith=version.path)
        .exclude(member_id__in=_exempt_ids(day))
    )


class MemberIdRow(TypedDict):
    member_id: int


def _exempt_ids(day: dt.date) -> QuerySet[Exemption, MemberIdRow]:
    return Exemption.objects.filter(valid_on_q(day)).values("member_id")


def _member_rows(campaign: Campaign, unit: Unit, day: dt.date) -> list[tuple[int, str, int, int]]:
    path = org_selectors.version_path_on(unit, day)
    if path is None:
        return []
    return figures.campaign_member_rows(campaign.pk, path, campaign.start, day)


def campaign_progress(
    campaign: Campaign, unit: Unit, day: dt.date | None = None, *, detail: bool = True
) -> tuple[dict[str, Any], list[Rate], list[Rate]]:
    """The campaign page's figures for ``unit``'s subtree (``campaign_rate``), its
    children (``progress_by_child``) and the units below target
    (``units_below_target``), from one statement on the roll-up facts."""
    day = _period_day(campaign, day)
    rows = _member_rows(campaign, unit, day)
    if not detail:
        return _campaign_rate(campaign, unit, day, rows), [], []
    return (
        _campaign_rate(campaign, unit, day, rows),
        _progress_by_child(campaign, unit, day, rows),
        _units_below_target(campaign, day, rows),
    )


def campaign_rate(campaign: Campaign, unit: Unit, day: dt.date | None = None) -> dict[str, Any]:
    """The figures for ``unit``'s subtree: required, attended, rate, public reached
    (from the roll-up facts, as the reports)."""
    day = _period_day(campaign, day)
    return _campaign_rate(campaign, unit, day, _member_rows(campaign, unit, day))


def _campaign_rate(
    campaign: Campaign, unit: Unit, day: dt.date, rows: list[tuple[int, str, int, int]]
) -> dict[str, Any]:
    required = sum(r[2] for r in rows)
    attended = sum(r[3] for r in rows)
    agg = SessionFact.objects.filter(
        campaign_id=campaign.pk,
        date__gte=campaign.start,
        date__lte=day,
        unit_id__in=org_selectors.subtree_unit_ids_on(unit, day),
    ).aggregate(
        public=Sum("public_reached"),
        others=Sum("other_attendees"),
        present=Sum("present"),
        n_main=Count("id", filter=Q(is_bridge=False)),
        n_bridge=Count("id", filter=Q(is_bridge=True)),
    )
    person_times = (agg["present"] or 0) + (agg["others"] or 0)
    rate = Rate(unit, unit.name, unit.code, required, attended, campaign.member_target)
    public = agg["public"] or 0
    public_rate = public * 100 / unit.population if unit.population else None
    return {
        "day": day,
        "rate": rate,
        "public_reached": public,
        "public_rate": public_rate,
        "public_below_target": public_rate is not None and public_rate < campaign.public_target,
        "sessions": agg["n_main"] or 0,
        "bridge_points": agg["n_bridge"] or 0,
        "person_times": person_times,
    }


def _grouped_rates(
    campaign: Campaign, day: dt.date, rows: QuerySet[Membership], group: Any
) -> dict[int, tuple[int, int]]:
    grouped = (
        rows.annotate(attended=_attended_q(campaign, day), grp=group)
        .values("grp")
        .annotate(
            required=Count("member_id", distinct=True),
            attended_n=Count("member_id", distinct=True, filter=Q(attended=True)),
        )
        .values_list("grp", "required", "attended_n")
    )
    return {g: (r, a) for g, r, a in grouped if g is not None}


def progress_by_child(campaign: Campaign, unit: Unit, day: dt.date | None = None) -> list[Rate]:
    """One row per child unit of ``unit`` on the day."""
    day = _period_day(campaign, day)
    return _progress_by_child(campaign, unit, day, _member_rows(campaign, unit, day))


def _progress_by_child(
    campaign: Campaign, unit: Unit, day: dt.date, rows: list[tuple[int, str, int, int]]
) -> list[Rate]:
    children = list(org_selectors.children_on(unit, day))
    if not children:
        return []
    cut = len(children[0].path) - len(f"{children[0].unit_id}/")  # the parent's path
    counts: dict[str, list[int]] = {}
    for _unit, path, required, attended in rows:
        head = path[cut:].split("/", 1)[0]
        if head:
            got = counts.setdefault(head, [0, 0])
            got[0] += required
            got[1] += attended
    result = []
    for v in children:
        required, attended = counts.get(str(v.unit_id), (0, 0))
        result.append(Rate(v.unit, v.name, v.unit.code, required, attended, campaign.member_target))
    return result


def units_below_target(campaign: Campaign, unit: Unit, day: dt.date | None = None) -> list[Rate]:
    """Every unit of the subtree that has members directly (usually cells) whose
    rate is below the campaign's target, lowest rate first."""
    day = _period_day(campaign, day)
    return _units_below_target(campaign, day, _member_rows(campaign, unit, day))


def _units_below_target(
    campaign: Campaign, day: dt.date, rows: list[tuple[int, str, int, int]]
) -> list[Rate]:
    target = campaign.member_target
    low = {
        u: (required, attended)
        for u, _path, required, attended in rows
        if not figures.meets_target(attended, required, target)
    }
    names = {
        v.unit_id: v
        for v in UnitVersion.objects.filter(valid_on_q(day), unit_id__in=list(low)).select_related(
            "unit"
        )
    }
    result = [
        Rate(names[u].unit, names[u].name, names[u].unit.code, r, a, target)
        for u, (r, a) in low.items()
        if u in names
    ]
    below = [r for r in result if r.below_target]
    below.sort(key=lambda r: (r.attended / r.required, r.code))
    return below
