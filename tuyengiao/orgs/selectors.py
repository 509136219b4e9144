"""Reads over the tree over time and the member roll.

Nothing here walks the tree in Python: a subtree on a date is the unit versions
valid on that date whose path starts with the root's path on that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from tuyengiao.lib.text import collation_key, fold

from . import hooks, official
from .models import (
    Exemption,
    LineageKind,
    Member,
    Membership,
    OfficialListRun,
    Unit,
    UnitLineage,
    UnitVersion,
)
from .models import valid_on_q as valid_on_q

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # typing only: a dev dependency


def today() -> dt.date:
    return timezone.localdate()


def has_units_below(unit: Unit, day: dt.date | None = None) -> bool:
    """Whether any unit is under ``unit`` on ``day`` (default today): a page says "và
    các đơn vị trực thuộc" only then (a party cell has none)."""
    day = day or today()
    return UnitVersion.objects.filter(valid_on_q(day), parent=unit).exists()


def name_and_below(name: str, below: bool, units: str = "đơn vị") -> str:
    """Whose work a page or a sentence tells: "Đảng ủy xã Mường Tè và các đơn vị trực
    thuộc", or the name alone when no unit is under it (a party cell)."""
    return f"{name} và các {units} trực thuộc" if below else name


def unit_and_below(unit: Unit) -> str:
    """``name_and_below`` for ``unit`` today."""
    return name_and_below(unit.name, has_units_below(unit))


def units_valid_on(day: dt.date) -> QuerySet[UnitVersion]:
    return UnitVersion.objects.filter(valid_on_q(day)).select_related("unit")


def unit_by_code(code: str) -> Unit | None:
    """Unscoped: only for narrowing a list already in the user's scope."""
    return Unit.objects.filter(code=code).first()


def version_on(unit: Unit, day: dt.date) -> UnitVersion | None:
    return unit.versions.filter(valid_on_q(day)).first()


def version_path_on(unit: Unit, day: dt.date) -> str | None:
    """The unit's path in the tree as it stood on ``day`` (None if not valid then)."""
    return unit.versions.filter(valid_on_q(day)).values_list("path", flat=True).first()


def subtree_on(unit: Unit, day: dt.date) -> QuerySet[UnitVersion]:
    """Versions of ``unit`` and its descendants as the tree stood on ``day``."""
    root = version_on(unit, day)
    if root is None:
        return UnitVersion.objects.none()
    return (
        UnitVersion.objects.filter(valid_on_q(day), path__startswith=root.path)
        .select_related("unit")
        .order_by("path")
    )


class UnitIdRow(TypedDict):
    unit_id: int


def subtree_unit_ids_on(unit: Unit, day: dt.date) -> QuerySet[UnitVersion, UnitIdRow]:
    """A subquery of unit ids, to filter facts without materialising the list."""
    root = version_on(unit, day)
    if root is None:
        return UnitVersion.objects.none().values("unit_id")
    return UnitVersion.objects.filter(valid_on_q(day), path__startswith=root.path).values("unit_id")


def children_on(unit: Unit, day: dt.date) -> list[UnitVersion]:
    """The unit's children on ``day`` in Vietnamese order of their names on that day
    (a sibling list is bounded by one unit's fan-out, so it is sorted here: the
    stored ``Unit.sort_key`` is today's name)."""
    rows = UnitVersion.objects.filter(valid_on_q(day), parent=unit).select_related("unit")
    return sorted(rows, key=lambda v: (collation_key(v.name), v.unit.code))


