"""Writes to the organisation tree and the member roll.

Every structural change is dated: it closes the affected units' current
``UnitVersion`` on that date, opens a new one, and writes a ``UnitLineage`` row,
so that the tree as of any earlier date stays answerable. Changes are appended in
time order: a change dated before a unit's latest version is refused rather than
rewriting history silently.

Authorization (one contract for every caller: web, workbook import, commands):
every write takes a required ``actor`` (a user, or ``access.SYSTEM`` for
commands, seed data and migrations; ``None`` is refused) and checks its own
permission, raising ``PermissionDenied``; bad data raises ``ValidationError``.

- A unit is created under a parent the actor may write; only the system creates
  or moves a root.
- Rename, merge, dissolve and split need write access to every unit named; a
  move needs write access to the unit, its old parent and its new parent.
- A structural change dated after today is refused (``check_structure_date``):
  a far-future change would freeze the unit (changes are appended in time order).
- Members are created, edited and transferred by writers of their unit (and of
  the unit they move to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tuyengiao.lib import pgcopy
from tuyengiao.lib.actors import account_of
from tuyengiao.lib.codes import check_code
from tuyengiao.lib.numbers import check_count
from tuyengiao.lib.text import collation_key, fold, name_sort_key, normalize, split_full_name

from . import access, hooks
from .models import (
    Assignment,
    Exemption,
    LineageKind,
    Member,
    Membership,
    OfficialListRun,
    Role,
    Unit,
    UnitLineage,
    UnitVersion,
    valid_on_q,
)

Actor = AbstractBaseUser | AnonymousUser | access.SystemActor


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


# --- permissions: the one place each rule lives ---------------------------------------


def check_unit_write(actor: Actor, unit: Unit | None) -> None:
    """``PermissionDenied`` unless ``actor`` may write ``unit`` (``None``: the root
    level, which only the system writes)."""
    if access.is_system(actor):
        return
    if unit is None:
        raise PermissionDenied("Chỉ quản trị hệ thống được tạo hoặc chuyển đơn vị cấp gốc.")
    if not access.can_write_unit(actor, unit):
        raise PermissionDenied(
            f"Đơn vị {unit.code} nằm ngoài phạm vi của bạn: bạn không có quyền thay đổi đơn vị này."
        )


def check_unit_parent_change(actor: Actor, unit: Unit, new_parent: Unit | None) -> None:
    """A move needs write access to the unit, its old parent and its new parent."""
    check_unit_write(actor, unit)
    if access.is_system(actor) or unit.parent_id == getattr(new_parent, "pk", None):
        return
    old_parent = unit.parent if unit.parent_id else None
    if old_parent is None or not access.can_write_unit(actor, old_parent):
        raise PermissionDenied(
            f"Chuyển đơn vị {unit.code} cần quyền thay đổi cả đơn vị cấp trên hiện tại "
            f"({old_parent.code if old_parent else 'cấp gốc'})."
        )
    check_unit_write(actor, new_parent)


def check_structure_date(on: dt.date | None) -> None:
    """A structural change (create, rename, move, merge, dissolve, split) takes
    effect no later than today: a change dated in the future would be the unit's
    latest version and block every real change before it."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError(
            f"Ngày thay đổi cơ cấu {_fmt(on)} ở tương lai; chỉ ghi nhận thay đổi "
            f"có hiệu lực đến hết hôm nay ({_fmt(today)})."
        )


def check_member_write(actor: Actor, member: Member) -> None:
    if access.is_system(actor):
        return
    if not access.can_edit_member(actor, member):
        raise PermissionDenied(f"Bạn không có quyền thay đổi hồ sơ đảng viên {member.code}.")


def check_system(actor: Actor) -> None:
    if not access.is_system(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống được phân quyền tài khoản.")


def _current_version(unit: Unit) -> UnitVersion:
    version = unit.versions.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if version is None:
        raise ValidationError(f"Đơn vị {unit.code} đã hết hiệu lực, không thể thay đổi.")
    return version


def _check_open_on(unit: Unit, on: dt.date) -> None:
    if unit.valid_to is not None:
        raise ValidationError(f"Đơn vị {unit.code} đã hết hiệu lực từ ngày {_fmt(unit.valid_to)}.")
    if unit.valid_from is not None and on <= unit.valid_from:
        raise ValidationError(
            f"Ngày thay đổi {_fmt(on)} phải sau ngày đơn vị {unit.code} "
            f"có hiệu lực ({_fmt(unit.valid_from)})."
        )


def _split_version(unit: Unit, on: dt.date, **changes: object) -> UnitVersion:
    """Close the unit's current version on ``on`` and open one with ``changes``."""
    current = _current_version(unit)
    if current.valid_from is not None and on < current.valid_from:
        raise ValidationError(
            f"Đơn vị {unit.code} đã có thay đổi từ ngày {_fmt(current.valid_from)}; "
            f"không thể ghi thay đổi ngày {_fmt(on)} trước đó."
        )
    if current.valid_from == on:
        for field, value in changes.items():
            setattr(current, field, value)
        current.save()
        return current
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    fields: dict[str, object] = {
        "name": current.name,
        "kind": current.kind,
        "parent": current.parent,
        "path": current.path,
        "depth": current.depth,
    }
    fields.update(changes)
    return UnitVersion.objects.create(unit=unit, valid_from=on, valid_to=None, **fields)


def unit_keys(name: str, code: str) -> tuple[str, str]:
    """(sort key, search key) of a unit: Vietnamese order of the name, then the
    code; the folded name and code, a leading space so that a search matches word
    starts (" an" finds "An Giang", not "Lạng Sơn")."""
    return collation_key(name)[:360] + "0" + code.lower()[:39], " " + fold_words(f"{name} {code}")[
        :399
    ]


def fold_words(text: str) -> str:
    """``fold(text)``, each space-separated word folded once (``_fold_part`` remembers
    them: a tree's names repeat their words). Folding never joins or splits words, and a
    word that folds to nothing (a stray mark) leaves no space, as ``fold`` drops it."""
    return " ".join(f for f in map(_fold_part, normalize(text).split(" ")) if f)


def unit_keys_refresh(*, unit_ids: Iterable[int] | None = None) -> int:
    """Fill the keys of units written without them (bulk loaders, raw SQL)."""
    qs = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=list(unit_ids))
    batch = []
    for unit in qs.filter(search_key="").only("pk", "code", "name").iterator(chunk_size=2000):
        unit.sort_key, unit.search_key = unit_keys(unit.name, unit.code)
        batch.append(unit)
    Unit.objects.bulk_update(batch, ["sort_key", "search_key"], batch_size=2000)
    return len(batch)


