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
