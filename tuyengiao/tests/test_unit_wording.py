"""A party cell has no unit under it: the lists of its work name the cell alone, not
"the cell and the units under it"; a commune's name the units under it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = [
    ("media:list", ""),
    ("media:awards", ""),
    ("followup:tasks", ""),
    ("followup:inspections", "?don_vi={code}"),
    ("presenters:roster", ""),
    ("presenters:events", ""),
    ("presenters:courses", ""),
]
# the unit page's parts, by the unit's code
PANELS = ["followup:unit_panel", "media:unit_panel", "presenters:unit_gaps", "surveys:unit_panel"]


@pytest.mark.parametrize(("name", "query"), LISTS)
def test_a_cells_lists_name_no_units_under_it(
    world: Any, client_for: Any, name: str, query: str
) -> None:
    cell = client_for("secretary").get(reverse(name) + query.format(code="CB1"))
    text = cell.content.decode()
    assert cell.status_code == 200 and "Chi bộ bản Một" in text
    assert "trực thuộc" not in text
    commune = client_for("commune").get(reverse(name) + query.format(code="XA1"))
    assert "Đảng ủy xã Một và các đơn vị trực thuộc" in commune.content.decode()


def test_the_home_page_offers_reports_only_to_those_who_can_make_them(
    world: Any, client_for: Any
) -> None:
    offer = "lập báo cáo sơ kết, tổng kết (Word, Excel)"
    member = client_for("member").get(reverse("home")).content.decode()
    assert "Tổng hợp kết quả học tập" in member and offer not in member
    assert offer in client_for("secretary").get(reverse("home")).content.decode()


@pytest.mark.parametrize("name", PANELS)
def test_a_cells_unit_page_parts_name_no_units_under_it(
    world: Any, client_for: Any, name: str
) -> None:
    cell = client_for("secretary").get(reverse(name, args=["CB1"]), HTTP_HX_REQUEST="true")
    assert cell.status_code == 200 and "và các đơn vị trực thuộc" not in cell.content.decode()
    if name == "followup:unit_panel":  # the one part that names the units under
        commune = client_for("commune").get(reverse(name, args=["XA1"]), HTTP_HX_REQUEST="true")
        assert "và các đơn vị trực thuộc" in commune.content.decode()