# A unit's population, for the public reach rate: the whole country is about a
# hundred million; a bound well above it refuses a typo the column cannot hold.
MAX_POPULATION = 1_000_000_000


def _check_population(population: int | None) -> None:
    if population is not None:
        check_count(population, "Dân số", most=MAX_POPULATION)


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    population: int | None = None,
    place: str = "",
) -> Unit:
    check_unit_write(actor, parent)
    code = normalize(code)
    name = normalize(name)
    kind = normalize(kind)
    if not code or not name or not kind:
        raise ValidationError("Mã, tên và loại đơn vị là bắt buộc.")
    check_code(code, "Mã đơn vị")
    check_structure_date(valid_from)
    _check_population(population)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(f"Mã đơn vị {code} đã tồn tại.")
    if parent is not None:
        if parent.valid_to is not None and (valid_from is None or valid_from >= parent.valid_to):
            raise ValidationError(f"Đơn vị cấp trên {parent.code} đã hết hiệu lực.")
        if valid_from is not None and parent.valid_from and valid_from < parent.valid_from:
            raise ValidationError(
                f"Đơn vị cấp trên {parent.code} chỉ có hiệu lực từ {_fmt(parent.valid_from)}."
            )
    sort_key, search_key = unit_keys(name, code)
    unit = Unit.objects.create(
        code=code,
        name=name,
        sort_key=sort_key,
        search_key=search_key,
        kind=kind,
        parent=parent,
        path="",
        depth=(parent.depth + 1) if parent else 0,
        valid_from=valid_from,
        population=population,
        place=normalize(place),
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    UnitVersion.objects.create(
        unit=unit,
        name=name,
        kind=kind,
        parent=parent,
        path=unit.path,
        depth=unit.depth,
        valid_from=valid_from,
    )
    UnitLineage.objects.create(
        kind=LineageKind.CREATE, to_unit=unit, date=valid_from or dt.date.min
    )
    return unit


@dataclass(frozen=True, slots=True)
class NewUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None = None  # an existing unit, or one earlier in the same set
    valid_from: dt.date | None = None


class UnitRefused(ValidationError):
    """A refused row of ``unit_bulk_create``: ``code`` names it."""

    def __init__(self, code: str, exc: ValidationError | PermissionDenied):
        super().__init__(getattr(exc, "messages", None) or [str(exc)])
        self.code = code
        self.cause = exc


@transaction.atomic
def unit_bulk_create(*, actor: Actor, rows: Sequence[NewUnit]) -> list[Unit]:
    """Many new units at once (imports): the rules of ``unit_create`` for every row,
    the actor checked once per existing parent (a unit under a unit of the same set
    is checked through the first existing unit above it), and a few queries per
    level of the tree instead of five per unit. A parent comes before its children
    in ``rows``. A refused row raises ``UnitRefused`` naming it; nothing is written.
    """
    wanted = {normalize(r.parent_code) for r in rows if r.parent_code}
    codes = [normalize(r.code) for r in rows]
    in_set = set(codes)
    existing = {u.code: u for u in Unit.objects.filter(code__any_of=sorted(wanted | in_set))}
    checked: set[int | None] = set()
    dates_ok: set[dt.date | None] = set()
    made: dict[str, Unit] = {}
    new_under: dict[str, Unit | None] = {}  # code -> the existing unit above it
    for r, code in zip(rows, codes, strict=True):
        try:
            parent_code = normalize(r.parent_code) if r.parent_code else None
            parent = existing.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                if parent_code not in made:
                    raise ValidationError(f"Không tìm thấy đơn vị cấp trên {parent_code}.")
                anchor = new_under[parent_code]
                new_parent: Unit | None = made[parent_code]
            else:
                anchor = parent
                new_parent = parent
            key = anchor.pk if anchor is not None else None
            if key not in checked or anchor is None:
                check_unit_write(actor, anchor)
                checked.add(key)
            name, kind = normalize(r.name), normalize(r.kind)
            if not code or not name or not kind:
                raise ValidationError("Mã, tên và loại đơn vị là bắt buộc.")
            check_code(code, "Mã đơn vị")
            if r.valid_from not in dates_ok:  # a workbook has few distinct dates
                check_structure_date(r.valid_from)
                dates_ok.add(r.valid_from)
            if code in existing or code in made:
                raise ValidationError(f"Mã đơn vị {code} đã tồn tại.")
            if new_parent is not None:
                if new_parent.valid_to is not None and (
                    r.valid_from is None or r.valid_from >= new_parent.valid_to
                ):
                    raise ValidationError(f"Đơn vị cấp trên {new_parent.code} đã hết hiệu lực.")
                if (
                    r.valid_from is not None
                    and new_parent.valid_from
                    and r.valid_from < new_parent.valid_from
                ):
                    raise ValidationError(
                        f"Đơn vị cấp trên {new_parent.code} chỉ có hiệu lực từ "
                        f"{_fmt(new_parent.valid_from)}."
                    )
        except (ValidationError, PermissionDenied) as exc:
            raise UnitRefused(code, exc) from exc
        sort_key, search_key = unit_keys(name, code)
        made[code] = Unit(
            code=code,
            name=name,
            sort_key=sort_key,
            search_key=search_key,
            kind=kind,
            parent=new_parent,
            path="",
            depth=(new_parent.depth + 1) if new_parent else 0,
            valid_from=r.valid_from,
            place="",
        )
        new_under[code] = anchor
    units = list(made.values())
    parents = {u.code: u.parent for u in units}
    if pgcopy.available():
        _copy_units(units, parents)
    else:
        _bulk_create_units(units, parents)
    # bulk_create sends no signals: the audit trail's entries, as one by one would write
    # (versions and lineage are the unit's own history, not logged apart: trust/audit.py).
    from tuyengiao.lib.bulk_audit import log_bulk_create

    log_bulk_create(units)
    return units


def _copy_units(units: list[Unit], parents: dict[str, Unit | None]) -> None:
    """PostgreSQL: ids from the sequence first, so each path is known before the rows
    are written (parents come before their children), then three ``COPY``."""
    now = timezone.now()
    for unit, pk in zip(units, pgcopy.reserve_ids(Unit, len(units)), strict=True):
        parent = parents[unit.code]
        unit.pk = pk
        unit.parent = parent
        unit.path = f"{parent.path if parent else '/'}{pk}/"
        unit.created_at = now
        unit._state.adding, unit._state.db = False, connection.alias
    pgcopy.copy_rows(
        Unit,
        [
            "id",
            "code",
            "name",
            "kind",
            "parent_id",
            "path",
            "depth",
            "valid_from",
            "valid_to",
            "population",
            "place",
            "admin_code",
            "created_at",
            "sort_key",
            "search_key",
        ],
        (
            (
                u.pk,
                u.code,
                u.name,
                u.kind,
                u.parent_id,
                u.path,
                u.depth,
                u.valid_from,
                None,
                None,
                u.place,
                u.admin_code,
                now,
                u.sort_key,
                u.search_key,
            )
            for u in units
        ),
    )
    pgcopy.copy_rows(
        UnitVersion,
        ["unit_id", "name", "kind", "parent_id", "path", "depth", "valid_from", "valid_to"],
        ((u.pk, u.name, u.kind, u.parent_id, u.path, u.depth, u.valid_from, None) for u in units),
    )
    pgcopy.copy_rows(
        UnitLineage,
        ["kind", "from_unit_id", "to_unit_id", "date", "is_primary", "note", "created_at"],
        (
            (LineageKind.CREATE.value, None, u.pk, u.valid_from or dt.date.min, True, "", now)
            for u in units
        ),
    )


def _bulk_create_units(units: list[Unit], parents: dict[str, Unit | None]) -> None:
    """Other backends: ``bulk_create`` level by level of the tree."""
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Concat

    by_depth: dict[int, list[Unit]] = {}
    for unit in units:
        by_depth.setdefault(unit.depth, []).append(unit)
    for depth in sorted(by_depth):
        level = by_depth[depth]
        for unit in level:  # the parents' ids are known now (kept as the cached parent)
            unit.parent = parents[unit.code]
        Unit.objects.bulk_create(level, batch_size=2000)
        if level and level[0].pk is None:  # backends that cannot return ids
            ids = dict(Unit.objects.filter(path="", depth=depth).values_list("code", "pk"))
            for unit in level:
                unit.pk = ids[unit.code]
        for unit in level:
            parent = parents[unit.code]
            unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        parent_path = Subquery(Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        Unit.objects.filter(path="", depth=depth).update(
            path=Concat(
                parent_path if depth else Value("/"),
                Cast("pk", CharField()),
                Value("/"),
                output_field=CharField(),
            )
        )
    UnitVersion.objects.bulk_create(
        [
            UnitVersion(
                unit=u,
                name=u.name,
                kind=u.kind,
                parent=parents[u.code],
                path=u.path,
                depth=u.depth,
                valid_from=u.valid_from,
            )
            for u in units
        ],
        batch_size=2000,
    )
    UnitLineage.objects.bulk_create(
        [
            UnitLineage(kind=LineageKind.CREATE, to_unit=u, date=u.valid_from or dt.date.min)
            for u in units
        ],
        batch_size=2000,
    )


@transaction.atomic
def unit_update(
    *, actor: Actor, unit: Unit, population: int | None = None, place: str | None = None
) -> Unit:
    """Undated attributes that do not change the structure: the population (for the
    public reach rate) and the place written on the unit's documents (``None``:
    unchanged)."""
    check_unit_write(actor, unit)
    _check_population(population)
    unit.population = population
    fields = ["population"]
    if place is not None:
        unit.place = normalize(place)
        fields.append("place")
    unit.save(update_fields=fields)
    return unit


@transaction.atomic
def unit_rename(
    *, actor: Actor, unit: Unit, name: str, on: dt.date, kind: str | None = None
) -> Unit:
    check_unit_write(actor, unit)
    name = normalize(name)
    kind = normalize(kind) if kind else unit.kind
    if not name:
        raise ValidationError("Tên đơn vị không được để trống.")
    check_structure_date(on)
    _check_open_on(unit, on)
    _split_version(unit, on, name=name, kind=kind)
    UnitLineage.objects.create(
        kind=LineageKind.RENAME,
        from_unit=unit,
        to_unit=unit,
        date=on,
        note=f"{unit.name} → {name}"[:255],
    )
    unit.name, unit.kind = name, kind
    unit.sort_key, unit.search_key = unit_keys(name, unit.code)
    unit.save(update_fields=["name", "kind", "sort_key", "search_key"])
    return unit


def _reparent(unit: Unit, new_parent: Unit | None, on: dt.date) -> None:
    """Move ``unit`` and every descendant still valid on ``on`` to a new path."""
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    descendants = list(
        Unit.objects.filter(path__startswith=old_path, valid_to__isnull=True).order_by("path")
    )
    for node in descendants:
        node_path = new_path + node.path[len(old_path) :]
        changes: dict[str, object] = {"path": node_path, "depth": node.depth + depth_delta}
        if node.pk == unit.pk:
            changes["parent"] = new_parent
        if node.valid_from is not None and node.valid_from >= on:
            # Not yet valid on the move date: rewrite its only version in place.
            node.versions.filter(valid_to__isnull=True).update(**changes)
        else:
            _split_version(node, on, **changes)
        node.path = node_path
        node.depth = node.depth + depth_delta
        if node.pk == unit.pk:
            node.parent = new_parent
        node.save(update_fields=["path", "depth", "parent"])
    unit.refresh_from_db()


@transaction.atomic
def unit_move(*, actor: Actor, unit: Unit, new_parent: Unit | None, on: dt.date) -> Unit:
    check_unit_parent_change(actor, unit, new_parent)
    check_structure_date(on)
    _check_open_on(unit, on)
    if new_parent is not None:
        if access.in_subtree(new_parent.path, unit.path):
            raise ValidationError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới.")
        if not new_parent.is_valid_on(on):
            raise ValidationError(
                f"Đơn vị cấp trên {new_parent.code} không có hiệu lực ngày {_fmt(on)}."
            )
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    _reparent(unit, new_parent, on)
    UnitLineage.objects.create(
        kind=LineageKind.MOVE,
        from_unit=unit,
        to_unit=unit,
        date=on,
        note=f"→ {new_parent.code if new_parent else 'gốc'}",
    )
    return unit


def _close(unit: Unit, on: dt.date) -> None:
    version = _current_version(unit)
    if version.valid_from is not None and version.valid_from >= on:
        raise ValidationError(
            f"Đơn vị {unit.code} có thay đổi từ {_fmt(version.valid_from)}, "
            f"không thể giải thể ngày {_fmt(on)}."
        )
    version.valid_to = on
    version.save(update_fields=["valid_to"])
    unit.valid_to = on
    unit.save(update_fields=["valid_to"])


def _open_children(unit: Unit, on: dt.date) -> list[Unit]:
    return list(
        Unit.objects.filter(parent=unit, valid_to__isnull=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on)
        )
    )


def _transfer_memberships(source: Unit, target: Unit, on: dt.date) -> None:
    open_rows = Membership.objects.filter(unit=source).filter(valid_on_q(on))
    moved = [Membership(member_id=row.member_id, unit=target, valid_from=on) for row in open_rows]
    open_rows.update(valid_to=on)
    Membership.objects.bulk_create(moved)
    hooks.members_changed({source.pk, target.pk})


@transaction.atomic
def unit_dissolve(
    *, actor: Actor, unit: Unit, on: dt.date, children_to: Unit | None = None
) -> Unit:
    """Giải thể. Children still open must go somewhere: ``children_to`` or an error."""
    check_unit_write(actor, unit)
    if children_to is not None:
        check_unit_write(actor, children_to)
    check_structure_date(on)
    _check_open_on(unit, on)
    children = _open_children(unit, on)
    if children and children_to is None:
        raise ValidationError(
            f"Đơn vị {unit.code} còn {len(children)} đơn vị trực thuộc; "
            "hãy chuyển chúng sang đơn vị khác trước khi giải thể."
        )
    members_open = Membership.objects.filter(unit=unit).filter(valid_on_q(on)).exists()
    if members_open and children_to is None:
        raise ValidationError(
            f"Đơn vị {unit.code} còn đảng viên sinh hoạt; hãy chuyển sinh hoạt trước khi giải thể."
        )
    for child in children:
        unit_move(actor=actor, unit=child, new_parent=children_to, on=on)
    if children_to is not None:
        _transfer_memberships(unit, children_to, on)
    _close(unit, on)
    UnitLineage.objects.create(
        kind=LineageKind.DISSOLVE, from_unit=unit, to_unit=children_to, date=on
    )
    return unit


@transaction.atomic
def unit_merge(*, actor: Actor, sources: Sequence[Unit], into: Unit, on: dt.date) -> Unit:
    """Hợp nhất / sáp nhập: the sources end on ``on``; ``into`` takes their children
    and members. ``into`` may be a new unit (valid from ``on``) or one that goes on."""
    if not sources:
        raise ValidationError("Cần ít nhất một đơn vị để sáp nhập.")
    check_unit_write(actor, into)
    for source in sources:
        check_unit_write(actor, source)
    check_structure_date(on)
    if not into.is_valid_on(on):
        raise ValidationError(f"Đơn vị tiếp nhận {into.code} không có hiệu lực ngày {_fmt(on)}.")
    for source in sources:
        if source.pk == into.pk:
            continue
        if access.in_subtree(into.path, source.path):
            raise ValidationError(
                f"Đơn vị tiếp nhận {into.code} đang trực thuộc {source.code}; "
                "hãy chuyển nó ra trước khi sáp nhập."
            )
        _check_open_on(source, on)
        for child in _open_children(source, on):
            unit_move(actor=actor, unit=child, new_parent=into, on=on)
        _transfer_memberships(source, into, on)
        _close(source, on)
        UnitLineage.objects.create(
            kind=LineageKind.MERGE, from_unit=source, to_unit=into, date=on, is_primary=True
        )
    return into


@transaction.atomic
def unit_split(
    *,
    actor: Actor,
    source: Unit,
    into: Sequence[Unit],
    primary: Unit,
    on: dt.date,
    children_to: dict[int, Unit] | None = None,
) -> list[Unit]:
    """Chia tách: ``source`` ends; its history maps to ``primary`` for today's
    structure. Children go to ``children_to[child.pk]`` or else to ``primary``,
    members to ``primary`` (transfer them afterwards where they belong)."""
    check_unit_write(actor, source)
    for target in into:
        check_unit_write(actor, target)
    check_structure_date(on)
    if primary not in into:
        raise ValidationError("Đơn vị chính phải nằm trong danh sách đơn vị sau chia tách.")
    if len(into) < 2:
        raise ValidationError("Chia tách cần ít nhất hai đơn vị mới.")
    _check_open_on(source, on)
    for target in into:
        if not target.is_valid_on(on):
            raise ValidationError(f"Đơn vị {target.code} không có hiệu lực ngày {_fmt(on)}.")
        if access.in_subtree(target.path, source.path):
            raise ValidationError(f"Đơn vị {target.code} đang trực thuộc {source.code}.")
    mapping = children_to or {}
    for child in _open_children(source, on):
        unit_move(actor=actor, unit=child, new_parent=mapping.get(child.pk, primary), on=on)
    _transfer_memberships(source, primary, on)
    _close(source, on)
    UnitLineage.objects.bulk_create(
        UnitLineage(
            kind=LineageKind.SPLIT,
            from_unit=source,
            to_unit=target,
            date=on,
            is_primary=target.pk == primary.pk,
        )
        for target in into
    )
    return list(into)


# --- members ------------------------------------------------------------------------


def _name_parts(
    full_name: str | None, family: str | None, middle: str | None, given: str | None
) -> tuple[str, str, str]:
    if given is None and full_name is not None:
        return split_full_name(full_name)
    return normalize(family or ""), normalize(middle or ""), normalize(given or "")


def derive_member_keys(member: Member) -> None:
    member.sort_key = name_sort_key(
        given=member.given_name, family=member.family_name, middle=member.middle_name
    )
    # A leading space lets a search match word starts: " an" finds "An", not "Thanh".
    member.search_key = member_search_key(
        member.family_name, member.middle_name, member.given_name, member.code
    )


@transaction.atomic
def member_create(
    *,
    actor: Actor,
    code: str,
    unit: Unit,
    full_name: str | None = None,
    family_name: str | None = None,
    middle_name: str | None = None,
    given_name: str | None = None,
    gender: str = "",
    birth_date: dt.date | None = None,
    admission_date: dt.date | None = None,
    since: dt.date | None = None,
    exempt: bool = False,
) -> Member:
    check_unit_write(actor, unit)
    code = normalize(code)
    family, middle, given = _name_parts(full_name, family_name, middle_name, given_name)
    if not code or not given:
        raise ValidationError("Mã đảng viên và tên là bắt buộc.")
    check_code(code, "Mã đảng viên")
    if Member.objects.filter(code=code).exists():
        raise ValidationError(f"Mã đảng viên {code} đã tồn tại.")
    if since is not None and not unit.is_valid_on(since):
        raise ValidationError(f"Đơn vị {unit.code} không có hiệu lực ngày {_fmt(since)}.")
    member = Member(
        code=code,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=gender,
        birth_date=birth_date,
        admission_date=admission_date,
    )
    derive_member_keys(member)
    member.save()
    Membership.objects.create(member=member, unit=unit, valid_from=since)
    if exempt:
        Exemption.objects.create(member=member, valid_from=since)
    hooks.members_changed({unit.pk})
    return member


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: Member,
    family_name: str,
    middle_name: str,
    given_name: str,
    gender: str = "",
    birth_date: dt.date | None = None,
    admission_date: dt.date | None = None,
) -> Member:
    check_member_write(actor, member)
    member.family_name = normalize(family_name)
    member.middle_name = normalize(middle_name)
    member.given_name = normalize(given_name)
    if not member.given_name:
        raise ValidationError("Tên không được để trống.")
    member.gender = gender
    member.birth_date = birth_date
    member.admission_date = admission_date
    derive_member_keys(member)
    member.save()
    return member


