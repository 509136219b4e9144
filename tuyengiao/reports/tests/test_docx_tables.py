"""The report's tables in Word: columns sized to their texts, headings repeated on
every page, rows kept whole, a total row without a number."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

from tuyengiao.reports.builders.docx import (
    _section_table,
    _text_mm,
    column_widths,
    header_widths,
)
from tuyengiao.reports.builders.xlsx import _table_sheet
from tuyengiao.reports.sections import INT, PERCENT, TEXT, SectionTable

TEXT_MM = 165.0  # A4 less the default margins of 30 and 15 mm


def test_every_figure_and_word_fits_and_the_long_text_gets_the_room() -> None:
    headers = ["STT", "Số hiệu", "Chương trình, kế hoạch", "Nhiệm vụ", "Tỷ lệ"]
    title = "Thực hiện Nghị quyết số 68-NQ/TW của Bộ Chính trị về phát triển kinh tế tư nhân"
    rows = [["1", "12-KH/TU", title, "1.832", "96,23%"]]
    widths, size = column_widths(headers, rows, TEXT_MM)
    assert size == 11 and abs(sum(widths) - TEXT_MM) < 0.01
    # the title, the third column, gets the room, not the second
    assert max(widths) == widths[2]
    # no figure, code or word of a heading narrower than its text
    for i, texts in enumerate([["STT"], ["12-KH/TU", "Số"], [], ["1.832", "Nhiệm"], ["96,23%"]]):
        for text in texts:
            assert widths[i] > _text_mm(text, bold=True)


def test_a_short_table_gives_what_is_left_to_its_names() -> None:
    widths, size = column_widths(
        ["STT", "Đơn vị", "Tổng số"], [["1", "Đảng ủy xã Mường Tè", "8"]], TEXT_MM
    )
    assert size == 11 and widths[1] > TEXT_MM - widths[0] - widths[2] - 0.01
    assert widths[1] > widths[2] > widths[0] * 0.9


def test_a_table_of_many_figures_is_set_smaller_and_its_names_still_get_a_column() -> None:
    headers = ["STT", "Đơn vị thực hiện"] + [
        f"{k}: {w}"
        for k in ("Kiểm tra", "Giám sát", "Khảo sát")
        for w in ("số cuộc", "tổ chức đảng", "đảng viên")
    ]
    rows = [[str(n), "Đảng ủy các cơ quan Đảng tỉnh", *["12"] * 9] for n in range(1, 20)]
    widths, size = column_widths(headers, rows, TEXT_MM)
    assert size == 10 and abs(sum(widths) - TEXT_MM) < 0.01
    assert widths[1] == max(widths) and widths[1] > 25  # the name on two or three lines
    assert min(widths[2:]) > _text_mm("Kiểm", bold=True, size=10)


def test_the_heading_repeats_rows_stay_whole_and_the_total_has_no_number() -> None:
    doc = Document()
    _section_table(
        doc,
        SectionTable(
            "Khen thưởng theo loại",
            ["Loại", "Tổng số", "Tỷ lệ"],
            [["Kỷ niệm chương", 8, 100], ["Bằng khen", 2, None], ["Cộng", 10, None]],
            [TEXT, INT, PERCENT],
            total=True,
        ),
    )
    table = doc.tables[0]
    heading, *body = table.rows
    assert heading._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in body)
    assert [row.cells[0].text for row in body] == ["1", "2", ""]
    assert [row.cells[1].text for row in body] == ["Kỷ niệm chương", "Bằng khen", "Cộng"]
    last = body[-1].cells[1].paragraphs[0].runs[0]
    first = body[0].cells[1].paragraphs[0].runs[0]
    assert last.bold and not first.bold


def test_the_total_row_is_bold_in_the_workbook_too() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    _table_sheet(
        wb,
        SectionTable(
            "Khen thưởng theo loại",
            ["Loại", "Tổng số"],
            [["Kỷ niệm chương", 8], ["Cộng", 8]],
            [TEXT, INT],
            total=True,
        ),
    )
    ws = wb["Khen thưởng theo loại"]
    assert [c.value for c in ws[3]] == ["Cộng", 8]
    assert all(c.font.bold for c in ws[3]) and not any(c.font.bold for c in ws[2])


def test_the_place_and_date_line_gets_the_width_it_needs_in_the_header() -> None:
    short = "Lai Châu, ngày 01 tháng 12 năm 2026"
    left, right = header_widths(short, TEXT_MM)
    assert (left, right) == (TEXT_MM - 90, 90)  # the usual 9 cm
    assert right > _text_mm(short, size=14)
    long = "Thành phố Hồ Chí Minh, ngày 01 tháng 12 năm 2026"
    left, right = header_widths(long, TEXT_MM)
    assert right > _text_mm(long, size=14) and left + right == TEXT_MM and left >= 57
