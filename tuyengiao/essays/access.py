"""Who may see, write, mark and release essays, built on ``orgs/access.py`` and
``study/access.py``.

- A campaign's essay requirement is set up by those who manage the campaign
  (``study.access.can_manage_campaign``: staff of the owner's subtree).
- A member writes and hands in their own essay, for a campaign that covers the unit
  they belong to; they see its grade only once it is released.
- The cell or commune the member belongs to marks, within its scope: a writer
  (cell secretary, commune or province staff) whose subtree holds the essay's unit.
  When markers are assigned to a unit (or one of its ancestors) for the
  requirement, only those markers mark that unit's essays; releasing stays with
  the writers in scope.
- Blind marking hides the author's name from everyone who marks until the grade
  is released.
- Out of scope is 404; in scope but not allowed is 403. The system actor does
  everything; ``None`` is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Member, Role, Unit
from tuyengiao.study import access as study_access
from tuyengiao.study.models import Campaign

from .models import Essay, EssayRequirement, Marker, State

SYSTEM = core.SYSTEM
is_system = core.is_system


def get_campaign(user: Any, pk: int) -> Campaign:
    """A campaign the user sees (404 otherwise)."""
    return study_access.get_campaign_for_user(user, pk)


def can_manage(user: Any, campaign: Campaign) -> bool:
    if is_system(user):
        return True
    return study_access.can_manage_campaign(user, campaign)


def check_manage(user: Any, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied(
            "Chỉ cán bộ của đơn vị chủ trì đợt học tập được đặt yêu cầu bài thu hoạch."
        )


def requirements_visible_to(user: Any) -> QuerySet[EssayRequirement]:
    return EssayRequirement.objects.filter(
        campaign__in=study_access.campaigns_visible_to(user)
    ).select_related("campaign", "document")


def get_requirement(user: Any, campaign_pk: int) -> EssayRequirement:
    requirement = requirements_visible_to(user).filter(campaign_id=campaign_pk).first()
    if requirement is None:
        raise Http404("Đợt học tập này không yêu cầu bài thu hoạch.")
    return requirement


# --- writing --------------------------------------------------------------------------


def author_of(user: Any) -> Member | None:
    return core.own_member(user)


def covers_member_unit(requirement: EssayRequirement, unit: Unit | None) -> bool:
    return unit is not None and study_access.campaign_covers(requirement.campaign, unit)


# --- marking --------------------------------------------------------------------------


def _marker_units(requirement: EssayRequirement) -> list[tuple[str, int]]:
    cache = getattr(requirement, "_marker_units", None)
    if cache is None:
        cache = [(m.unit.path, m.user_id) for m in requirement.markers.select_related("unit")]
        requirement._marker_units = cache  # type: ignore[attr-defined]
    return cache


def can_release(user: Any, essay: Essay) -> bool:
    """A writer whose subtree holds the essay's unit (the cell or the commune)."""
    if is_system(user):
        return True
    return core.can_write_unit(user, essay.unit)


def can_mark(user: Any, essay: Essay) -> bool:
    if is_system(user):
        return True
    if essay.requirement is None or not core.can_write_unit(user, essay.unit):
        return False
    assigned = [
        uid
        for path, uid in _marker_units(essay.requirement)
        if core.in_subtree(essay.unit.path, path)
    ]
    return not assigned or user.pk in assigned


def check_mark(user: Any, essay: Essay) -> None:
    if not can_mark(user, essay):
        raise PermissionDenied("Bạn không được phân công chấm bài thu hoạch này.")


def essays_in_scope(user: Any, requirement: EssayRequirement) -> QuerySet[Essay]:
    """Essays of the requirement that the user may read as a marker: those of units
    in a writer's subtree (a member reads only their own, elsewhere)."""
    scope = core.scope_of(user)
    if scope is None or not scope.can_write:
        return Essay.objects.none()
    return core.filter_by_unit(user, Essay.objects.filter(requirement=requirement), "unit")


def markable(user: Any, requirement: EssayRequirement) -> QuerySet[Essay]:
    """The essays the user marks: in scope, minus units assigned to other markers."""
    qs = essays_in_scope(user, requirement)
    others = [path for path, uid in _marker_units(requirement) if uid != getattr(user, "pk", None)]
    mine = [path for path, uid in _marker_units(requirement) if uid == getattr(user, "pk", None)]
    for path in others:
        if not any(core.in_subtree(path, m) for m in mine):
            qs = qs.exclude(unit__path__startswith=path)
    return qs


def get_essay(user: Any, pk: int) -> Essay:
    """An essay for its author or for a writer in scope; 404 for anyone else."""
    essay = (
        Essay.objects.select_related(
            "requirement", "requirement__campaign", "unit", "member", "document"
        )
        .filter(pk=pk)
        .first()
    )
    if essay is None:
        raise Http404("Không tìm thấy bài thu hoạch.")
    member = core.own_member(user)
    if member is not None and member.pk == essay.member_id:
        return essay
    scope = core.scope_of(user)
    if scope is None or scope.role == Role.MEMBER or not scope.covers(essay.unit):
        raise Http404("Không tìm thấy bài thu hoạch.")
    return essay


def is_author(user: Any, essay: Essay) -> bool:
    member = core.own_member(user)
    return member is not None and member.pk == essay.member_id


def shows_author(essay: Essay) -> bool:
    """Blind marking: the author's name is hidden from markers until release."""
    req = essay.requirement
    return req is None or not req.blind or essay.state == State.RELEASED


def grade_visible(user: Any, essay: Essay) -> bool:
    """The author sees the grade only once released; markers in scope always."""
    if is_author(user, essay):
        return essay.state == State.RELEASED
    return True


def check_marker_assign(user: Any, unit: Unit) -> None:
    if is_system(user):
        return
    core.check_write(user, unit)


def marker_candidate_ok(marker_scope_unit: Unit | None, role: str | None, unit: Unit) -> bool:
    """A marker must be a writer whose subtree holds the unit."""
    return (
        marker_scope_unit is not None
        and role in core.WRITER_ROLES
        and core.in_subtree(unit.path, marker_scope_unit.path)
    )


def markers_of(requirement: EssayRequirement, user: Any) -> QuerySet[Marker]:
    """The requirement's markers on units the user sees."""
    return core.filter_by_unit(
        user, requirement.markers.select_related("unit", "user"), "unit"
    ).order_by("unit__path", "user__username")
