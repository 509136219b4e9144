from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import CommandError, call_command
from docx import Document as open_docx
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from tuyengiao.orgs.access import SYSTEM

if TYPE_CHECKING:
    from conftest import World
    from tuyengiao.reports.tests.conftest import ReportWorld


def _report(
    tmp_path: Path, fmt: str, unit: str = "TINH", frm: str = "01/01/2025", to: str = "31/12/2025"
) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, date_from=frm, date_to=to, format=fmt, output=str(out))
    return out.read_bytes()


def test_docx_has_the_party_layout_and_the_figures(data: ReportWorld, tmp_path: Path) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    header = doc.tables[0].rows[0].cells
    assert "TỈNH ỦY THỬ" in header[0].text and "Số" in header[0].text and "-BC/TU" in header[0].text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1].text
    # the grid LibreOffice and Word read: the date line's column 9 cm, not half the page
    widths = [c.width.mm for c in doc.tables[0].columns if c.width is not None]
    assert [round(w) for w in widths] == [75, 90]
    right_runs = [r for p in header[1].paragraphs for r in p.runs]
    assert right_runs[0].bold and right_runs[0].underline
    assert any(r.italic and "ngày" in r.text.lower() for r in right_runs)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text
    assert "đã tổ chức 2 hội nghị (với 1 điểm cầu) với 9 lượt người tham gia học tập" in text
    assert "120 lượt đoàn viên, hội viên và nhân dân được tuyên truyền" in text
    per_doc = doc.tables[1]
    assert [c.text for c in per_doc.rows[1].cells][2:6] == ["5", "3", "60,00%", "95,00%"]
    per_unit = {r.cells[1].text: [c.text for c in r.cells] for r in doc.tables[2].rows[1:]}
    assert per_unit["Đảng ủy xã Một"][2:5] == ["2", "0", "8"]
    assert "T/M BAN THƯỜNG VỤ" in doc.tables[3].rows[0].cells[1].text
    assert "Nơi nhận:" in doc.tables[3].rows[0].cells[0].text
    section = doc.sections[0]
    assert section.left_margin is not None and section.page_width is not None
    assert round(section.left_margin.mm) == 30 and round(section.page_width.mm) == 210
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_a_cells_report_names_no_units_under_it(data: ReportWorld, tmp_path: Path) -> None:
    """A party cell has no unit under it: its report tells the cell's own work and is
    not sent to units under it."""
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx", unit="CB1")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Chi bộ bản Một" in text and "trực thuộc" not in text
    # its own rate is told once, not again as a unit under it below the target
    assert "đạt tỷ lệ 33,33%" in text and "thấp hơn chỉ tiêu" not in text
    assert "theo đơn vị" not in text  # no table of its one row (its totals again)
    # a cell that held no conference: its members studied at the commune's
    other = "\n".join(
        p.text for p in open_docx(io.BytesIO(_report(tmp_path, "docx", unit="CB2"))).paragraphs
    )
    assert "Chi bộ bản Hai không tự tổ chức hội nghị nào; đảng viên tham gia học tập" in other
    assert "1/1 đảng viên đã tham gia học tập, đạt tỷ lệ 100,00%" in other
    assert "Chi bộ bản Hai chưa tổ chức hội nghị của đợt học tập này." in other
    assert "Không có hội nghị nào" not in other
    foot = doc.tables[-1].rows[0].cells
    assert "T/M CHI BỘ" in foot[1].text and "trực thuộc" not in foot[0].text
    commune = open_docx(io.BytesIO(_report(tmp_path, "docx", unit="XA1")))
    assert "Các tổ chức đảng trực thuộc" in commune.tables[-1].rows[0].cells[0].text
    said = "\n".join(p.text for p in commune.paragraphs)
    assert "Đảng ủy xã Một và các tổ chức đảng trực thuộc đã tổ chức" in said
    assert "Kết quả theo đơn vị trực thuộc" in said


