"""Who may see or change what. The only way views obtain scoped objects.

The model (deny by default):

- A user is bound to one unit with one role (``Assignment``). A user without an
  assignment sees nothing, superuser or not.
- Province staff and commune staff read and write their unit's whole subtree.
- A cell secretary reads and writes their cell (and anything below it).
- A member reads their own record and their unit's activities, and writes nothing.

Scope is today's tree: the unit's materialised ``path`` as it stands now, so a
subtree check is ``path LIKE 'root%'``, one indexed query.

Out of scope and missing look the same: ``Http404``. Visible but read-only is
``PermissionDenied`` (403).

This module is the core: ``Scope`` (and its ``covers`` subtree test), ``scope_of``,
``require_scope``, ``filter_by_unit``, ``get_scoped``, unit and member access and the
system actor. It imports no other app. Each app keeps its own typed ``access.py``
(``documents.access``, ``study.access``, ``reports.access``) built on these functions;
views, services and sheets call those, never a hand-written ``path`` prefix test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Assignment, Member, Membership, Role, Unit, valid_on_q

M = TypeVar("M", bound=Model)


class SystemActor:
    """The explicit actor of trusted callers: management commands, seed data,
    migrations. Every write service takes an ``actor``; passing this one (never
    ``None``) is the only way to write without a user's permission check. It is not
    signed in, so it has no scope and reads nothing through the ``*_visible_to``
    functions."""

    is_authenticated = False
    is_anonymous = False
    pk = None

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return f"SystemActor({self.label!r})"


SYSTEM = SystemActor("hệ thống")

NO_ACTOR = "Thiếu người thực hiện: mọi thao tác ghi phải nêu rõ tài khoản hoặc hệ thống."


def is_system(actor: object) -> bool:
    """Is ``actor`` the explicit system actor? ``None`` is refused, never trusted."""
    if actor is None:
        raise PermissionDenied(NO_ACTOR)
    return isinstance(actor, SystemActor)


def in_subtree(path: str, root: str) -> bool:
    """Is the materialised ``path`` the ``root`` path or below it? The one prefix test
    of the tree; everything else calls this (or ``Scope.covers``)."""
    return bool(path) and bool(root) and path.startswith(root)


def ancestor_paths(path: str) -> list[str]:
    """ "/1/7/42/" → ["/1/", "/1/7/", "/1/7/42/"]: the unit and its ancestors."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


STAFF_ROLES = {Role.PROVINCE_STAFF, Role.COMMUNE_STAFF}
WRITER_ROLES = {Role.PROVINCE_STAFF, Role.COMMUNE_STAFF, Role.CELL_SECRETARY}


@dataclass(frozen=True)
class Scope:
    unit: Unit
    role: str
    assignment: Assignment
    # an API key acts as its account narrowed to the key's unit and, unless it may
    # write, reading only (``api.keys``): every write service then refuses it
    read_only: bool = False

    @property
    def path(self) -> str:
        return self.unit.path

    def covers(self, unit: Unit) -> bool:
        """Is ``unit`` inside this scope's subtree (the unit itself or below it)?
        The tree test only: a member role's narrower read area is ``can_see_unit``."""
        return in_subtree(unit.path, self.path)

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES and not self.read_only

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_province(self) -> bool:
        return self.role == Role.PROVINCE_STAFF

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def scope_of(user: Any) -> Scope | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_tuyengiao_scope", None)
    if cached is not None:
        return cached
    assignment = Assignment.objects.select_related("unit").filter(user=user).first()
    if assignment is None:
        return None
    scope = Scope(unit=assignment.unit, role=assignment.role, assignment=assignment)
    user._tuyengiao_scope = scope
    return scope


def require_scope(user: Any) -> Scope:
    scope = scope_of(user)
    if scope is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    return scope


def unit_q(scope: Scope, field: str) -> Q:
    """Rows whose unit (via ``field``) lies in the scope's read area."""
    prefix = f"{field}__" if field else ""
    if scope.role == Role.MEMBER:
        return Q(**{f"{prefix}pk": scope.unit.pk})
    return Q(**{f"{prefix}path__startswith": scope.path})


def units_visible_to(user: Any) -> QuerySet[Unit]:
    scope = scope_of(user)
    if scope is None:
        return Unit.objects.none()
    return Unit.objects.filter(unit_q(scope, ""))


