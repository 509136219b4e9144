"""Exports write text as text: the helper every exporter uses (issue 10, item 6)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from tuyengiao.lib import cells

PAYLOADS = [
    '=HYPERLINK("http://x.example","bam")',
    "=1+1",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "#N/A",
]


def formulas_in(data: bytes) -> list[str]:
    """The ``<f>`` (formula) elements anywhere in an XLSX file's sheets."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [
            name
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in z.read(name)
        ]


def assert_text_cells(data: bytes, expected: set[str]) -> None:
    """No formula in the file, and every value of ``expected`` is a text cell."""
    assert formulas_in(data) == []
    wb = openpyxl.load_workbook(io.BytesIO(data))
    found = {
        c.value: c.data_type
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value in expected
    }
    assert set(found) == expected
    assert set(found.values()) == {"s"}


def test_append_and_put_store_strings_as_text() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    cells.append(ws, [*PAYLOADS, 7, None])
    cells.put(ws, 2, 1, "=2*3")
    assert ws["H1"].data_type == "n" and ws["A1"].quotePrefix and not ws["G1"].quotePrefix
    out = io.BytesIO()
    wb.save(out)
    assert_text_cells(out.getvalue(), {*PAYLOADS, "=2*3"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Chi bộ = 1", "Chi bộ = 1"),
        (5, 5),
        (None, None),
    ],
)
def test_csv_text_neutralises_formula_starts(value: object, expected: object) -> None:
    assert cells.csv_text(value) == expected
