"""The ``Tin bài`` and ``Khen thưởng`` sheets: the same services and permissions as
the web, all or nothing, every error with sheet/row/column/value, a second import
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.imports.framework import registered_sheets, run_import
from tuyengiao.media.models import Award, MediaOutput

pytestmark = pytest.mark.django_db

MEDIA_HEADER = (
    "Mã đơn vị,Từ ngày,Đến ngày,Loại,Ngôn ngữ,Số lượng,Thời lượng (phút),Số hiệu văn bản\n"
)
MEDIA = MEDIA_HEADER + (
    'XA1,01/07/2025,30/09/2025,"Tin, bài",,1.234,,57-NQ/TW\n'
    "XA1,01/07/2025,30/09/2025,chuong trinh phat thanh,Mông,30,450,\n"
    "XA1,01/07/2025,30/09/2025,Chương trình phát thanh,,40,600,\n"
    "CB1,01/10/2025,31/12/2025,Bài trên trang thông tin điện tử,,8,,\n"
)
AWARD_HEADER = "Mã,Loại,Tên,Mã đơn vị,Mã đảng viên,Họ và tên,Ngày,Số quyết định\n"
AWARDS = AWARD_HEADER + (
    "KNC-1,Kỷ niệm chương,Kỷ niệm chương Vì sự nghiệp Tuyên giáo,CB1,DV1,,02/09/2025,88-QĐ/TW\n"
    "BK-1,bang khen,Bằng khen,XA1,,,15/09/2025,15-QĐ/TU\n"
    "MH-1,Mô hình,Mô hình dân vận khéo,CB1,,,01/10/2025,\n"
    "KNC-2,Kỷ niệm chương,Kỷ niệm chương,XA1,,Lò Thị Mai,02/09/2025,\n"
)


def _import(actor: Any, name: str, text: str) -> Any:
    return run_import([(f"{name}.csv", text.encode())], actor=actor, dry_run=False)


def test_the_sheets_have_the_workbooks_columns() -> None:
    specs = {s.name: s for s in registered_sheets()}
    media = [(c.header, c.required) for c in specs["Tin bài"].columns]
    assert media == [
        ("Mã đơn vị", True),
        ("Từ ngày", True),
        ("Đến ngày", True),
        ("Loại", True),
        ("Ngôn ngữ", False),
        ("Số lượng", True),
        ("Thời lượng (phút)", False),
        ("Số hiệu văn bản", False),
    ]
    awards = [(c.header, c.required) for c in specs["Khen thưởng"].columns]
    assert awards[:8] == [
        ("Mã", True),
        ("Loại", True),
        ("Tên", True),
        ("Mã đơn vị", True),
        ("Mã đảng viên", False),
        ("Họ và tên", False),
        ("Ngày", True),
        ("Số quyết định", False),
    ]
    assert awards[8:] == [("Số hiệu văn bản", False)]  # the one column beyond WORKBOOK.md


def test_media_import_then_a_second_import_changes_nothing(world: Any) -> None:
    result = _import(world.users["commune"], "Tin bài", MEDIA)
    assert result.committed, [e.as_text() for e in result.errors]
    counts = result.counts["Tin bài"]
    assert (counts.created, counts.updated, counts.unchanged) == (4, 0, 0)
    items = MediaOutput.objects.get(kind__code="tin_bai")
    assert (items.count, items.document_symbol) == (1234, "57-NQ/TW")
    radio = MediaOutput.objects.get(kind__code="phat_thanh", language="Mông")
    assert (radio.count, radio.minutes) == (30, 450)
    again = _import(world.users["commune"], "Tin bài", MEDIA)
    counts = again.counts["Tin bài"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 4)
    changed = _import(world.users["commune"], "Tin bài", MEDIA.replace(",30,450,", ",31,465,"))
    assert changed.counts["Tin bài"].updated == 1
    assert MediaOutput.objects.get(language="Mông").count == 31


def test_media_errors_name_sheet_row_column_value_and_nothing_is_written(world: Any) -> None:
    bad = MEDIA_HEADER + (
        "XA1,01/07/2025,30/09/2025,Báo in,,5,,\n"  # unknown kind
        "XA9,01/07/2025,30/09/2025,Phóng sự,,5,,\n"  # unknown unit
        "XA1,01/10/2025,30/09/2025,Phóng sự,,5,,\n"  # dates out of order
        "XA1,01/07/2025,30/09/2025,Phóng sự,,-5,,\n"  # negative count
        "XA1,01/07/2025,30/09/2025,Chuyên mục,,1,5 phút,\n"  # not an integer
        "XA2,01/07/2025,30/09/2025,Chuyên mục,,1,,\n"  # the sibling commune: out of scope
        'CB1,01/01/2025,31/12/2025,"Tin, bài",Thái,3,,\n'
        'CB1,01/07/2025,30/09/2025,"Tin, bài",thai,2,,\n'  # overlaps the row above
        'CB2,01/07/2025,30/09/2025,"Tin, bài",,2,,\n'  # a good row: not written either
    )
    result = _import(world.users["commune"], "Tin bài", bad)
    assert not result.committed
    found = {(e.sheet, e.row, e.column, e.value) for e in result.errors}
    assert ("Tin bài", 2, "Loại", "Báo in") in found
    assert ("Tin bài", 3, "Mã đơn vị", "XA9") in found
    assert ("Tin bài", 4, "Đến ngày", "30/09/2025") in found
    assert ("Tin bài", 5, "Số lượng", "-5") in found
    assert ("Tin bài", 6, "Thời lượng (phút)", "5 phút") in found
    assert ("Tin bài", 7, "Mã đơn vị", "XA2") in found
    assert any(e.row == 9 and "dòng 8" in e.message for e in result.errors)
    assert all(e.message for e in result.errors)
    assert not MediaOutput.objects.exists()


def test_a_row_overlapping_a_recorded_period_is_refused(world: Any) -> None:
    _import(world.users["commune"], "Tin bài", MEDIA)
    overlap = MEDIA_HEADER + 'XA1,01/09/2025,31/12/2025,"Tin, bài",,5,,57-NQ/TW\n'
    result = _import(world.users["commune"], "Tin bài", overlap)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(2, "Từ ngày")]
    assert "chồng lên kỳ này" in result.errors[0].message


def test_awards_import_then_a_second_import_changes_nothing(world: Any) -> None:
    result = _import(world.users["commune"], "Khen thưởng", AWARDS)
    assert result.committed, [e.as_text() for e in result.errors]
    assert result.counts["Khen thưởng"].created == 4
    medal = Award.objects.get(code="KNC-1")
    assert medal.member == world.members[1] and medal.kind.code == "ky_niem_chuong"
    assert Award.objects.get(code="KNC-2").person_name == "Lò Thị Mai"
    again = _import(world.users["commune"], "Khen thưởng", AWARDS)
    assert again.counts["Khen thưởng"].unchanged == 4 and not again.changed


def test_award_errors_name_sheet_row_column_value(world: Any) -> None:
    bad = AWARD_HEADER + (
        "A1,Huân chương,Huân chương Lao động,XA1,,,02/09/2025,\n"  # unknown kind
        "A2,Kỷ niệm chương,Kỷ niệm chương,XA1,,,02/09/2025,\n"  # a medal for nobody
        "A3,Bằng khen,Bằng khen,XA1,DVX1,,02/09/2025,\n"  # XA2's member
        "A4,Bằng khen,Bằng khen,XA2,,,02/09/2025,\n"  # XA2: out of scope
        "A4,Bằng khen,Bằng khen,XA1,,,02/09/2025,\n"  # the same code twice
        "A5,Giấy khen,Giấy khen,XA1,,,31/02/2025,\n"  # not a date
        "A6,Giấy khen,Giấy khen,CB1,,,02/09/2025,\n"  # a good row: not written either
    )
    result = _import(world.users["commune"], "Khen thưởng", bad)
    assert not result.committed
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (2, "Loại", "Huân chương") in found
    assert (3, "Mã đảng viên", "") in found
    assert (4, "Mã đảng viên", "DVX1") in found
    assert (5, "Mã đơn vị", "XA2") in found
    assert (6, "Mã", "A4") in found
    assert (7, "Ngày", "31/02/2025") in found
    assert not Award.objects.exists()
