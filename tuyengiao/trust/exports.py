"""The member list of a unit as an XLSX file (personal data: permission + log)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from openpyxl.styles import Font

from tuyengiao.lib import cells
from tuyengiao.lib.dates import format_date

from . import selectors

HEADERS = [
    "Mã đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Ngày vào Đảng",
    "Mã đơn vị",
    "Đơn vị sinh hoạt",
    "Miễn sinh hoạt",
]


def member_list_xlsx(unit: Any, day: dt.date) -> tuple[bytes, int]:
    rows = selectors.member_export_rows(unit, day)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101  narrows the type for mypy; true by construction
    ws.title = "Đảng viên"
    cells.append(ws, [f"Danh sách đảng viên {unit.name} ngày {format_date(day)}"])
    ws["A1"].font = Font(bold=True)
    cells.append(ws, HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        cells.append(ws, row)
        for cell in ws[ws.max_row][3:5]:
            if cell.value is not None:
                cell.number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGH", [14, 28, 9, 12, 14, 12, 30, 14], strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), len(rows)
