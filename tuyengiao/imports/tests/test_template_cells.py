"""The import template's headers are text cells (issue 10, item 6)."""

from __future__ import annotations

from tuyengiao.imports.framework import registered_sheets
from tuyengiao.imports.services import template_build
from tuyengiao.lib.tests.test_cells import assert_text_cells


def test_template_headers_are_text() -> None:
    headers = {c.header for spec in registered_sheets() for c in spec.columns}
    assert_text_cells(template_build(), headers)