def member_current_membership(member: Member, on: dt.date) -> Membership | None:
    return member.memberships.filter(valid_on_q(on)).select_related("unit").first()


@transaction.atomic
def member_transfer(*, actor: Actor, member: Member, to_unit: Unit, on: dt.date) -> Membership:
    """Chuyển sinh hoạt: close the open membership on ``on``, open one in ``to_unit``."""
    check_member_write(actor, member)
    check_unit_write(actor, to_unit)
    if not to_unit.is_valid_on(on):
        raise ValidationError(f"Đơn vị {to_unit.code} không có hiệu lực ngày {_fmt(on)}.")
    current = member_current_membership(member, on)
    if current is not None:
        if current.unit_id == to_unit.pk:
            return current
        if current.valid_from is not None and current.valid_from >= on:
            raise ValidationError(
                f"Đảng viên {member.code} mới sinh hoạt tại đơn vị hiện tại từ "
                f"{_fmt(current.valid_from)}; ngày chuyển phải sau ngày đó."
            )
        later = member.memberships.filter(valid_from__gt=on).exists()
        if later:
            raise ValidationError("Đã có quá trình sinh hoạt sau ngày chuyển.")
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    created = Membership.objects.create(member=member, unit=to_unit, valid_from=on)
    if member.user_id is not None and on <= timezone.localdate():
        # the member's own account reads the unit they belong to now
        for assignment in Assignment.objects.filter(user_id=member.user_id, role=Role.MEMBER):
            assignment.unit = to_unit
            assignment.save(update_fields=["unit"])
    hooks.members_changed({to_unit.pk} | ({current.unit_id} if current is not None else set()))
    return created


