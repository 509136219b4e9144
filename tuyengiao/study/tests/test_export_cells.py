"""The attendance export stores titles as text, never formulas (issue 10, item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.lib.tests.test_cells import assert_text_cells
from tuyengiao.study.exports import attendance_workbook

pytestmark = pytest.mark.django_db


def test_attendance_export_keeps_a_formula_title_as_text(study: Any) -> None:
    study.session.title = "=1+1"
    study.session.save(update_fields=["title"])
    assert_text_cells(attendance_workbook(study.session), {"=1+1"})
