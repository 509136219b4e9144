"""Who may see or change programmes, tasks and inspections, built on the core in
``orgs/access.py``.

- Programmes: visible when the issuing unit is in the user's read area or is an
  ancestor of the user's unit (a commune follows the province's programme). Issued
  and planned (tasks added or changed) by province and commune staff whose subtree
  holds the issuing unit; a task's responsible and cooperating units lie in the
  issuing unit's subtree.
- Tasks: visible when the responsible unit, a cooperating unit or the unit that set
  the task (the programme's or the inspection's) is in the user's read area.
  Progress is reported by a writer (cell secretary included) of the responsible unit
  or of a cooperating unit; the responsible unit's writers, or those who plan the
  task, mark it done.
- Inspections: visible when the conducting unit or an organisation covered is in
  the read area; recorded by province and commune staff of the conducting unit's
  subtree, over organisations of that subtree.
- The system actor writes everywhere; ``None`` is refused. Out of scope is 404,
  visible but not writable 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Unit

from .models import Inspection, InspectionTarget, Programme, Task

SYSTEM = core.SYSTEM
is_system = core.is_system


def _area(user: Any, field: str) -> Q | None:
    scope = core.scope_of(user)
    return None if scope is None else core.unit_q(scope, field)


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    scope = core.scope_of(user)
    if scope is None:
        return Programme.objects.none()
    return Programme.objects.filter(
        core.unit_q(scope, "unit") | Q(unit__path__in=core.ancestor_paths(scope.path))
    )


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    scope = core.scope_of(user)
    if scope is None:
        return Task.objects.none()
    partner = Task.partners.through.objects.filter(core.unit_q(scope, "unit")).values("task_id")
    return Task.objects.filter(
        core.unit_q(scope, "unit")
        | core.unit_q(scope, "programme__unit")
        | core.unit_q(scope, "inspection__unit")
        | Q(pk__in=partner)
    )


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    scope = core.scope_of(user)
    if scope is None:
        return Inspection.objects.none()
    covered = InspectionTarget.objects.filter(core.unit_q(scope, "unit")).values("inspection_id")
    return Inspection.objects.filter(core.unit_q(scope, "unit") | Q(pk__in=covered))


def in_unit(unit: Unit, root: Unit) -> bool:
    """Is ``unit`` ``root`` or below it (today's tree)?"""
    return core.in_subtree(unit.path, root.path)


def can_plan(user: Any, unit: Unit) -> bool:
    """May ``user`` issue programmes, set tasks or record inspections for ``unit``
    (province and commune staff of a subtree holding it)?"""
    if is_system(user):
        return True
    scope = core.scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(unit))


def check_plan(user: Any, unit: Unit) -> None:
    if not can_plan(user, unit):
        raise PermissionDenied(
            f"Bạn không có quyền giao nhiệm vụ, ghi kiểm tra giám sát của {unit.name}."
        )


def can_report(user: Any, task: Task) -> bool:
    """May ``user`` report progress on ``task`` (a writer of the responsible unit or
    of a cooperating unit, or one who plans it)?"""
    if is_system(user):
        return True
    if core.can_write_unit(user, task.unit) or can_plan(user, task_owner(task)):
        return True
    return any(core.can_write_unit(user, u) for u in task.partners.all())


def can_close(user: Any, task: Task) -> bool:
    """May ``user`` mark ``task`` done (or not done)?"""
    if is_system(user):
        return True
    return core.can_write_unit(user, task.unit) or can_plan(user, task_owner(task))


def task_owner(task: Task) -> Unit:
    """The unit that set the task: the programme's or the inspection's."""
    if task.programme_id is not None:
        return task.programme.unit  # type: ignore[union-attr]
    return task.inspection.unit  # type: ignore[union-attr]


def require_planner(user: Any) -> core.Scope:
    """A form that creates: 404 without an assignment, 403 for those who only read."""
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied(
            "Chỉ cán bộ cấp tỉnh và cấp xã được ban hành chương trình, ghi kiểm tra giám sát."
        )
    return scope


def get_programme_for_user(user: Any, pk: int, *, write: bool = False) -> Programme:
    found = programmes_visible_to(user).select_related("document", "unit").filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy chương trình, kế hoạch.")
    if write:
        check_plan(user, found.unit)
    return found


def get_task_for_user(user: Any, code: str, *, report: bool = False) -> Task:
    found = (
        tasks_visible_to(user)
        .select_related("unit", "programme__document", "programme__unit", "inspection__unit")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    if report and not can_report(user, found):
        raise PermissionDenied(f"Bạn chỉ có quyền xem nhiệm vụ {found.code}.")
    return found


def get_task_for_planner(user: Any, code: str) -> Task:
    task = get_task_for_user(user, code)
    check_plan(user, task_owner(task))
    return task


def get_inspection_for_user(user: Any, code: str, *, write: bool = False) -> Inspection:
    found = inspections_visible_to(user).select_related("unit").filter(code=code).first()
    if found is None:
        raise Http404("Không tìm thấy cuộc kiểm tra, giám sát.")
    if write:
        check_plan(user, found.unit)
    return found