@transaction.atomic
def member_set_exempt(
    *, actor: Actor, member: Member, exempt: bool, on: dt.date, reason: str = ""
) -> None:
    """Start or end a miễn sinh hoạt period on ``on``."""
    check_member_write(actor, member)
    open_row = member.exemptions.filter(valid_on_q(on)).first()
    if exempt:
        if open_row is None:
            Exemption.objects.create(member=member, valid_from=on, reason=normalize(reason))
            _member_units_changed(member)
        return
    if open_row is not None:
        if open_row.valid_from is not None and open_row.valid_from >= on:
            open_row.delete()
        else:
            open_row.valid_to = on
            open_row.save(update_fields=["valid_to"])
        _member_units_changed(member)


def _member_units_changed(member: Member) -> None:
    """An exemption of ``member`` changed: every unit they ever belonged to may count it."""
    hooks.members_changed(set(member.memberships.values_list("unit_id", flat=True)))


def check_assignment(role: Role | str, can_export_personal_data: bool) -> None:
    """A member's role is never given the export of personal data."""
    if can_export_personal_data and role == Role.MEMBER:
        raise ValidationError("Không cấp quyền xuất dữ liệu cá nhân cho vai trò đảng viên.")


@transaction.atomic
def assignment_set(
    *,
    actor: Actor,
    user: AbstractBaseUser,
    unit: Unit,
    role: Role | str,
    can_export_personal_data: bool | None = None,
) -> Assignment:
    """Bind ``user`` to ``unit`` with ``role`` (the system administrator only). The
    export permission is set when given and kept otherwise, except that a member's
    role loses it."""
    check_system(actor)
    export = can_export_personal_data
    if export is None:
        current = Assignment.objects.filter(user_id=user.pk).first()
        export = bool(current and current.can_export_personal_data) and role != Role.MEMBER
    check_assignment(role, export)
    assignment, _ = Assignment.objects.update_or_create(
        user=user, defaults={"unit": unit, "role": role, "can_export_personal_data": export}
    )
    return assignment


