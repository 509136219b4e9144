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

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Unit

from .models import Presenter

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
