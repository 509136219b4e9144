"""The report's tables as a workbook: numbers stored as numbers, shown the
Vietnamese way by the number formats (rates as fractions with a % format).

``Tổng hợp`` holds the unit, the period and every section's summary rows (or its
sentence saying it has no data); then one sheet per table of each section."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tuyengiao.lib import cells

from ..prose import subject
from ..sections import INT as INT_KIND
from ..sections import PERCENT, SectionTable
from ..selectors import Report

INT = "#,##0"
PCT = "0.00%"
_FORMATS = {INT_KIND: INT, PERCENT: PCT}


def _frac(value: Any) -> float | None:
    return None if value is None else float(value) / 100


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], formats: list[str | None]
) -> None:
    ws = wb.create_sheet(title)
    cells.append(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        cells.append(ws, row)
    for col, fmt in enumerate(formats, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 14 if fmt else 40
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
    ws.freeze_panes = "A2"


def _sheet_title(wb: Workbook, title: str) -> str:
    base = title[:31]
    name, n = base, 2
    while name in wb.sheetnames:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _table_sheet(wb: Workbook, table: SectionTable) -> None:
    rows = [
        [_frac(v) if kind == PERCENT else v for v, kind in zip(row, table.kinds, strict=True)]
        for row in table.rows
    ]
    formats = [_FORMATS.get(kind) for kind in table.kinds]
    name = _sheet_title(wb, table.title)
    _sheet(wb, name, table.headers, rows, formats)
    if table.total and rows:  # the total row ("Cộng") in bold, as in the DOCX
        for cell in wb[name][len(rows) + 1]:
            cell.font = Font(bold=True)


def build_xlsx(r: Report) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    summary: list[list[Any]] = [
        ["Đơn vị", r.unit_name],
        ["Kỳ báo cáo", r.period_label],
        ["Nội dung", subject(r)],
    ]
    for result in r.results:
        summary.append([result.title, None])
        if result.empty:
            summary.append([result.empty_sentence, None])
        summary.extend([label, value] for label, value in result.summary)
        if result.completeness is not None:
            summary.append(["Số đơn vị phải có số liệu", result.completeness.expected])
            summary.append(["Số đơn vị đã có số liệu", result.completeness.reported])
    _sheet(wb, "Tổng hợp", ["Chỉ tiêu", "Số liệu"], summary, [None, INT])
    for result in r.results:
        for table in result.sheets:
            _table_sheet(wb, table)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