@transaction.atomic
def assignment_set_export(*, actor: Actor, user: AbstractBaseUser, allowed: bool) -> Assignment:
    """Grant or withdraw the permission to export members' personal data."""
    check_system(actor)
    assignment = Assignment.objects.filter(user_id=user.pk).first()
    if assignment is None:
        raise ValidationError("Tài khoản chưa được gán đơn vị, không thể cấp quyền xuất dữ liệu.")
    check_assignment(assignment.role, allowed)
    if assignment.can_export_personal_data != allowed:
        assignment.can_export_personal_data = allowed
        assignment.save(update_fields=["can_export_personal_data"])
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Actor, assignment: Assignment) -> None:
    """Take the account's unit and role away (it then sees nothing)."""
    check_system(actor)
    assignment.delete()


def check_member_account(member: Member, user: AbstractBaseUser | None) -> None:
    """An account belongs to one member at most, and a member's account is not
    replaced by another in passing (unlink it first: whoever signs in with it is that
    member for check-in and history)."""
    if user is None:
        return
    if member.user_id is not None and member.user_id != user.pk:
        current = member.user.get_username() if member.user is not None else ""
        raise ValidationError(
            f"Đảng viên {member.code} đã gắn với tài khoản {current}; bỏ gắn tài khoản đó "
            "trước khi gắn tài khoản khác."
        )
    if user.pk is None:  # an account being created has no member yet
        return
    other = Member.objects.filter(user_id=user.pk).exclude(pk=member.pk).first()
    if other is not None:
        raise ValidationError(
            f"Tài khoản {user.get_username()} đã gắn với đảng viên {other.code} "
            f"({other.full_name})."
        )


