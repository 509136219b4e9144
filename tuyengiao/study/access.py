"""Who may see or change campaigns and sessions, built on the core in ``orgs.access``.

A campaign or session is visible when its unit is in the user's read area or is an
ancestor of the user's unit (a province campaign covers the commune). Staff of the
owner's subtree manage a campaign; writers host sessions inside both their own subtree
and the campaign's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tuyengiao.orgs.access import (
    WRITER_ROLES,
    Scope,
    ancestor_paths,
    check_write,
    filter_by_unit,
    in_subtree,
    scope_of,
    unit_q,
)
from tuyengiao.orgs.models import Membership, Unit, valid_on_q

from .models import Attendance, Campaign, Session, Status


def _study_unit_q(scope: Scope, field: str) -> Q:
    """The unit (via ``field``) is in the scope's read area or is one of its ancestors."""
    return unit_q(scope, field) | Q(**{f"{field}__path__in": ancestor_paths(scope.path)})


def sessions_listed_under(user: Any, mains: QuerySet[Session], unit: Unit) -> QuerySet[Session]:
    """Of ``mains`` (main sessions of a campaign), those hosted in ``unit``'s subtree and
    the user's read area, those with a bridge point there (a cell's point of a
    commune's online session), and those of ``unit``'s ancestors that its members
    attended. One condition a row, the bridge points by an index probe:
    as two id lists (``pk IN (...) OR pk IN (...)``) PostgreSQL could not hash the
    national campaign's millions of bridge points and counted a page for minutes."""
    scope = scope_of(user)
    if scope is None:
        return mains.none()
    inside = Q(host__path__startswith=unit.path) & unit_q(scope, "host")
    bridges = Session.objects.filter(main=OuterRef("pk")).filter(inside)
    listed: Q = inside | Q(Exists(bridges))
    above = ancestor_paths(unit.path)[:-1]
    if above:
        # a session of an ancestor that members of the unit attended (the commune's
        # conference where every cell's members sat in the hall): visible, as an
        # ancestor's, and the cell's own page must not say it held none
        members = Membership.objects.filter(
            valid_on_q(OuterRef(OuterRef("date"))), unit__path__startswith=unit.path
        )
        present = Attendance.objects.filter(
            session=OuterRef("pk"),
            status=Status.PRESENT,
            member_id__in=members.values("member_id"),
        )
        listed |= Q(host__path__in=above) & Q(Exists(present))
    return mains.filter(listed)


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    scope = scope_of(user)
    if scope is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(_study_unit_q(scope, "owner"))


def can_manage_campaign(user: Any, campaign: Campaign) -> bool:
    """Staff of the owner's subtree create and change campaigns."""
    scope = scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(campaign.owner))


def can_plan_in_campaign(user: Any, campaign: Campaign) -> bool:
    """May the user host sessions of this campaign (their writable unit lies in
    the campaign's scope, or the campaign lies in theirs)?"""
    scope = scope_of(user)
    if scope is None or not scope.can_write:
        return False
    return campaign_covers(campaign, scope.unit) or scope.covers(campaign.owner)


def campaign_covers(campaign: Campaign, unit: Unit) -> bool:
    """Is ``unit`` inside the campaign's subtree (its owner or below)?"""
    return in_subtree(unit.path, campaign.owner.path)


def get_campaign_for_user(user: Any, pk: int, *, write: bool = False) -> Campaign:
    campaign = campaigns_visible_to(user).select_related("owner").filter(pk=pk).first()
    if campaign is None:
        raise Http404("Không tìm thấy đợt học tập.")
    if write and not can_plan_in_campaign(user, campaign):
        raise PermissionDenied("Bạn chỉ có quyền xem đợt học tập này.")
    return campaign


def campaign_host_units(
    user: Any, campaign: Campaign, day: dt.date | None = None
) -> QuerySet[Unit]:
    """Units (valid today, or on ``day`` when given) that may host sessions or bridge
    points of the campaign for this user: inside both the user's writable subtree and
    the campaign's."""
    scope = scope_of(user)
    if scope is None or not scope.can_write:
        return Unit.objects.none()
    valid = Q(valid_to__isnull=True) if day is None else valid_on_q(day)
    return (
        Unit.objects.filter(valid, path__startswith=scope.path)
        .filter(path__startswith=campaign.owner.path)
        .order_by("path")
    )


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    scope = scope_of(user)
    if scope is None:
        return Session.objects.none()
    return Session.objects.filter(_study_unit_q(scope, "host"))


def sessions_in_scope(user: Any) -> QuerySet[Session]:
    """Sessions hosted inside the user's read area (not those of the ancestors)."""
    return filter_by_unit(user, Session.objects.all(), "host")


def get_session_for_user(user: Any, code: str, *, write: bool = False) -> Session:
    session = (
        sessions_visible_to(user)
        .select_related("host", "campaign", "campaign__owner", "main")
        .filter(code=code)
        .first()
    )
    if session is None:
        raise Http404("Không tìm thấy hội nghị.")
    if write:
        check_write(user, session.host)
    return session


def get_session_attendance_for_user(user: Any, code: str) -> Session:
    """A session whose attendance rows (members' names and statuses) the user may list:
    as for the grid and its export, staff and secretaries whose scope covers the host,
    an API key of theirs that only reads included; a session above them (their
    commune's conference) is seen, its list of other cells' members is not (403)."""
    session = get_session_for_user(user, code)
    scope = scope_of(user)
    if scope is None or scope.role not in WRITER_ROLES or not scope.covers(session.host):
        raise PermissionDenied(
            "Chỉ cán bộ, bí thư của đơn vị tổ chức hội nghị xem được danh sách điểm danh."
        )
    return session
