"""The organisation tree over time, and the 2025 reform reproduced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.orgs import selectors, services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import LineageKind, Unit, UnitLineage, UnitVersion

pytestmark = pytest.mark.django_db

D2024 = dt.date(2024, 1, 1)
REFORM = dt.date(2025, 7, 1)
EVE = dt.date(2025, 6, 30)


def build_2024_province() -> tuple[Unit, list[Unit], list[Unit], list[Unit]]:
    s = services
    province = s.unit_create(actor=SYSTEM, code="P", name="Tỉnh ủy P", kind="Tỉnh ủy")
    districts = [
        s.unit_create(
            actor=SYSTEM,
            code=f"D{i}",
            name=f"Huyện ủy {i}",
            kind="Huyện ủy",
            parent=province,
            valid_from=D2024,
        )
        for i in (1, 2)
    ]
    communes, cells = [], []
    for i in range(6):
        commune = s.unit_create(
            actor=SYSTEM,
            code=f"C{i}",
            name=f"Đảng ủy xã {i}",
            kind="Đảng ủy xã",
            parent=districts[i // 3],
            valid_from=D2024,
        )
        communes.append(commune)
        for j in range(2):
            cell = s.unit_create(
                actor=SYSTEM,
                code=f"C{i}-CB{j}",
                name=f"Chi bộ {i}.{j}",
                kind="Chi bộ",
                parent=commune,
                valid_from=D2024,
            )
            cells.append(cell)
            for k in range(i + 1):  # commune i has 2*(i+1) members
                s.member_create(
                    actor=SYSTEM,
                    code=f"M{i}{j}{k}",
                    full_name=f"Nguyễn Văn {i}{j}{k}",
                    unit=cell,
                    since=D2024,
                )
    return province, districts, communes, cells


def reform(province: Unit, districts: list[Unit], communes: list[Unit]) -> list[Unit]:
    s = services
    new = []
    for n in range(3):
        target = s.unit_create(
            actor=SYSTEM,
            code=f"N{n}",
            name=f"Đảng ủy xã mới {n}",
            kind="Đảng ủy xã",
            parent=province,
            valid_from=REFORM,
        )
        s.unit_merge(actor=SYSTEM, sources=communes[2 * n : 2 * n + 2], into=target, on=REFORM)
        new.append(target)
    for district in districts:
        s.unit_dissolve(actor=SYSTEM, unit=district, on=REFORM)
    return new


def test_2025_reform_keeps_both_structures_and_counts() -> None:
    province, districts, communes, _cells = build_2024_province()
    total = sum(2 * (i + 1) for i in range(6))  # 42
    new = reform(province, districts, communes)
    for d in districts + communes:
        d.refresh_from_db()

    before = selectors.subtree_on(province, EVE)
    after = selectors.subtree_on(province, REFORM)
    assert {v.unit.code for v in before if v.depth == 1} == {"D1", "D2"}
    assert {v.unit.code for v in after if v.depth == 1} == {"N0", "N1", "N2"}
    assert len(before) == 1 + 2 + 6 + 12
    assert len(after) == 1 + 3 + 12  # cells moved under the new communes
    # cells now sit at depth 2, straight under the new communes
    assert {v.parent.code for v in after if v.unit.code.startswith("C0-") and v.parent} == {"N0"}

    assert selectors.member_count(province, EVE) == total
    assert selectors.member_count(province, REFORM) == total
    assert selectors.member_count(districts[0], EVE) == 2 + 4 + 6
    assert selectors.member_count(districts[0], REFORM) == 0  # dissolved
    assert selectors.member_count(new[0], REFORM) == 2 + 4
    assert selectors.member_count(communes[0], EVE) == 2

    # a commune's 2024 figures shown under its 2025 successor
    assert selectors.successor_today(communes[0], REFORM) == new[0]
    assert selectors.successor_today(communes[5], REFORM) == new[2]
    assert selectors.successor_today(districts[0], REFORM) is None
    mapping = selectors.successor_map(REFORM)
    figures_2024 = {c.pk: selectors.member_count(c, EVE) for c in communes}
    under_successors: dict[int, int] = {}
    for unit_id, figure in figures_2024.items():
        under_successors[mapping[unit_id]] = under_successors.get(mapping[unit_id], 0) + figure
    assert under_successors == {new[0].pk: 6, new[1].pk: 14, new[2].pk: 22}

    assert UnitLineage.objects.filter(kind=LineageKind.MERGE).count() == 6
    assert UnitLineage.objects.filter(kind=LineageKind.DISSOLVE).count() == 2
    assert {v.unit.code for v in selectors.units_valid_on(EVE)} >= {"D1", "C5"}
    assert "D1" not in {v.unit.code for v in selectors.units_valid_on(REFORM)}


def _name_on(unit: Unit, day: dt.date) -> str:
    version = selectors.version_on(unit, day)
    assert isinstance(version, UnitVersion)
    return version.name


def test_rename_keeps_old_name_for_old_dates() -> None:
    province = services.unit_create(
        actor=SYSTEM, code="P", name="Tỉnh ủy P", kind="Tỉnh ủy", valid_from=D2024
    )
    services.unit_rename(actor=SYSTEM, unit=province, name="Tỉnh ủy P mới", on=REFORM)
    assert _name_on(province, EVE) == "Tỉnh ủy P"
    assert _name_on(province, REFORM) == "Tỉnh ủy P mới"
    assert UnitLineage.objects.filter(kind=LineageKind.RENAME).count() == 1


def test_move_changes_path_of_descendants_from_the_date() -> None:
    p = services.unit_create(actor=SYSTEM, code="P", name="P", kind="Tỉnh ủy")
    a = services.unit_create(
        actor=SYSTEM, code="A", name="A", kind="Xã", parent=p, valid_from=D2024
    )
    b = services.unit_create(
        actor=SYSTEM, code="B", name="B", kind="Xã", parent=p, valid_from=D2024
    )
    cell = services.unit_create(
        actor=SYSTEM, code="A1", name="A1", kind="Chi bộ", parent=a, valid_from=D2024
    )
    services.member_create(actor=SYSTEM, code="M1", full_name="Lê Văn Tám", unit=cell, since=D2024)
    services.unit_move(actor=SYSTEM, unit=cell, new_parent=b, on=REFORM)
    assert selectors.member_count(a, EVE) == 1
    assert selectors.member_count(a, REFORM) == 0
    assert selectors.member_count(b, REFORM) == 1
    cell.refresh_from_db()
    assert cell.path.startswith(b.path)


def test_split_maps_history_to_the_primary_successor() -> None:
    p = services.unit_create(actor=SYSTEM, code="P", name="P", kind="Tỉnh ủy")
    old = services.unit_create(
        actor=SYSTEM, code="OLD", name="Cũ", kind="Xã", parent=p, valid_from=D2024
    )
    services.member_create(actor=SYSTEM, code="M1", full_name="Lê Văn Tám", unit=old, since=D2024)
    x = services.unit_create(
        actor=SYSTEM, code="X", name="X", kind="Xã", parent=p, valid_from=REFORM
    )
    y = services.unit_create(
        actor=SYSTEM, code="Y", name="Y", kind="Xã", parent=p, valid_from=REFORM
    )
    services.unit_split(actor=SYSTEM, source=old, into=[x, y], primary=y, on=REFORM)
    old.refresh_from_db()
    assert selectors.successor_today(old, REFORM) == y
    assert selectors.member_count(y, REFORM) == 1
    assert UnitLineage.objects.filter(kind=LineageKind.SPLIT, from_unit=old).count() == 2


def test_it_refuses_to_dissolve_a_unit_with_children() -> None:
    p = services.unit_create(actor=SYSTEM, code="P", name="P", kind="Tỉnh ủy")
    a = services.unit_create(
        actor=SYSTEM, code="A", name="A", kind="Xã", parent=p, valid_from=D2024
    )
    services.unit_create(
        actor=SYSTEM, code="A1", name="A1", kind="Chi bộ", parent=a, valid_from=D2024
    )
    with pytest.raises(ValidationError, match="trực thuộc"):
        services.unit_dissolve(actor=SYSTEM, unit=a, on=REFORM)


def test_it_refuses_a_cycle_and_duplicate_codes() -> None:
    p = services.unit_create(actor=SYSTEM, code="P", name="P", kind="Tỉnh ủy")
    a = services.unit_create(
        actor=SYSTEM, code="A", name="A", kind="Xã", parent=p, valid_from=D2024
    )
    with pytest.raises(ValidationError):
        services.unit_move(actor=SYSTEM, unit=p, new_parent=a, on=REFORM)
    with pytest.raises(ValidationError, match="đã tồn tại"):
        services.unit_create(actor=SYSTEM, code="A", name="A", kind="Xã")