@transaction.atomic
def member_link_account(*, actor: Actor, member: Member, user: AbstractBaseUser | None) -> Member:
    """Link ``member``'s record to the account they sign in with (``None``: unlink), so
    that a QR check-in and their history know who they are; an account belongs to one
    member at most."""
    check_system(actor)
    check_member_account(member, user)
    if member.user_id != (user.pk if user is not None else None):
        member.user = user  # type: ignore[assignment]
        member.save(update_fields=["user"])
    return member


def units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__any_of=list(codes))}


@dataclass(frozen=True, slots=True)
class NewMember:
    code: str
    full_name: str
    unit: Unit
    gender: str = ""
    birth_date: dt.date | None = None
    admission_date: dt.date | None = None
    since: dt.date | None = None
    exempt: bool = False


@transaction.atomic
def member_bulk_create(*, actor: Actor, rows: Sequence[NewMember]) -> list[Member]:
    """``member_bulk_import``, returning the new members as models (seeding, tests)."""
    member_bulk_import(actor=actor, rows=rows)
    by_code = Member.objects.in_bulk([normalize(r.code) for r in rows], field_name="code")
    return [by_code[normalize(r.code)] for r in rows]


def member_search_key(family: str, middle: str, given: str, code: str) -> str:
    """``derive_member_keys``'s search key from the parts: a leading space lets a search
    match word starts (" an" finds "An", not "Thanh"). The folded name parts are
    remembered (they repeat across a roll); an ASCII code folds on its own, cheaply."""
    parts = [p for p in (family, middle, given) if p]
    folded = [_fold_part(p) for p in parts]
    folded_code = fold(code) if code.isascii() else ""
    if parts and all(folded) and folded_code:
        return " " + " ".join(folded) + " " + folded_code
    return " " + fold(" ".join([*parts, code]))