def children_page(
    unit: Unit, day: dt.date, *, offset: int = 0, limit: int = 200
) -> tuple[list[UnitVersion], int]:
    """One page of the unit's children on ``day``, each with ``n_children`` (how many
    children it has on that day, to show whether it opens), and the total."""
    if day == today():  # today's names are the units' own: the stored key orders them
        qs = UnitVersion.objects.filter(valid_on_q(day), parent=unit)
        page = list(
            qs.select_related("unit").order_by("unit__sort_key", "unit__code")[
                offset : offset + limit
            ]
        )
        total = qs.count()
    else:
        children = children_on(unit, day)
        page, total = children[offset : offset + limit], len(children)
    counts = dict(
        UnitVersion.objects.filter(valid_on_q(day), parent_id__in=[v.unit_id for v in page])
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    for v in page:
        # a mark for the tree template (expandable or not), not a field of the model
        v.n_children = counts.get(v.unit_id, 0)  # type: ignore[attr-defined]
    return page, total


def unit_search(units: QuerySet[Unit], query: str, *, limit: int = 20) -> list[Unit]:
    """Units among ``units`` (already scoped by the caller) whose name or code has
    every word of ``query`` as a word start, without diacritics (``phuong ba dinh``
    finds "Phường Ba Đình"), higher levels first, then in Vietnamese order, at most
    ``limit``, each with its parent (to tell apart units of the same name)."""
    qs = units
    for word in fold(query).split():
        qs = qs.filter(search_key__contains=" " + word)
    return list(qs.select_related("parent").order_by("depth", "sort_key", "code")[:limit])


def roots_on(day: dt.date) -> QuerySet[UnitVersion]:
    return UnitVersion.objects.filter(valid_on_q(day), parent__isnull=True).select_related("unit")


def successor_today(unit: Unit, day: dt.date | None = None) -> Unit | None:
    """The unit that carries ``unit``'s history on ``day`` (default today).

    Follows merge, split (primary branch) and dissolve lineage rows; ``None`` when a
    unit was dissolved without a successor.
    """
    day = day or today()
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and not current.is_valid_on(day):
        if current.pk in seen:  # defensive: lineage must not loop
            return None
        seen.add(current.pk)
        step = (
            UnitLineage.objects.filter(
                from_unit=current,
                kind__in=[LineageKind.MERGE, LineageKind.SPLIT, LineageKind.DISSOLVE],
                is_primary=True,
                to_unit__isnull=False,
            )
            .select_related("to_unit")
            .order_by("-date")
            .first()
        )
        if step is None:
            return None
        current = step.to_unit
        if current is not None and current.valid_from and current.valid_from > day:
            return None
    return current


def successor_map(day: dt.date | None = None) -> dict[int, int]:
    """Every historical unit id mapped to the id of its successor on ``day``.

    One query for the lineage graph, then resolution in memory (the graph has one
    edge per structural event, a few thousand rows even for a whole country).
    """
    day = day or today()
    valid = {u.pk: u for u in Unit.objects.only("pk", "valid_from", "valid_to")}
    # The later event wins: rows in date order, each overwriting the one before.
    edges: dict[int, int] = dict(
        UnitLineage.objects.filter(
            kind__in=[LineageKind.MERGE, LineageKind.SPLIT, LineageKind.DISSOLVE],
            is_primary=True,
            to_unit__isnull=False,
            date__lte=day,
        )
        .order_by("date", "id")
        .values_list("from_unit_id", "to_unit_id")
    )
    result: dict[int, int] = {}
    for uid in valid:
        current, hops = uid, 0
        while not valid[current].is_valid_on(day) and current in edges and hops < 64:
            current, hops = edges[current], hops + 1
        if valid[current].is_valid_on(day):
            result[uid] = current
    return result


def predecessors(unit: Unit) -> QuerySet[UnitLineage]:
    return UnitLineage.objects.filter(
        to_unit=unit, kind__in=[LineageKind.MERGE, LineageKind.SPLIT, LineageKind.DISSOLVE]
    ).select_related("from_unit")


# --- members ----------------------------------------------------------------------


def exempt_on_q(day: dt.date) -> Exists:
    return Exists(Exemption.objects.filter(valid_on_q(day), member=OuterRef("pk")))


def members_of_subtree(
    unit: Unit, day: dt.date, *, include_exempt: bool = True, search: str = ""
) -> QuerySet[Member]:
    """Members whose membership on ``day`` is in ``unit``'s subtree on ``day``."""
    memberships = Membership.objects.filter(
        valid_on_q(day), unit_id__in=subtree_unit_ids_on(unit, day)
    )
    qs = Member.objects.filter(pk__in=memberships.values("member_id"))
    if not include_exempt:
        qs = qs.exclude(exempt_on_q(day))
    if search:
        for word in fold(search).split():
            qs = qs.filter(search_key__contains=" " + word)
    return qs.order_by("sort_key", "code")


class MemberUnitFields(TypedDict):
    unit_name: str | None
    unit_code: str | None
    is_exempt: bool


def members_with_unit(
    unit: Unit, day: dt.date, *, search: str = ""
) -> QuerySet[WithAnnotations[Member, MemberUnitFields]]:
    """Members of the subtree annotated with their unit's name and exempt flag."""
    unit_on_day = Membership.objects.filter(valid_on_q(day), member=OuterRef("pk"))
    return members_of_subtree(unit, day, search=search).annotate(
        unit_name=Subquery(unit_on_day.values("unit__name")[:1]),
        unit_code=Subquery(unit_on_day.values("unit__code")[:1]),
        is_exempt=exempt_on_q(day),
    )


class AccountState(TypedDict):
    unit_name: str | None
    unit_code: str | None
    is_exempt: bool
    username: str | None
    is_active: bool | None
    last_login: dt.datetime | None
    has_password: bool
    code_expires_at: dt.datetime | None


ACCOUNT_FILTERS = {
    "": "Mọi đảng viên",
    "chua-co": "Chưa có tài khoản",
    "chua-kich-hoat": "Có tài khoản, chưa đặt mật khẩu",
}


def members_with_accounts(
    unit: Unit, day: dt.date, *, search: str = "", state: str = ""
) -> QuerySet[WithAnnotations[Member, AccountState]]:
    """``members_with_unit`` with the state of each member's account: its username,
    last sign-in, whether a password is set (Django marks an unusable one with
    ``!``) and until when its activation code runs. ``state``: a key of
    ``ACCOUNT_FILTERS``."""
    rows = members_with_unit(unit, day, search=search)
    if state == "chua-co":
        rows = rows.filter(user__isnull=True)
    elif state == "chua-kich-hoat":
        rows = rows.filter(user__isnull=False, user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return rows.annotate(
        username=F("user__username"),
        is_active=F("user__is_active"),
        last_login=F("user__last_login"),
        has_password=Case(
            When(user__isnull=True, then=Value(False)),
            When(user__password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
        code_expires_at=F("user__account_code__expires_at"),
    )


def member_count(unit: Unit, day: dt.date, *, include_exempt: bool = True) -> int:
    return members_of_subtree(unit, day, include_exempt=include_exempt).count()


def member_history(member: Member) -> QuerySet[Membership]:
    return member.memberships.select_related("unit").order_by("valid_from")


def member_unit_on(member: Member, day: dt.date) -> Unit | None:
    row = member.memberships.filter(valid_on_q(day)).select_related("unit").first()
    return row.unit if row else None


def subtree_member_counts(unit: Unit, day: dt.date) -> tuple[int, int]:
    """(members, active members) of the subtree on ``day``: from the pre-aggregate a
    hook provides (``hooks.member_counters``: study's per-unit counts), else counted."""
    if hooks.member_counters:
        return hooks.member_counters[0](unit, day)
    return member_count(unit, day), member_count(unit, day, include_exempt=False)


def subtree_counts(unit: Unit, day: dt.date) -> dict[str, int]:
    units = subtree_on(unit, day).count()
    members, active = subtree_member_counts(unit, day)
    return {"units": units - 1 if units else 0, "members": members, "members_active": active}


def place_of(unit: Unit) -> str:
    """The place written on the unit's documents: its own, else the nearest
    ancestor's (today's structure), else ``settings.REPORT_PLACE``."""
    found = (
        Unit.objects.filter(pk__in=unit.path_ids or [unit.pk])
        .exclude(place="")
        .order_by("-depth")
        .values_list("place", flat=True)
        .first()
    )
    return found or settings.REPORT_PLACE


@dataclass(frozen=True)
class OfficialRow:
    commune: official.Commune
    existing: Unit | None  # the unit already standing for this commune, if any


def official_run(parent: Unit, pk: int) -> OfficialListRun | None:
    """One fetch of the official list under ``parent`` (None when it is not there)."""
    return OfficialListRun.objects.filter(pk=pk, parent=parent).first()


def official_preview(parent: Unit, province_code: str) -> list[OfficialRow]:
    """The province's communes from the official list, each with the unit that already
    stands for it: one with its administrative code anywhere, or a child of ``parent``
    valid today whose name folds to the committee's name."""
    rows = official.communes(province_code)
    by_code = {
        u.admin_code: u
        for u in Unit.objects.filter(admin_code__in=[c.code for c in rows]).only(
            "id", "code", "name", "admin_code"
        )
    }
    by_name = {fold(v.name): v.unit for v in children_on(parent, today())}
    return [OfficialRow(c, by_code.get(c.code) or by_name.get(fold(c.party_name))) for c in rows]
