from __future__ import annotations

import datetime as dt

import pytest

from tuyengiao.orgs import selectors, services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

D = dt.date(2024, 1, 1)


@pytest.fixture
def cell(db: None) -> Unit:
    p = services.unit_create(actor=SYSTEM, code="P", name="P", kind="Tỉnh ủy")
    return services.unit_create(
        actor=SYSTEM, code="CB", name="Chi bộ", kind="Chi bộ", parent=p, valid_from=D
    )


def test_full_name_parser_fills_parts_the_user_can_correct(cell: Unit) -> None:
    m = services.member_create(
        actor=SYSTEM, code="1", full_name="  Hoàng Phủ Ngọc Tường ", unit=cell
    )
    assert (m.family_name, m.middle_name, m.given_name) == ("Hoàng", "Phủ Ngọc", "Tường")
    services.member_update(
        actor=SYSTEM, member=m, family_name="Hoàng Phủ", middle_name="Ngọc", given_name="Tường"
    )
    m.refresh_from_db()
    assert m.family_name == "Hoàng Phủ" and m.full_name == "Hoàng Phủ Ngọc Tường"


def test_members_sort_vietnamese_style_in_the_database(cell: Unit) -> None:
    names = [
        "Nguyễn Văn Anh",
        "Trần Thị Ánh",
        "Lê Văn An",
        "Phạm Thị Ân",
        "Đỗ Thị Dung",
        "Nguyễn Thị Đào",
        "Vũ Ðức Ðạt",
        "Lê Thị Ơn",
        "Trần Văn Ông",
        "Hoàng Văn Bình",
        "Bùi Văn An",
        "Nguyễn Hữu Ư",
        "Lý Thị Ưng",
        "Phan Văn Uy",
    ]
    for i, name in enumerate(names):
        services.member_create(actor=SYSTEM, code=f"M{i:02d}", full_name=name, unit=cell, since=D)
    got = [m.full_name for m in selectors.members_of_subtree(cell, dt.date(2025, 1, 1))]
    assert got == [
        "Bùi Văn An",
        "Lê Văn An",
        "Nguyễn Văn Anh",
        "Trần Thị Ánh",
        "Phạm Thị Ân",
        "Hoàng Văn Bình",
        "Đỗ Thị Dung",
        "Nguyễn Thị Đào",
        "Vũ Đức Đạt",
        "Trần Văn Ông",
        "Lê Thị Ơn",
        "Phan Văn Uy",
        "Nguyễn Hữu Ư",
        "Lý Thị Ưng",
    ]


def test_search_without_diacritics_matches_word_starts(cell: Unit) -> None:
    services.member_create(actor=SYSTEM, code="A", full_name="Nguyễn Văn An", unit=cell, since=D)
    services.member_create(actor=SYSTEM, code="B", full_name="Trần Văn Thanh", unit=cell, since=D)
    day = dt.date(2025, 1, 1)
    assert [m.code for m in selectors.members_of_subtree(cell, day, search="nguyen an")] == ["A"]
    assert [m.code for m in selectors.members_of_subtree(cell, day, search="TRẦN")] == ["B"]


def test_transfer_and_exemption_change_counts_from_their_dates(cell: Unit) -> None:
    other = services.unit_create(
        actor=SYSTEM, code="CB2", name="Chi bộ 2", kind="Chi bộ", parent=cell.parent, valid_from=D
    )
    m = services.member_create(actor=SYSTEM, code="X", full_name="Lò Văn Páo", unit=cell, since=D)
    services.member_transfer(actor=SYSTEM, member=m, to_unit=other, on=dt.date(2025, 3, 1))
    assert selectors.member_count(cell, dt.date(2025, 2, 28)) == 1
    assert selectors.member_count(cell, dt.date(2025, 3, 1)) == 0
    assert selectors.member_count(other, dt.date(2025, 3, 1)) == 1
    services.member_set_exempt(actor=SYSTEM, member=m, exempt=True, on=dt.date(2025, 5, 1))
    assert selectors.member_count(other, dt.date(2025, 5, 1), include_exempt=False) == 0
    assert selectors.member_count(other, dt.date(2025, 4, 30), include_exempt=False) == 1
    assert selectors.member_count(other, dt.date(2025, 5, 1)) == 1
