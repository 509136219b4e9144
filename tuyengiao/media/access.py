"""Who may see or change media output and awards, built on the core in ``orgs/access.py``.

- Reading: a record is visible when its unit is in the user's read area
  (``core.filter_by_unit``): staff and cell secretaries see their subtree, a member
  their own unit's records.
- Writing (record, correct, remove): province and commune staff, for records of a
  unit of their subtree (the propaganda committee keeps the unit's figures and its
  awards). A cell secretary or a member reads only (403); out of scope is 404.
- Naming a member on an award needs the member to be visible to the user and to
  belong to the award's unit (or a unit below it) on the award's day.
- The system actor (commands, demo data) writes everywhere; ``None`` is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Member, Membership, Unit, valid_on_q

from .models import Award, MediaOutput

SYSTEM = core.SYSTEM
is_system = core.is_system


def media_visible_to(user: Any) -> QuerySet[MediaOutput]:
    return core.filter_by_unit(user, MediaOutput.objects.all(), "unit")


def awards_visible_to(user: Any) -> QuerySet[Award]:
    return core.filter_by_unit(user, Award.objects.all(), "unit")


def can_manage_unit(user: Any, unit: Unit) -> bool:
    """May ``user`` keep the media figures and awards of ``unit``?"""
    if is_system(user):
        return True
    scope = core.scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(unit))


def check_manage(user: Any, unit: Unit) -> None:
    if not can_manage_unit(user, unit):
        raise PermissionDenied(
            f"Bạn không có quyền ghi tin bài, khen thưởng của {unit.name} ({unit.code})."
        )


def require_writer(user: Any) -> core.Scope:
    """The add forms: 404 without an assignment, 403 for those who only read."""
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được ghi tin bài, khen thưởng.")
    return scope


def get_media_for_user(user: Any, pk: int, *, write: bool = False) -> MediaOutput:
    output = media_visible_to(user).select_related("unit", "kind", "document").filter(pk=pk).first()
    if output is None:
        raise Http404("Không tìm thấy số liệu tin bài.")
    if write:
        check_manage(user, output.unit)
    return output


def get_award_for_user(user: Any, code: str, *, write: bool = False) -> Award:
    award = (
        awards_visible_to(user)
        .select_related("unit", "kind", "member", "decision", "document")
        .filter(code=code)
        .first()
    )
    if award is None:
        raise Http404("Không tìm thấy khen thưởng.")
    if write:
        check_manage(user, award.unit)
    return award


def member_may_be_named(user: Any, member: Member, day: dt.date) -> bool:
    """May ``user`` name ``member`` on an award of ``day`` (the member is visible to
    them on that day or today)?"""
    if is_system(user):
        return True
    return (
        core.members_visible_to(user, day).filter(pk=member.pk).exists()
        or core.members_visible_to(user).filter(pk=member.pk).exists()
    )


def member_belongs(member: Member, unit: Unit, day: dt.date) -> bool:
    """Was ``member`` in ``unit`` or a unit below it on ``day``?"""
    return (
        Membership.objects.filter(valid_on_q(day), member=member)
        .filter(unit__path__startswith=unit.path)
        .exists()
    )
