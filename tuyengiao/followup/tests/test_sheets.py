"""The ``Nhiệm vụ`` and ``Kiểm tra giám sát`` sheets: exactly WORKBOOK.md's columns,
all or nothing, every error named by sheet/row/column/value, idempotent."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from tuyengiao.followup.models import Inspection, InspectionTarget, Kind, Programme, Task
from tuyengiao.imports.framework import registered_sheets, run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories

pytestmark = pytest.mark.django_db


def book(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_sheets_have_the_workbooks_columns() -> None:
    spec = {s.name: s for s in registered_sheets()}
    tasks = spec["Nhiệm vụ"].columns
    assert [(c.header, c.required) for c in tasks] == [
        ("Mã nhiệm vụ", True),
        ("Số hiệu chương trình", True),
        ("Nội dung", True),
        ("Mã đơn vị chủ trì", True),
        ("Hạn", False),
        ("Ngày hoàn thành", False),
    ]
    rounds = spec["Kiểm tra giám sát"].columns
    assert [(c.header, c.required) for c in rounds] == [
        ("Mã cuộc", True),
        ("Loại", True),
        ("Mã đơn vị thực hiện", True),
        ("Từ ngày", True),
        ("Đến ngày", False),
        ("Mã đơn vị được kiểm tra", True),
        ("Số đảng viên", False),
        ("Nội dung", False),
        ("Kết luận", False),
    ]


TASK_HEAD = [
    "Mã nhiệm vụ",
    "Số hiệu chương trình",
    "Nội dung",
    "Mã đơn vị chủ trì",
    "Hạn",
    "Ngày hoàn thành",
]
ROUND_HEAD = [
    "Mã cuộc",
    "Loại",
    "Mã đơn vị thực hiện",
    "Từ ngày",
    "Đến ngày",
    "Mã đơn vị được kiểm tra",
    "Số đảng viên",
    "Nội dung",
    "Kết luận",
]


def test_a_plan_and_its_tasks_come_in_with_the_document(world: Any) -> None:
    data = book(
        {
            "Văn bản": [
                ["Số hiệu", "Trích yếu", "Ngày ban hành"],
                ["20-KH/ĐU", "Kế hoạch thực hiện Nghị quyết 57", "01/09/2025"],
            ],
            "Nhiệm vụ": [
                TASK_HEAD,
                ["NV-I1", "20-KH/ĐU", "Quán triệt ở chi bộ", "CB1", "31/10/2025", "20/10/2025"],
                ["NV-I2", "20-kh/đu", "Báo cáo kết quả", "CB2", "30/11/2025", ""],
            ],
        }
    )
    result = run_import([("t.xlsx", data)], actor=world.users["commune"], dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    programme = Programme.objects.get()
    assert programme.unit == world.commune and programme.document.symbol == "20-KH/ĐU"
    assert dict(Task.objects.values_list("code", "done_on")) == {
        "NV-I1": dt.date(2025, 10, 20),
        "NV-I2": None,
    }
    again = run_import([("t.xlsx", data)], actor=world.users["commune"], dry_run=False)
    assert again.ok and not again.changed


def test_task_rows_are_refused_with_sheet_row_column_and_value(world: Any) -> None:
    factories.document("21-KH/TU", "Kế hoạch của tỉnh", day=dt.date(2025, 9, 1))
    data = book(
        {
            "Nhiệm vụ": [
                TASK_HEAD,
                ["NV-E1", "99-KH/TU", "Không có văn bản", "CB1", "", ""],
                ["NV-E2", "21-KH/TU", "Ngoài phạm vi", "CB3", "", ""],
                ["NV-E3", "21-KH/TU", "Hạn sai", "CB1", "01/01/2025", ""],
                ["NV-E4", "21-KH/TU", "Đơn vị lạ", "KHONGCO", "", ""],
            ]
        }
    )
    result = run_import([("t.xlsx", data)], actor=world.users["commune"], dry_run=False)
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (2, "Số hiệu chương trình", "99-KH/TU") in found
    assert (3, "Mã đơn vị chủ trì", "CB3") in found
    assert (4, "Hạn", "01/01/2025") in found
    assert (5, "Mã đơn vị chủ trì", "KHONGCO") in found
    assert all(e.sheet == "Nhiệm vụ" and e.message for e in result.errors)
    assert not Task.objects.exists() and not Programme.objects.exists()


def test_rounds_come_in_one_row_per_organisation(world: Any) -> None:
    data = book(
        {
            "Kiểm tra giám sát": [
                ROUND_HEAD,
                [
                    "KT-I1",
                    "Kiểm tra",
                    "XA1",
                    "01/10/2025",
                    "05/10/2025",
                    "CB1",
                    12,
                    "Học tập NQ57",
                    "Tốt",
                ],
                ["KT-I1", "kiem tra", "XA1", "01/10/2025", "05/10/2025", "CB2", "1.005", "", ""],
                ["GS-I1", "Giám sát", "TINH", "02/10/2025", "", "XA1", "", "", ""],
            ]
        }
    )
    result = run_import([("t.xlsx", data)], actor=world.users["province"], dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    kt = Inspection.objects.get(code="KT-I1")
    assert (kt.kind, kt.subject, kt.findings) == (Kind.INSPECTION, "Học tập NQ57", "Tốt")
    assert dict(kt.targets.values_list("unit__code", "members")) == {"CB1": 12, "CB2": 1005}
    assert InspectionTarget.objects.get(inspection__code="GS-I1").members == 0
    again = run_import([("t.xlsx", data)], actor=world.users["province"], dry_run=False)
    assert again.ok and not again.changed


def test_round_rows_are_refused_with_their_column(world: Any) -> None:
    data = book(
        {
            "Kiểm tra giám sát": [
                ROUND_HEAD,
                ["KT-E1", "Kiểm tra", "XA1", "01/10/2025", "", "CB1", 3, "", ""],
                ["KT-E1", "Giám sát", "XA1", "01/10/2025", "", "CB2", 3, "", ""],
                ["KT-E2", "Kiểm tra", "XA1", "01/10/2025", "", "CB3", 3, "", ""],
                ["KT-E3", "Thanh tra", "XA1", "01/10/2025", "", "CB1", 3, "", ""],
                ["KT-E4", "Kiểm tra", "XA2", "01/10/2025", "", "CB3", 3, "", ""],
            ]
        }
    )
    result = run_import([("t.xlsx", data)], actor=world.users["commune"], dry_run=False)
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (3, "Loại", "giam_sat") in found or (3, "Loại", "Giám sát") in found
    assert (4, "Mã đơn vị được kiểm tra", "CB3") in found
    assert any(e.row == 5 and e.column == "Loại" for e in result.errors)
    assert (6, "Mã đơn vị thực hiện", "XA2") in found
    assert not Inspection.objects.exists()


def test_the_command_line_imports_as_the_system(world: Any) -> None:
    factories.document("22-KH/TU", "Kế hoạch", day=dt.date(2025, 9, 1))
    data = book({"Nhiệm vụ": [TASK_HEAD, ["NV-S1", "22-KH/TU", "Việc", "CB3", "", ""]]})
    result = run_import([("t.xlsx", data)], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    assert Programme.objects.get().unit == world.province  # the top of CB3's tree