@lru_cache(maxsize=65536)
def _fold_part(part: str) -> str:
    return fold(part)


@transaction.atomic
def member_bulk_import(*, actor: Actor, rows: Sequence[NewMember]) -> int:
    """Many new members at once (imports, seeding): a handful of queries in all; the
    number written. The actor must write every unit named; codes are checked.

    ``since`` blank means since the unit's ``valid_from`` (open-ended when blank too).
    Callers have checked that the codes are new. On PostgreSQL the rows are streamed
    with ``COPY`` as plain values (no model per row: 100.000 rows in bounded memory);
    elsewhere ``bulk_create``, ``_MEMBER_CHUNK`` rows at a time.
    """
    for unit in {row.unit.pk: row.unit for row in rows}.values():
        check_unit_write(actor, unit)
    codes = [normalize(row.code) for row in rows]
    for code in codes:
        check_code(code, "Mã đảng viên")
    if not rows:
        return 0
    if pgcopy.available():
        _copy_members(rows, codes)
    else:
        # Elsewhere bulk_create, a chunk at a time: only a chunk's models are alive at once.
        for start in range(0, len(rows), _MEMBER_CHUNK):
            end = start + _MEMBER_CHUNK
            _bulk_create_members(rows[start:end], codes[start:end])
    hooks.members_changed({row.unit.pk for row in rows})
    return len(rows)


_MEMBER_CHUNK = 5_000


def _bulk_create_members(rows: Sequence[NewMember], codes: list[str]) -> None:
    members = []
    for row, code in zip(rows, codes, strict=True):
        family, middle, given = split_full_name(row.full_name)
        member = Member(
            code=code,
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=row.gender,
            birth_date=row.birth_date,
            admission_date=row.admission_date,
        )
        derive_member_keys(member)
        members.append(member)
    Member.objects.bulk_create(members, batch_size=1000)
    if members and members[0].pk is None:  # backends that cannot return ids
        ids = dict(Member.objects.filter(code__in=codes).values_list("code", "pk"))
        for member in members:
            member.pk = ids[member.code]
    memberships, exemptions = [], []
    for member, row in zip(members, rows, strict=True):
        since = row.since or row.unit.valid_from
        memberships.append(Membership(member=member, unit=row.unit, valid_from=since))
        if row.exempt:
            exemptions.append(Exemption(member=member, valid_from=since))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    Exemption.objects.bulk_create(exemptions, batch_size=1000)


def _copy_members(rows: Sequence[NewMember], codes: list[str]) -> None:
    """PostgreSQL: the members, their memberships and exemptions as three ``COPY`` of
    plain values, the ids reserved first; the same values ``bulk_create`` would write
    (``derive_member_keys``' keys, ``created_at`` now)."""
    now = timezone.now()
    ids = pgcopy.reserve_ids(Member, len(rows))

    def members() -> Iterable[tuple[object, ...]]:
        for pk, row, code in zip(ids, rows, codes, strict=True):
            family, middle, given = split_full_name(row.full_name)
            yield (
                pk,
                code,
                family,
                middle,
                given,
                row.gender,
                row.birth_date,
                row.admission_date,
                None,
                name_sort_key(given=given, family=family, middle=middle),
                member_search_key(family, middle, given, code),
                now,
            )

    pgcopy.copy_rows(
        Member,
        [
            "id",
            "code",
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "admission_date",
            "user_id",
            "sort_key",
            "search_key",
            "created_at",
        ],
        members(),
    )
    pgcopy.copy_rows(
        Membership,
        ["member_id", "unit_id", "valid_from", "valid_to"],
        (
            (pk, row.unit.pk, row.since or row.unit.valid_from, None)
            for pk, row in zip(ids, rows, strict=True)
        ),
    )
    pgcopy.copy_rows(
        Exemption,
        ["member_id", "valid_from", "valid_to", "reason"],
        (
            (pk, row.since or row.unit.valid_from, None, "")
            for pk, row in zip(ids, rows, strict=True)
            if row.exempt
        ),
    )


