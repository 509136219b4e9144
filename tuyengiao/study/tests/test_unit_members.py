"""The per-unit member counts (``UnitMemberFact``) equal a raw count of the members
and the non-exempt members of every subtree, on days before, on and after each change,
after an import of members, a transfer, exemptions started and ended, a unit dissolved
into another; and the incremental rows equal a rebuild."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import START, World
from tuyengiao.orgs import selectors, services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.services import NewMember
from tuyengiao.study import unit_members
from tuyengiao.study.models import UnitMemberFact

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 9, 1)
DAYS = [START - dt.timedelta(days=1), START, D1, D2, D3, dt.date(2030, 1, 1)]


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        UnitMemberFact.objects.values_list("unit_id", "valid_from", "valid_to", "members", "exempt")
    )


def _assert_counts_equal_raw() -> None:
    for unit in Unit.objects.all():
        for day in DAYS:
            if not unit.is_valid_on(day):
                continue
            raw = (
                selectors.member_count(unit, day),
                selectors.member_count(unit, day, include_exempt=False),
            )
            assert unit_members.subtree_member_counts(unit, day) == raw, (unit.code, day)
            assert selectors.subtree_member_counts(unit, day) == raw  # through the hook
    incremental = _rows()
    unit_members.rebuild()
    assert _rows() == incremental


def test_counts_follow_import_transfer_exemption_and_dissolve(world: World) -> None:
    _assert_counts_equal_raw()
    assert selectors.subtree_counts(world.province, D1)["members"] == 5

    # an import of members (the bulk path of the `Đảng viên` sheet), one exempt
    services.member_bulk_create(
        actor=SYSTEM,
        rows=[
            NewMember(code=f"NK{i}", full_name=f"Nguyễn Văn Nhập {i}", unit=world.cell2, since=D1)
            for i in range(3)
        ]
        + [NewMember(code="NK9", full_name="Lê Thị Miễn", unit=world.cell, since=D1, exempt=True)],
    )
    _assert_counts_equal_raw()

    # a transfer to another commune
    moved = world.members[0]
    services.member_transfer(actor=SYSTEM, member=moved, to_unit=world.sibling_cell, on=D2)
    _assert_counts_equal_raw()

    # an exemption started, another ended, one started and removed on its first day
    services.member_set_exempt(actor=SYSTEM, member=moved, exempt=True, on=D1)
    services.member_set_exempt(actor=SYSTEM, member=world.members[1], exempt=True, on=D1)
    services.member_set_exempt(actor=SYSTEM, member=world.members[1], exempt=False, on=D3)
    services.member_set_exempt(actor=SYSTEM, member=world.members[2], exempt=True, on=D3)
    services.member_set_exempt(actor=SYSTEM, member=world.members[2], exempt=False, on=D3)
    _assert_counts_equal_raw()

    # a cell dissolved, its members taken over by another
    services.unit_dissolve(actor=SYSTEM, unit=world.cell2, on=D3, children_to=world.cell)
    _assert_counts_equal_raw()
    assert selectors.subtree_counts(world.commune, D3)["members"] == 7  # 8 - the one moved out
    assert UnitMemberFact.objects.filter(unit_id=world.cell2.pk, valid_to=D3).exists()


def test_intervals_merge_unchanged_days_and_drop_empty_ones() -> None:
    a, b = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
    rows = unit_members.intervals(
        [(1, 7, None, a), (2, 7, a, None), (3, 8, a, b)],
        {2: [(None, b)], 3: [(b, None)]},
    )
    # unit 7: one member all along (the change of member on `a` changes no count), the
    # second one exempt until `b`; unit 8: one member over [a, b), never exempt then
    assert rows == [(7, None, a, 1, 0), (7, a, b, 1, 1), (7, b, None, 1, 0), (8, a, b, 1, 0)]
