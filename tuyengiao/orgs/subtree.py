"""A report's subtree: the units under a root in one of two structures.

- ``ASOF``: the tree as it stood on a day (``UnitVersion`` rows valid that day under
  the root's path then);
- ``TODAY``: today's tree, each historical unit mapped onto its successor through
  the lineage rows (``selectors.successor_map``).

Either way the subtree is a set of unit ids a statement can take as a subquery or a
literal list (``Subtree.where`` for SQL, ``Subtree.q`` or ``unit_in`` for the ORM),
with each unit's child of the root (``child``), the id it is reported under
(``canonical``), names and leaves. Any app's report section reads its own rows
through it; nothing walks the tree, and no section sends its own list of the
subtree's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Subquery
from django.db.models.expressions import RawSQL

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.db import in_ids

from .models import Unit, UnitLineage, UnitVersion
from .selectors import successor_map, today, valid_on_q

TODAY = "today"
ASOF = "asof"


@dataclass
class Subtree:
    root: Unit
    root_path: str
    paths: dict[int, str]  # unit id -> path in the chosen structure (historical ids mapped)
    canonical: dict[int, int]  # unit id -> the id it is reported under
    names: dict[int, tuple[str, str]]  # canonical id -> (code, name)
    parents: set[int]
    ids_sql: str  # the subtree's unit ids: a literal list of integers or a subquery
    ids_params: list[Any]
    extra_ids: list[int] = field(default_factory=list)  # historical ids mapped to today's
    child: dict[int, int] = field(default_factory=dict)  # unit id -> root's child (or root)

    def __post_init__(self) -> None:
        # the id after the root's path ("/1/7/42/" under "/1/": 7); a root has a few
        # dozen children and the country ~300.000 units, so each child's id is read once
        cut, root, child = len(self.root_path), self.root.pk, self.child
        ids: dict[str, int] = {}
        for uid, path in self.paths.items():
            if len(path) <= cut:
                child[uid] = root
                continue
            part = path[cut : path.index("/", cut)]
            found = ids.get(part)
            child[uid] = found if found is not None else ids.setdefault(part, int(part))

    def where(self, column: str) -> tuple[str, list[Any]]:
        sql, params = f"{column} IN ({self.ids_sql})", list(self.ids_params)
        if self.extra_ids:
            sql = f"({sql} OR {column} IN ({_literal(self.extra_ids)}))"
        return sql, params

    def q(self, field: str) -> Q:
        """The ORM's ``field`` (a unit id, e.g. ``"unit_id"`` or
        ``"participant__unit_id"``) in the subtree: the same ids as ``where``."""
        # the SQL is this module's own: a subquery built by the ORM, or integers
        ids = RawSQL(self.ids_sql, list(self.ids_params))  # noqa: S611  see above
        inside = Q(**{f"{field}__in": ids})
        if self.extra_ids:
            extra = RawSQL(_literal(self.extra_ids), [])  # noqa: S611  integers (_literal)
            inside |= Q(**{f"{field}__in": extra})
        return inside

    def leaves(self) -> set[int]:
        return {uid for uid in self.names if uid not in self.parents}

    @property
    def has_units_below(self) -> bool:
        """Whether any unit is under the root (a party cell's subtree is itself)."""
        return len(self.names) > 1


def unit_in(units: Subtree | Iterable[int], field: str = "unit_id") -> Q:
    """``field`` among ``units``: a resolved subtree (its subquery or literal list,
    ``Subtree.q``) or a plain list of ids (``lib.db.in_ids``)."""
    if isinstance(units, Subtree):
        return units.q(field)
    return Q(**{f"{field}__in": in_ids(list(units))})


# Up to this many units the ids go to the database as a literal list: the planner then
# knows the subtree is small and uses the (unit, date) indexes; a subquery with LIKE
# is estimated badly on PostgreSQL and turned a cell's report into a full scan.
_LITERAL_IDS = 2000


def _literal(ids: Iterable[int]) -> str:
    """Unit ids written into the statement as integer literals: what PostgreSQL
    received anyway (Django binds parameters on the client), without the driver
    quoting and splitting one placeholder per id for every statement (a province's
    3.001 ids cost 4–6 ms a statement as one array, 115–150 ms as placeholders).
    ``int`` makes each one a number, never text."""
    return ", ".join(str(int(i)) for i in ids)


def _ids(paths: dict[int, str], subquery: Any) -> tuple[str, list[Any]]:
    if len(paths) <= _LITERAL_IDS:
        return _literal(sorted(paths)), []
    sql, params = subquery.order_by().query.sql_with_params()
    return sql, list(params)


def resolve_subtree(unit: Unit, day: dt.date, structure: str) -> Subtree:
    if structure == ASOF:
        # one query: the versions valid that day under the root's path that day
        root_path = UnitVersion.objects.filter(valid_on_q(day), unit=unit).values("path")[:1]
        versions = UnitVersion.objects.filter(valid_on_q(day), path__startswith=Subquery(root_path))
        rows = list(versions.values_list("unit_id", "path", "parent_id", "name", "unit__code"))
        paths = {uid: path for uid, path, _p, _n, _c in rows}
        if unit.pk not in paths:
            raise ValidationError(
                f"Đơn vị {unit.name} không có trong cơ cấu tổ chức ngày {format_date(day)}."
            )
        # the statements get the path as a literal: PostgreSQL misestimates a LIKE on a
        # subquery's result and the root's statements took twice as long
        literal = UnitVersion.objects.filter(valid_on_q(day), path__startswith=paths[unit.pk])
        ids_sql, ids_params = _ids(paths, literal.values("unit_id"))
        return Subtree(
            root=unit,
            root_path=paths[unit.pk],
            paths=paths,
            canonical={uid: uid for uid in paths},
            names={uid: (code, name) for uid, _path, _p, name, code in rows},
            parents={p for _u, _path, p, _n, _c in rows if p is not None},
            ids_sql=ids_sql,
            ids_params=ids_params,
        )
    now = today()
    current = Unit.objects.filter(valid_on_q(now), path__startswith=unit.path)
    rows = list(current.values_list("id", "path", "parent_id", "name", "code"))
    paths = {uid: path for uid, path, _p, _n, _c in rows}
    canonical = {uid: uid for uid in paths}
    ids_sql, ids_params = _ids(paths, current.values("id"))
    extra: dict[int, int] = {}
    if UnitLineage.objects.exists():
        extra = {old: new for old, new in successor_map(now).items() if new in paths and old != new}
        for old, new in extra.items():
            paths[old] = paths[new]
            canonical[old] = new
    if not unit.is_valid_on(now):
        raise ValidationError(f"Đơn vị {unit.name} không còn trong cơ cấu tổ chức hiện nay.")
    return Subtree(
        root=unit,
        root_path=unit.path,
        paths=paths,
        canonical=canonical,
        names={uid: (code, name) for uid, _path, _p, name, code in rows},
        parents={p for _u, _path, p, _n, _c in rows if p is not None},
        ids_sql=ids_sql,
        ids_params=ids_params,
        extra_ids=sorted(extra),
    )
