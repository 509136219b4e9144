"""Who sees reporting periods and units' reports, and who submits, approves, returns
and reopens them, built on the core in ``orgs.access``.

- A period is visible to anyone who sees its opening unit, and to the units below it
  (a cell sees the province's period): read-only unless the rules below allow.
- Opening a period: staff (province or commune) of the opening unit's subtree.
- Submitting a unit's report: whoever writes the unit (its staff, its cell secretary,
  or staff above it).
- Approving, returning and reopening a unit's report: whoever writes the unit above it
  (``approver_unit``); the opening unit's own report is decided by its own writers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.orgs.access import (
    SYSTEM,
    can_write_unit,
    get_unit_for_user,
    in_subtree,
    is_system,
    scope_of,
)
from tuyengiao.orgs.models import Role, Unit

from .models import ReportingPeriod, Submission

__all__ = [
    "SYSTEM",
    "approver_unit",
    "can_decide",
    "can_open",
    "can_submit",
    "get_period_for_user",
    "get_period_unit_for_user",
    "in_period",
    "periods_visible_to",
]


def periods_visible_to(user: Any) -> QuerySet[ReportingPeriod]:
    scope = scope_of(user)
    if scope is None:
        return ReportingPeriod.objects.none()
    own = (
        Q(unit_id=scope.unit.pk)
        if scope.role == Role.MEMBER
        else Q(unit__path__startswith=scope.path)
    )
    return ReportingPeriod.objects.filter(own | Q(unit_id__in=scope.unit.path_ids))


def get_period_for_user(user: Any, pk: int) -> ReportingPeriod:
    period = periods_visible_to(user).select_related("unit").filter(pk=pk).first()
    if period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    return period


def in_period(period: ReportingPeriod, unit: Unit) -> bool:
    """Is ``unit`` in the subtree the period was opened for?"""
    return in_subtree(unit.path, period.unit.path)


def get_period_unit_for_user(user: Any, period: ReportingPeriod, code: str) -> Unit:
    """A unit of the period's subtree that the user sees (404 otherwise)."""
    unit = get_unit_for_user(user, code)
    if not in_period(period, unit):
        raise Http404("Đơn vị không thuộc kỳ báo cáo này.")
    return unit


def can_open(user: Any, unit: Unit) -> bool:
    if is_system(user):
        return True
    scope = scope_of(user)
    return bool(scope and scope.is_staff and can_write_unit(user, unit))


def can_submit(user: Any, unit: Unit) -> bool:
    return is_system(user) or can_write_unit(user, unit)


def approver_unit(period: ReportingPeriod, unit: Unit) -> Unit:
    """The unit whose writers decide on ``unit``'s report: the unit above it, or the
    opening unit itself for its own report."""
    if unit.pk == period.unit_id or unit.parent is None:
        return period.unit
    return unit.parent


def can_decide(user: Any, submission: Submission) -> bool:
    if is_system(user):
        return True
    return can_write_unit(user, approver_unit(submission.period, submission.unit))