# --- the official list of communes ------------------------------------------------


def _check_official_request(actor: Actor, parent: Unit, province_code: str) -> None:
    from . import official

    check_unit_write(actor, parent)
    if official.province(province_code) is None:
        raise ValidationError(f"Không có tỉnh, thành phố mã {province_code} trong danh mục.")


@transaction.atomic
def official_list_request(
    *,
    actor: Actor,
    parent: Unit,
    province_code: str,
    codes: Sequence[str],
    valid_from: dt.date,
) -> OfficialListRun:
    """Ask for the ticked communes of the official list to be created under ``parent``.

    The work is done by ``official_list_run`` in the task worker; this checks what
    can be checked now, so the user hears of a mistake on the page.
    """
    from . import official

    _check_official_request(actor, parent, province_code)
    known = {c.code for c in official.communes(province_code)}
    chosen = sorted({c.strip() for c in codes if c.strip()})
    if not chosen:
        raise ValidationError("Chưa chọn xã, phường, đặc khu nào.")
    if unknown := [c for c in chosen if c not in known]:
        raise ValidationError(
            f"Mã {', '.join(unknown[:5])} không thuộc danh mục của tỉnh, thành phố đã chọn."
        )
    check_structure_date(valid_from)
    requester = account_of(actor)
    if requester is None:  # the worker creates the units later with the requester's rights
        raise PermissionDenied("Yêu cầu tạo theo danh mục phải do một tài khoản thực hiện.")
    return OfficialListRun.objects.create(
        parent=parent,
        requested_by=requester,
        province_code=province_code,
        codes=chosen,
        valid_from=valid_from,
    )


def official_code_for(parent: Unit, commune_code: str) -> str:
    """The unit code proposed for a commune's committee: the parent's code and the
    commune's administrative code (unique across the country)."""
    return f"{parent.code}-{commune_code}"


OFFICIAL_SYSTEM_ERROR = (
    "Lỗi hệ thống khi tạo đơn vị; chưa đơn vị nào được tạo. Hãy thử lại hoặc báo quản trị viên."
)


def official_list_run(*, run_id: int) -> OfficialListRun:
    """Carry out a request: create every ticked commune not already in the tree, all or
    nothing. A commune already present (same administrative code, or a unit of the
    same name under the parent) is skipped, so running a request twice changes nothing."""
    from . import official, selectors

    run = OfficialListRun.objects.select_related("parent", "requested_by").get(pk=run_id)
    run.status = OfficialListRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        with transaction.atomic():
            _check_official_request(run.requested_by, run.parent, run.province_code)
            rows = selectors.official_preview(run.parent, run.province_code)
            wanted = set(run.codes)
            created = skipped = 0
            for row in rows:
                if row.commune.code not in wanted:
                    continue
                if row.existing is not None:
                    skipped += 1
                    continue
                unit = unit_create(
                    actor=run.requested_by,
                    code=official_code_for(run.parent, row.commune.code),
                    name=row.commune.party_name,
                    kind=row.commune.party_kind,
                    parent=run.parent,
                    valid_from=run.valid_from,
                    place=row.commune.short,
                )
                unit.admin_code = row.commune.code
                unit.save(update_fields=["admin_code"])
                created += 1
            if not run.parent.admin_code:
                run.parent.admin_code = run.province_code
                run.parent.save(update_fields=["admin_code"])
            if not run.parent.place:
                province = official.province(run.province_code)
                run.parent.place = province.short if province else ""
                run.parent.save(update_fields=["place"])
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        run.status = OfficialListRun.Status.FAILED
        run.message = "; ".join(messages)[:1000]
    except Exception:  # nothing was created; the page says so, the worker's log has why
        run.status = OfficialListRun.Status.FAILED
        run.message = OFFICIAL_SYSTEM_ERROR
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise
    else:
        run.status = OfficialListRun.Status.DONE
        run.created, run.skipped = created, skipped
        run.message = f"Đã tạo {created} đơn vị; {skipped} đơn vị đã có, giữ nguyên."
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "created", "skipped", "message", "finished_at"])
    return run


def writable_member_codes(actor: Actor, codes: Iterable[str]) -> set[str]:
    """Those of ``codes`` (existing members) that ``actor`` may change, in one query:
    the bulk form of ``check_member_write`` for the workbook."""
    codes = list(codes)
    if access.is_system(actor):
        return set(codes)
    scope = access.scope_of(actor)
    if scope is None or not scope.can_write or not codes:
        return set()
    return set(
        access.members_visible_to(actor).filter(code__any_of=codes).values_list("code", flat=True)
    )
