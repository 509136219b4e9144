"""A large generated workbook for the failure tests (valid, all new codes)."""

from __future__ import annotations

import io

import openpyxl

from tuyengiao.imports.tests.test_workbook_import import MEMBER_HEADERS, UNIT_HEADERS

GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Giàng", "Vi"]


def big_workbook(cells: int, members_per_cell: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    units = wb.create_sheet("Đơn vị")
    units.append(UNIT_HEADERS)
    units.append(["BT", "Tỉnh ủy Bền Thử", "", "Tỉnh ủy", ""])
    units.append(["BX", "Đảng ủy xã Bền", "BT", "Đảng ủy xã", "01/07/2025"])
    for c in range(cells):
        units.append([f"BC{c}", f"Chi bộ thôn {c}", "BX", "Chi bộ", "01/07/2025"])
    members = wb.create_sheet("Đảng viên")
    members.append(MEMBER_HEADERS)
    n = 0
    for c in range(cells):
        for _ in range(members_per_cell):
            name = f"{FAMILY[n % 8]} Văn {GIVEN[n % 10]}"
            members.append([f"BDV{n}", name, "Nam", "01/01/1980", f"BC{c}", "", "", ""])
            n += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
