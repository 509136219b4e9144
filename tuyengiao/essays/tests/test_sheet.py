"""The ``Bài thu hoạch`` sheet (WORKBOOK.md): paper essays graded outside; same
services and permissions as the web, all or nothing, every error with
sheet/row/column/value, a second import changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.essays.models import Essay, Source, State
from tuyengiao.imports.framework import registered_sheets, run_import

from .conftest import record

pytestmark = pytest.mark.django_db

HEADER = "Mã đảng viên,Số hiệu văn bản,Ngày nộp,Xếp loại\n"


def _import(actor: Any, text: str) -> Any:
    return run_import([("Bài thu hoạch.csv", text.encode())], actor=actor, dry_run=False)


def test_columns_are_those_of_the_workbook() -> None:
    spec = next(s for s in registered_sheets() if s.name == "Bài thu hoạch")
    assert [(c.header, c.required) for c in spec.columns] == [
        ("Mã đảng viên", True),
        ("Số hiệu văn bản", True),
        ("Ngày nộp", True),
        ("Xếp loại", False),
    ]


def test_import_then_a_second_import_changes_nothing(ew: Any) -> None:
    text = (
        HEADER
        + "DV1,57-NQ/TW,15/09/2025,Tốt\nDV2,57-nq/tw,16/09/2025,\nDVX1,57-NQ/TW,17/09/2025,chua dat\n"
    )
    result = _import(ew.w.users["province"], text)
    assert result.committed, [e.as_text() for e in result.errors]
    c = result.counts["Bài thu hoạch"]
    assert (c.created, c.updated, c.unchanged) == (3, 0, 0)
    dv1 = Essay.objects.get(member__code="DV1")
    assert (dv1.source, dv1.grade, dv1.state, dv1.submitted_on) == (
        Source.PAPER,
        "tot",
        State.RELEASED,
        dt.date(2025, 9, 15),
    )
    assert dv1.requirement == ew.req and dv1.late is False
    assert Essay.objects.get(member__code="DV2").state == State.NOT_MARKED
    again = _import(ew.w.users["province"], text)
    c = again.counts["Bài thu hoạch"]
    assert (c.created, c.updated, c.unchanged) == (0, 0, 3) and not again.changed
    changed = _import(ew.w.users["province"], text.replace("16/09/2025,", "16/09/2025,Khá"))
    assert changed.counts["Bài thu hoạch"].updated == 1


def test_errors_name_sheet_row_column_and_value_and_nothing_is_written(ew: Any) -> None:
    record(ew.req, ew.w.members[3], "Bài viết trên hệ thống " * 10)  # DV3 wrote online
    text = HEADER + (
        "DV1,57-NQ/TW,15/09/2025,Giỏi\n"
        "DV2,99-NQ/TW,15/09/2025,\n"
        "DV0,57-NQ/TW,15/09/2025,\n"
        "DV0,57-NQ/TW,16/09/2025,\n"
        "KHONGCO,57-NQ/TW,15/09/2025,\n"
        "DV3,57-NQ/TW,15/09/2025,\n"
        "DVX1,57-NQ/TW,15/09/2025,\n"
    )
    result = _import(ew.w.users["commune"], text)
    assert not result.committed
    got = {(e.row, e.column): (e.value, e.message) for e in result.errors}
    assert got[(2, "Xếp loại")][0] == "Giỏi" and "Xuất sắc" in got[(2, "Xếp loại")][1]
    assert "chưa được đăng ký" in got[(3, "Số hiệu văn bản")][1]
    assert "Trùng với dòng 4" in got[(5, "Số hiệu văn bản")][1]
    assert got[(6, "Mã đảng viên")] == ("KHONGCO", "Không tìm thấy đảng viên.")
    assert "trên hệ thống" in got[(7, "Mã đảng viên")][1]
    assert "không có quyền" in got[(8, "Mã đảng viên")][1]  # XA2's member, for XA1's staff
    assert all(e.sheet == "Bài thu hoạch" for e in result.errors)
    assert not Essay.objects.filter(source=Source.PAPER).exists()


def test_a_member_cannot_import(ew: Any) -> None:
    result = _import(ew.w.users["member"], HEADER + "DV0,57-NQ/TW,15/09/2025,Tốt\n")
    assert not result.committed and not Essay.objects.exists()