def test_xlsx_stores_numbers_as_numbers(data: ReportWorld, tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số hội nghị"] == 2 and summary["Số lượt người tham gia"] == 9
    row = next(wb["Theo văn bản"].iter_rows(min_row=2, values_only=True))
    assert row[2:6] == (5, 3, 0.6, 0.95)
    assert wb["Theo văn bản"]["E2"].number_format == "0.00%"


def test_json_gives_the_same_figures(data: ReportWorld, tmp_path: Path) -> None:
    got = json.loads(_report(tmp_path, "json"))
    assert (
        got["sections"]["study"]["totals"]["sessions"] == 2
        and got["sections"]["study"]["totals"]["public_reached"] == 120
    )
    assert got["sections"]["study"]["campaigns"][0]["rate_percent"] == 60.0


def test_command_explains_bad_input(data: ReportWorld, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không có hội nghị nào"):
        _report(tmp_path, "json", frm="01/01/2020", to="31/01/2020")
    with pytest.raises(CommandError, match="đứng trước"):
        _report(tmp_path, "json", frm="31/12/2025", to="01/01/2025")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        _report(tmp_path, "json", unit="KHONG")
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        _report(tmp_path, "json", frm="2025-13-45")


def test_place_line_takes_the_units_place_or_its_nearest_ancestors(
    data: ReportWorld, tmp_path: Path, world: World, settings: Settings
) -> None:
    from tuyengiao.orgs import services

    def date_line(unit: str) -> str:
        doc = open_docx(io.BytesIO(_report(tmp_path, "docx", unit=unit)))
        line: str = doc.tables[0].rows[0].cells[1].paragraphs[-1].text
        return line

    settings.REPORT_PLACE = ""
    assert date_line("XA1").startswith("Ngày ")
    services.unit_update(actor=SYSTEM, unit=world.province, place="Lai Châu")
    assert date_line("XA1").startswith("Lai Châu, ngày ")
    services.unit_update(actor=SYSTEM, unit=world.commune, population=None, place="Tam Đường")
    assert date_line("XA1").startswith("Tam Đường, ngày ")
    assert date_line("TINH").startswith("Lai Châu, ngày ")
    report = json.loads(_report(tmp_path, "json", unit="XA1"))
    assert report["unit"]["place"] == "Tam Đường"


def test_the_national_report_reads_tw_and_has_its_place(
    data: ReportWorld, tmp_path: Path, settings: Settings
) -> None:
    """The national root's number reads ``-BC/TW`` and its date line names a place,
    derived from its level (a root over provincial committees) and its recorded
    place; a province under it keeps ``/TU`` and takes the root's place when it has
    none of its own."""
    import datetime as dt

    from tuyengiao.orgs import services

    settings.REPORT_PLACE = ""
    root = services.unit_create(
        actor=SYSTEM, code="TQ", name="Toàn quốc", kind="Toàn quốc", valid_from=dt.date(2020, 1, 1)
    )
    services.unit_move(actor=SYSTEM, unit=data.province, new_parent=root, on=dt.date(2024, 1, 1))

    def header(unit: str) -> tuple[str, str]:
        doc = open_docx(io.BytesIO(_report(tmp_path, "docx", unit=unit)))
        cells = doc.tables[0].rows[0].cells
        return cells[0].text, cells[1].paragraphs[-1].text

    number, date_line = header("TQ")
    assert "-BC/TW" in number and "-BC/ĐU" not in number
    assert date_line.startswith("Hà Nội, ngày ")
    services.unit_update(actor=SYSTEM, unit=root, place="Thủ đô Hà Nội")
    assert header("TQ")[1].startswith("Thủ đô Hà Nội, ngày ")
    number, date_line = header("TINH")
    assert "TOÀN QUỐC" in number and "-BC/TU" in number
    assert date_line.startswith("Thủ đô Hà Nội, ngày ")
    assert json.loads(_report(tmp_path, "json", unit="TQ"))["unit"]["place"] == "Thủ đô Hà Nội"


def test_the_issuer_follows_the_units_level(world: World) -> None:
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import Unit
    from tuyengiao.reports.selectors import is_national, issuer_code

    assert is_national(Unit(kind="Ban Chấp hành Trung ương"))
    assert not is_national(world.province)  # a province deployment's root stays TU
    alone = services.unit_create(actor=SYSTEM, code="XL", name="Đảng ủy xã Lẻ", kind="Đảng ủy xã")
    services.unit_create(actor=SYSTEM, code="CBL", name="Chi bộ Lẻ", kind="Chi bộ", parent=alone)
    assert not is_national(alone)  # a root over cells is not the national root
    assert [issuer_code(k) for k in ("Tỉnh ủy", "Thành ủy", "Chi bộ", "Đảng ủy xã")] == [
        "TU",
        "TU",
        "CB",
        "ĐU",
    ]
    assert issuer_code("Toàn quốc", national=True) == "TW"
