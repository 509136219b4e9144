"""Who may see or change presenters, built on the core in ``orgs/access.py``.

- Reading: a presenter is visible when the unit that recognised them is in the
  user's read area (``access.filter_by_unit``) or is an ancestor of the user's
  unit (a commune sees the province's presenters, whom it may invite).
- Writing (recognise, edit, name on a session): province and commune staff, for
  presenters recognised by a unit of their subtree. A cell secretary or a member
  reads only (403); out of scope is 404.
- The system actor (management commands, demo data) writes everywhere; ``None``
  is refused.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Unit

from .models import Course, DisseminationEvent, Material, Presenter

M = TypeVar("M", bound=Model)

SYSTEM = core.SYSTEM
is_system = core.is_system


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def presenters_visible_to(user: Any) -> QuerySet[Presenter]:
    scope = core.scope_of(user)
    if scope is None:
        return Presenter.objects.none()
    own = core.filter_by_unit(user, Presenter.objects.all(), "unit")
    return Presenter.objects.filter(
        Q(pk__in=own.values("pk")) | Q(unit__path__in=_ancestor_paths(scope.path))
    )


def can_manage_unit(user: Any, unit: Unit) -> bool:
    """May ``user`` keep the roster of ``unit`` (staff of a subtree holding it)?"""
    if is_system(user):
        return True
    scope = core.scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(unit))


def check_manage(user: Any, unit: Unit) -> None:
    if not can_manage_unit(user, unit):
        raise PermissionDenied(f"Bạn không có quyền quản lý đội ngũ báo cáo viên của {unit.name}.")


def get_presenter_for_user(user: Any, code: str, *, write: bool = False) -> Presenter:
    presenter = (
        presenters_visible_to(user)
        .select_related("unit", "level", "status", "member", "decision")
        .filter(code=code)
        .first()
    )
    if presenter is None:
        raise Http404("Không tìm thấy báo cáo viên.")
    if write:
        check_manage(user, presenter.unit)
    return presenter


def require_roster_writer(user: Any) -> core.Scope:
    """The add form: 404 without an assignment, 403 for those who only read."""
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được công nhận báo cáo viên.")
    return scope


# --- dissemination events, courses, materials, languages of units -----------------------
#
# - A dissemination event is read in the read area of its unit and recorded by those who
#   write for that unit (province and commune staff, a cell's secretary: whoever holds the
#   meeting it was integrated into), as ``core.can_write_unit`` says.
# - Courses and materials are kept by the staff who keep the roster of the organising
#   (publishing) unit (``can_manage_unit``); they are read, like presenters, in the read
#   area and from the units below the organiser (a commune sees the province's courses,
#   whose learners are its people, and the province's materials, which it uses).
# - The languages of a unit's population are kept by the staff who manage that unit.


def _own_or_above(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    scope = core.scope_of(user)
    if scope is None:
        return queryset.none()
    own = core.filter_by_unit(user, queryset, "unit")
    return queryset.filter(
        Q(pk__in=own.values("pk")) | Q(unit__path__in=_ancestor_paths(scope.path))
    )


def events_visible_to(user: Any) -> QuerySet[DisseminationEvent]:
    return core.filter_by_unit(user, DisseminationEvent.objects.all(), "unit")


def can_record_event(user: Any, unit: Unit) -> bool:
    return is_system(user) or core.can_write_unit(user, unit)


def check_record_event(user: Any, unit: Unit) -> None:
    if not can_record_event(user, unit):
        raise PermissionDenied(f"Bạn không có quyền ghi buổi tuyên truyền của {unit.name}.")


def require_event_writer(user: Any) -> core.Scope:
    scope = core.require_scope(user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ cán bộ và bí thư chi bộ được ghi buổi tuyên truyền.")
    return scope


def get_event_for_user(user: Any, code: str, *, write: bool = False) -> DisseminationEvent:
    event = (
        events_visible_to(user).select_related("unit", "form", "document").filter(code=code).first()
    )
    if event is None:
        raise Http404("Không tìm thấy buổi tuyên truyền.")
    if write:
        check_record_event(user, event.unit)
    return event


def courses_visible_to(user: Any) -> QuerySet[Course]:
    return _own_or_above(user, Course.objects.all())


def get_course_for_user(user: Any, code: str, *, write: bool = False) -> Course:
    course = courses_visible_to(user).select_related("unit").filter(code=code).first()
    if course is None:
        raise Http404("Không tìm thấy lớp tập huấn.")
    if write:
        check_manage(user, course.unit)
    return course


def materials_visible_to(user: Any) -> QuerySet[Material]:
    return _own_or_above(user, Material.objects.all())


def get_material_for_user(user: Any, code: str, *, write: bool = False) -> Material:
    material = (
        materials_visible_to(user).select_related("unit", "document").filter(code=code).first()
    )
    if material is None:
        raise Http404("Không tìm thấy tài liệu.")
    if write:
        check_manage(user, material.unit)
    return material


def reader_unit(user: Any) -> Unit | None:
    """The unit a read of a material is counted for: the reader's own unit."""
    scope = core.scope_of(user)
    return scope.unit if scope else None


def require_staff(user: Any) -> core.Scope:
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được thực hiện việc này.")
    return scope
