"""The report workbook stores unit names as text, never formulas (issue 10, item 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.lib.tests.test_cells import assert_text_cells
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.access import SYSTEM

from .test_formats import _report

UNIT = '=HYPERLINK("http://x.example","Bấm")'


def test_report_xlsx_keeps_a_formula_unit_name_as_text(
    data: Any, world: Any, tmp_path: Any
) -> None:
    org_services.unit_rename(actor=SYSTEM, unit=world.commune, name=UNIT, on=dt.date(2024, 6, 1))
    assert_text_cells(_report(tmp_path, "xlsx"), {UNIT})
