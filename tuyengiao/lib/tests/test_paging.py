"""``OpenPage``: a page number typed huge reads an offset the databases hold."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.lib.numbers import MAX_OFFSET
from tuyengiao.lib.paging import OpenPage
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["9" * 30, str(2**63), "-5", "abc", None])
def test_any_page_number_reads_without_error(world: Any, typed: str | None) -> None:
    page = OpenPage(Unit.objects.order_by("pk"), 50, typed)
    assert 1 <= page.number <= MAX_OFFSET // 50
    assert list(page) == ([] if page.number > 1 else list(Unit.objects.order_by("pk")[:50]))