def units_writable_by(user: Any) -> QuerySet[Unit]:
    scope = scope_of(user)
    if scope is None or not scope.can_write:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=scope.path)


def can_write_unit(user: Any, unit: Unit) -> bool:
    scope = scope_of(user)
    return bool(scope and scope.can_write and scope.covers(unit))


def can_see_unit(user: Any, unit: Unit) -> bool:
    scope = scope_of(user)
    if scope is None:
        return False
    if scope.role == Role.MEMBER:
        return unit.pk == scope.unit.pk
    return scope.covers(unit)


def check_write(user: Any, unit: Unit) -> None:
    """403 for a unit already known to be visible but not writable (the system
    actor writes everywhere)."""
    if is_system(user):
        return
    if not can_write_unit(user, unit):
        raise PermissionDenied("Bạn chỉ có quyền xem, không có quyền thay đổi đơn vị này.")


def get_unit_for_user(user: Any, code: str, *, write: bool = False) -> Unit:
    unit = units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    if write:
        check_write(user, unit)
    return unit


def filter_by_unit(user: Any, queryset: QuerySet[M], unit_field: str) -> QuerySet[M]:
    """Restrict any queryset of unit-owned rows to the user's read scope."""
    scope = scope_of(user)
    if scope is None:
        return queryset.none()
    return queryset.filter(unit_q(scope, unit_field))


def get_scoped(
    user: Any, queryset: QuerySet[M], unit_field: str, *, write: bool = False, **lookup: Any
) -> M:
    """One unit-owned object by ``lookup``: 404 when missing or out of scope,
    403 when ``write`` and the user may only read it."""
    obj = filter_by_unit(user, queryset, unit_field).filter(**lookup).first()
    if obj is None:
        raise Http404("Không tìm thấy.")
    if write:
        unit = obj
        for part in unit_field.split("__"):
            unit = getattr(unit, part)
        check_write(user, unit)  # type: ignore[arg-type]
    return obj


# --- members ------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def members_visible_to(user: Any, on: dt.date | None = None) -> QuerySet[Member]:
    """Members whose membership on ``on`` (default today) is in scope; a member
    role sees only their own record."""
    scope = scope_of(user)
    if scope is None:
        return Member.objects.none()
    if scope.role == Role.MEMBER:
        return Member.objects.filter(user=user)
    day = on or _today()
    in_scope = Membership.objects.filter(valid_on_q(day), unit__path__startswith=scope.path)
    return Member.objects.filter(pk__in=in_scope.values("member_id"))


def can_edit_member(user: Any, member: Member) -> bool:
    """Writers may change members whose current unit is in their subtree (a member
    role may not, not even their own record: it is kept by the cell)."""
    return member.pk in members_editable_by(user, [member.pk])


def members_editable_by(user: Any, member_ids: Iterable[int]) -> set[int]:
    """Of ``member_ids``, those ``can_edit_member`` allows, in one query."""
    scope = scope_of(user)
    if scope is None or not scope.can_write:
        return set()
    return set(
        Membership.objects.filter(valid_on_q(_today()), member_id__in=list(member_ids))
        .filter(unit__path__startswith=scope.path)
        .values_list("member_id", flat=True)
    )


def get_member_for_user(user: Any, code: str, *, write: bool = False) -> Member:
    member = members_visible_to(user).filter(code=code).first()
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    if write and not can_edit_member(user, member):
        raise PermissionDenied("Bạn chỉ có quyền xem hồ sơ này.")
    return member


def own_member(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


# --- trust (issue 6) -------------------------------------------------------------------


def require_audit_reader(user: Any) -> Scope:
    """The audit trail is for province staff: others with a unit get 403."""
    scope = require_scope(user)
    if not scope.is_province:
        raise PermissionDenied("Chỉ cán bộ Ban Tuyên giáo tỉnh được xem nhật ký hệ thống.")
    return scope


def can_export_personal_data(user: Any, unit: Unit) -> bool:
    scope = scope_of(user)
    return bool(
        scope
        and scope.role != Role.MEMBER
        and scope.assignment.can_export_personal_data
        and scope.covers(unit)
    )


def get_unit_for_export(user: Any, code: str) -> Unit:
    """A unit whose member list the user may export: 404 out of scope, 403
    without the personal-data export permission."""
    unit = get_unit_for_user(user, code)
    if not can_export_personal_data(user, unit):
        raise PermissionDenied("Bạn không có quyền xuất dữ liệu cá nhân của đảng viên.")
    return unit
