"""Members per unit over time, pre-aggregated (``UnitMemberFact``), so that a page
counts a subtree's members by summing one row per unit instead of counting every
membership (a province has ~100.000, the country millions).

The rule, written once here: a unit's ``members`` on a day are its memberships valid
that day, ``exempt`` those of them whose member has an exemption valid that day; the
active (required) members are ``members - exempt``. These are exactly what
``orgs.selectors.member_count`` counts on the raw rows (a member belongs to one unit
on a day: ``member_transfer`` closes the old membership).

``orgs`` calls ``hooks.members_changed(unit ids)`` inside every service that writes
memberships or exemptions; ``units_refresh`` (registered in ``StudyConfig.ready``)
recomputes those units' rows in the same transaction, under a lock on the unit rows
(``FOR NO KEY UPDATE``: it does not wait for the key-share locks that inserting
memberships takes). ``rebuild`` recomputes every unit (``facts_rebuild``, the bench
generator, the migration that created the table).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet, Sum

from tuyengiao.lib import pgcopy
from tuyengiao.lib.db import in_ids
from tuyengiao.orgs.models import Exemption, Membership, Unit, valid_on_q
from tuyengiao.orgs.selectors import subtree_unit_ids_on

from .models import UnitMemberFact

_MIN = dt.date.min  # an open start
_MAX = dt.date.max  # an open end

Interval = tuple[int, dt.date | None, dt.date | None, int, int]  # unit, from, to, members, exempt


def intervals(
    memberships: Iterable[tuple[int, int, dt.date | None, dt.date | None]],
    exemptions: dict[int, list[tuple[dt.date | None, dt.date | None]]],
) -> list[Interval]:
    """The fact rows for the given memberships (member, unit, from, to) and the
    exemptions of their members (member -> [(from, to)]): per unit, the intervals
    over which its member and exempt counts hold, those with members only. Pure."""
    events: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for member, unit, since, until in memberships:
        start, end = since or _MIN, until or _MAX
        per = events[unit]
        per[start][0] += 1
        if end != _MAX:
            per[end][0] -= 1
        for e_from, e_to in exemptions.get(member, ()):
            s, t = max(start, e_from or _MIN), min(end, e_to or _MAX)
            if s < t:
                per[s][1] += 1
                if t != _MAX:
                    per[t][1] -= 1
    rows: list[Interval] = []
    for unit in sorted(events):
        per = events[unit]
        days = sorted(per)
        members = exempt = 0
        open_row: list[Any] | None = None
        for i, day in enumerate(days):
            members += per[day][0]
            exempt += per[day][1]
            until = days[i + 1] if i + 1 < len(days) else None
            if open_row is not None and (open_row[3], open_row[4]) == (members, exempt):
                open_row[2] = until  # nothing changed that day: widen the row
                continue
            if open_row is not None:
                rows.append((open_row[0], open_row[1], open_row[2], open_row[3], open_row[4]))
                open_row = None
            if members > 0:
                open_row = [unit, None if day == _MIN else day, until, members, exempt]
        if open_row is not None:
            rows.append((open_row[0], open_row[1], open_row[2], open_row[3], open_row[4]))
    return rows


def _exemptions(unit_ids: list[int] | None) -> dict[int, list[tuple[Any, Any]]]:
    """The exemptions of the members who ever belonged to ``unit_ids`` (None: all)."""
    qs = Exemption.objects.all()
    if unit_ids is not None:
        members = Membership.objects.filter(unit_id__in=in_ids(unit_ids)).values("member_id")
        qs = qs.filter(member_id__in=members)
    out: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for member, since, until in qs.values_list("member_id", "valid_from", "valid_to"):
        out[member].append((since, until))
    return out


def _write(rows: list[Interval]) -> None:
    if pgcopy.available():  # the same rows as plain values (bulk_create quoted each one)
        pgcopy.copy_rows(
            UnitMemberFact, ["unit_id", "valid_from", "valid_to", "members", "exempt"], rows
        )
        return
    UnitMemberFact.objects.bulk_create(
        [
            UnitMemberFact(unit_id=u, valid_from=f, valid_to=t, members=m, exempt=e)
            for u, f, t, m, e in rows
        ],
        batch_size=2000,
    )


_CHUNK = 2000  # units per statement


def units_refresh(unit_ids: Iterable[int]) -> None:
    """Recompute the rows of these units from their memberships and exemptions (the
    caller's transaction; the unit rows locked first, in id order)."""
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        list(
            Unit.objects.select_for_update(no_key=True)
            .filter(pk__in=in_ids(chunk))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        memberships = list(
            Membership.objects.filter(unit_id__in=in_ids(chunk)).values_list(
                "member_id", "unit_id", "valid_from", "valid_to"
            )
        )
        exemptions = _exemptions(chunk)
        UnitMemberFact.objects.filter(unit_id__in=in_ids(chunk)).delete()
        _write(intervals(memberships, exemptions))


def rebuild() -> int:
    """Drop every row and recompute them all (streams the memberships unit by unit)."""
    UnitMemberFact.objects.all().delete()
    exemptions = _exemptions(None)
    batch: list[tuple[int, int, Any, Any]] = []
    written = 0
    rows = (
        Membership.objects.order_by("unit_id")
        .values_list("member_id", "unit_id", "valid_from", "valid_to")
        .iterator(chunk_size=20_000)
    )
    for row in rows:
        if len(batch) >= 50_000 and batch[-1][1] != row[1]:  # a unit is never split
            facts = intervals(batch, exemptions)
            _write(facts)
            written += len(facts)
            batch = []
        batch.append(row)
    facts = intervals(batch, exemptions)
    _write(facts)
    return written + len(facts)


def facts_valid_on(unit: Unit, day: dt.date) -> QuerySet[UnitMemberFact]:
    return UnitMemberFact.objects.filter(
        valid_on_q(day), unit_id__in=subtree_unit_ids_on(unit, day)
    )


def subtree_member_counts(unit: Unit, day: dt.date) -> tuple[int, int]:
    """(members, active members) of ``unit``'s subtree on ``day`` (the tree as it stood
    that day): one sum over the units' rows."""
    agg = facts_valid_on(unit, day).aggregate(members=Sum("members"), exempt=Sum("exempt"))
    members, exempt = agg["members"] or 0, agg["exempt"] or 0
    return members, members - exempt
