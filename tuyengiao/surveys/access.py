"""Who may see or change surveys, built on the core in ``orgs/access.py``.

- Reading a survey and its results: the survey's unit is in the user's read area,
  or is an ancestor of the user's unit (a commune sees the province's survey, for
  its own subtree). Results are asked for a unit that is both in the survey's
  subtree and visible to the user; anything else is 404.
- Managing (upload the form, single-use codes, open/close): province and commune
  staff whose subtree holds the survey's unit. Others who see it read only (403).
- The survey's owner (staff whose subtree holds the survey's unit) alone reads the
  free-text answers, never per respondent (no unit, no date beside them).
- Answering needs no account: the unit's signed link (``services.link_token``).
  Handing out a unit's link (its QR page) and bringing in its paper or Kobo answers
  (the ``Phiếu khảo sát`` sheet) is for writers who see the unit (``can_collect``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Unit

from .models import Survey

SYSTEM = core.SYSTEM
is_system = core.is_system


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    scope = core.scope_of(user)
    if scope is None:
        return Survey.objects.none()
    own = core.filter_by_unit(user, Survey.objects.all(), "unit")
    return Survey.objects.filter(
        Q(pk__in=own.values("pk")) | Q(unit__path__in=core.ancestor_paths(scope.path))
    )


def can_manage(user: Any, survey_unit: Unit) -> bool:
    if is_system(user):
        return True
    scope = core.scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(survey_unit))


def check_manage(user: Any, survey_unit: Unit) -> None:
    if not can_manage(user, survey_unit):
        raise PermissionDenied(
            f"Bạn không có quyền quản lý khảo sát của {survey_unit.name}: chỉ cán bộ cấp tỉnh, "
            "cấp xã của đơn vị đó được làm việc này."
        )


def can_read_text(user: Any, survey: Survey) -> bool:
    """Free-text answers: the survey's owner only (staff over the survey's unit)."""
    return can_manage(user, survey.unit)


def get_survey_for_user(user: Any, code: str, *, write: bool = False) -> Survey:
    survey = surveys_visible_to(user).select_related("unit").filter(code=code).first()
    if survey is None:
        raise Http404("Không tìm thấy cuộc khảo sát.")
    if write:
        check_manage(user, survey.unit)
    return survey


def in_survey(survey: Survey, unit: Unit) -> bool:
    """Is ``unit`` in the survey's subtree?"""
    return core.in_subtree(unit.path, survey.unit.path)


def results_unit(user: Any, survey: Survey, code: str) -> Unit:
    """The unit whose results are asked: in the survey's subtree and visible (else 404).
    Without a code: the survey's unit when the user sees it, else the user's own unit."""
    scope = core.require_scope(user)
    if not code:
        if core.can_see_unit(user, survey.unit):
            return survey.unit
        unit = scope.unit
    else:
        found = Unit.objects.filter(code=code).first()
        if found is None:
            raise Http404("Không tìm thấy đơn vị.")
        unit = found
    if not (in_survey(survey, unit) and core.can_see_unit(user, unit)):
        raise Http404("Không tìm thấy đơn vị trong phạm vi khảo sát.")
    return unit


def can_collect(user: Any, survey: Survey, unit: Unit) -> bool:
    """May ``user`` hand out ``unit``'s link or bring in its paper answers? Writers
    (province, commune staff, cell secretaries) who see the unit, inside the survey."""
    if is_system(user):
        return in_survey(survey, unit)
    scope = core.scope_of(user)
    return bool(
        scope and scope.can_write and in_survey(survey, unit) and core.can_see_unit(user, unit)
    )


def check_collect(user: Any, survey: Survey, unit: Unit) -> None:
    if not can_collect(user, survey, unit):
        raise PermissionDenied(
            f"Bạn không có quyền thu phiếu khảo sát {survey.code} cho {unit.name}."
        )


def require_survey_writer(user: Any) -> core.Scope:
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được tạo khảo sát.")
    return scope
