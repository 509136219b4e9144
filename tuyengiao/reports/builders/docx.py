"""The report as a Word document in the Party report layout
(``../shared/domain/VIETNAMESE.md``, "The Party report layout").

Header: a borderless two-column table, left the parent organisation (caps), the
issuing committee (caps, bold), ``*`` and ``Số   -BC/..`` (the number is left
for the office to fill), right ``ĐẢNG CỘNG SẢN VIỆT NAM`` (bold, underlined) and
the italic place-and-date line. Then ``BÁO CÁO`` (bold 16 pt), the subject (bold)
and a short rule; the body in Times New Roman 14 pt, justified, first-line
indent; tables; ``Nơi nhận:`` on the left and the signature block on the right.
A4, margins from ``settings.REPORT_MARGINS_MM``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from tuyengiao.lib.dates import party_date_line

from ..prose import subject
from ..sections import TEXT, SectionTable, display
from ..selectors import Report

FONT = "Times New Roman"


def _run(
    p: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = 14,
) -> None:
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    # the East Asian font too, or Word falls back to another one for Vietnamese marks
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _para(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    align: WD_PARAGRAPH_ALIGNMENT = WD_ALIGN_PARAGRAPH.CENTER,
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
) -> Paragraph:
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _cell_paragraph(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    align: WD_PARAGRAPH_ALIGNMENT = WD_ALIGN_PARAGRAPH.CENTER,
    size: int = 11,
) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    _run(p, text, bold=bold, size=size)


def _data_table(
    doc: DocxDocument,
    headers: list[str],
    rows: list[list[str]],
    *,
    left: Sequence[int] = (1,),
    total: bool = False,
) -> Table:
    """A table of the report: a bold heading row repeated on every page, rows never
    cut across two pages, columns ``left`` aligned left (names and titles), the
    others centred; ``total``: the last row is the total, in bold."""
    m = settings.REPORT_MARGINS_MM
    widths, size = column_widths(headers, rows, 210 - m["left"] - m["right"])
    table: Table = doc.add_table(rows=1, cols=len(headers))  # python-docx leaves it untyped
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_paragraph(cell, text, bold=True, size=size)
    _row_property(table.rows[0], "w:tblHeader")  # repeated at the top of every page
    for n, row in enumerate(rows, start=1):
        added = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves add_row untyped
        _row_property(added, "w:cantSplit")  # a row is not cut across two pages
        for i, (cell, text) in enumerate(zip(added.cells, row, strict=True)):
            _cell_paragraph(
                cell,
                text,
                bold=total and n == len(rows),
                align=WD_ALIGN_PARAGRAPH.LEFT if i in left else WD_ALIGN_PARAGRAPH.CENTER,
                size=size,
            )
    table.autofit = False
    for column, mm in zip(table.columns, widths, strict=True):
        width = Mm(mm)
        column.width = width  # the grid LibreOffice reads
        for cell in column.cells:
            cell.width = width
    return table


def _row_property(row: _Row, name: str) -> None:
    """Switch on a table row's property (``w:tblHeader``, ``w:cantSplit``)."""
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


# Times New Roman at 11 pt, in mm: a digit 1,94 (half an em), a small letter about
# 1,85, a capital 2,64, "%" 3,2, a space or a comma 0,97; bold about 12 % wider. A
# cell's two margins (Table Grid: 1,9 mm each) and a little air: 5 mm. Checked by
# laying out the demo's reports in LibreOffice: no word or figure breaks.
_CELL_PADDING_MM = 5.0
_SMALL_SIZE = 10  # the points of a table too wide for its texts at 11
_CRAMPED = 0.5  # at 11 points a column gets less than this share of its one line


def _text_mm(text: str, *, bold: bool = False, size: int = 11) -> float:
    wide = sum(
        1.94
        if "0" <= c <= "9"
        else 2.64
        if c.isupper()
        else 3.2
        if c == "%"
        else 0.97
        if c in " ,.;:'()"
        else 2.8
        if c in "mw"
        else 1.85
        for c in text
    )
    return wide * (1.12 if bold else 1.0) * size / 11


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], text_mm: float, size: int = 11
) -> tuple[list[float], int]:
    """The widths (mm) of a table's columns filling ``text_mm``, and the size of its
    text (points), much as a browser lays out a table: each column at least as wide as
    its longest word (so "1.832", "96,23%" or "57-NQ/TW" never break); then the room
    left goes first to the cells' texts (a unit's name, a campaign's title) in
    proportion to what each lacks of one line, then to the headings (two lines each);
    what is still left widens the column of the longest text. A table whose words do
    not fit at 11 points, or where a column's texts would get less than half their
    line, is set at 10."""

    def widest(texts: list[float]) -> float:
        return min(max(texts, default=0.0) + _CELL_PADDING_MM, text_mm)

    def words(text: str, bold: bool = False) -> list[float]:
        return [_text_mm(w, bold=bold, size=size) for w in text.split()]

    lo, mid, hi = [], [], []  # the words; the cells on one line; the heading on two
    for i, head in enumerate(headers):
        cells = [row[i] for row in rows]
        lo.append(widest(words(head, True) + [m for c in cells for m in words(c)]))
        mid.append(max(lo[-1], widest([_text_mm(c, size=size) for c in cells])))
        hi.append(max(mid[-1], widest([_text_mm(head, bold=True, size=size) / 2])))

    def grow(base: list[float], goal: list[float]) -> list[float]:
        lacking = [g - b for b, g in zip(base, goal, strict=True)]
        room = text_mm - sum(base)
        return [b + room * gap / sum(lacking) for b, gap in zip(base, lacking, strict=True)]

    if sum(hi) <= text_mm:
        widths = list(hi)
        widths[max(range(len(mid)), key=lambda i: mid[i])] += text_mm - sum(hi)
        return widths, size
    if sum(mid) <= text_mm:
        return grow(mid, hi), size
    if sum(lo) <= text_mm:
        widths = grow(lo, mid)
        cramped = any(w < m * _CRAMPED for w, m in zip(widths, mid, strict=True))
        if not cramped or size == _SMALL_SIZE:
            return widths, size
    if size > _SMALL_SIZE:
        return column_widths(headers, rows, text_mm, _SMALL_SIZE)
    return [low * text_mm / sum(lo) for low in lo], size  # words must break


def _body(doc: DocxDocument, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(1.27)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    _run(p, text, bold=bold, italic=italic)
    return p


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _section_table(doc: DocxDocument, table: SectionTable) -> None:
    """A section's table with an ``STT`` column in front (a total row has no number);
    its text columns of longer texts aligned left."""
    rows = [[display(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows]
    left = [
        i + 1
        for i, kind in enumerate(table.kinds)
        if kind == TEXT and any(len(row[i]) > _SHORT_TEXT for row in rows)
    ]
    numbered = len(rows) - 1 if table.total else len(rows)
    _data_table(
        doc,
        ["STT", *table.headers],
        [[str(n) if n <= numbered else "", *row] for n, row in enumerate(rows, start=1)],
        left=left or [1],
        total=table.total,
    )


_SHORT_TEXT = 12  # a text column of codes, dates or languages stays centred


_HEADER_RIGHT_MM = (90.0, 108.0)  # "ĐẢNG CỘNG SẢN VIỆT NAM" and the date line: at least, at most


def header_widths(date_line: str, text_mm: float) -> tuple[float, float]:
    """The widths (mm) of the header's two columns: the right one as wide as the
    place-and-date line needs on one line at 14 points ("Thành phố Hồ Chí Minh, ngày
    01 tháng 12 năm 2026"), within ``_HEADER_RIGHT_MM``; the issuing committee's
    column the rest."""
    need = _text_mm(date_line, size=14) + _CELL_PADDING_MM
    right = min(max(need, _HEADER_RIGHT_MM[0]), _HEADER_RIGHT_MM[1])
    return text_mm - right, right


def build_docx(f: Report, *, signer: str = "") -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    m = settings.REPORT_MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)

    # --- header
    date_line = party_date_line(timezone.localdate(), f.place)
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    head.autofit = False
    left, right = head.rows[0].cells
    for column, mm in zip(
        head.columns, header_widths(date_line, 210 - m["left"] - m["right"]), strict=True
    ):
        column.width = Mm(mm)  # the grid LibreOffice reads
        column.cells[0].width = Mm(mm)
    lp = left.paragraphs[0]
    lp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if f.parent_name:
        _run(lp, f.parent_name.upper(), size=13)
        lp = _para(left)
    _run(lp, f.unit_name.upper(), bold=True, size=13)
    _para(left, "*", size=13)
    _para(left, f"Số      -BC/{f.issuer}", size=13)
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(rp, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    _para(right, "")
    _para(right, date_line, italic=True, size=14)

    # --- title
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=16)
    _para(doc, subject(f), bold=True, size=14)
    _para(doc, "-----", size=14)
    _para(doc, "")

    # --- body: one part per registered section, then the committee's assessment
    results = f.results
    for number, result in zip(_ROMAN, results, strict=False):
        _body(doc, f"{number}. {result.title.upper()}", bold=True)
        if result.empty:
            _body(doc, result.empty_sentence)
            continue
        for text in result.paragraphs:
            _body(doc, text)
        for i, table in enumerate(result.tables, start=1):
            title = _body(doc, f"{i}. {table.title}", bold=True)
            title.paragraph_format.keep_with_next = True  # not left alone at a page's foot
            _section_table(doc, table)
            _para(doc, "")
    last = _ROMAN[len(results)] if len(results) < len(_ROMAN) else str(len(results) + 1)
    _body(doc, f"{last}. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG", bold=True)
    _body(
        doc,
        "(Cấp ủy bổ sung nhận xét ưu điểm, hạn chế, nguyên nhân và phương hướng, nhiệm vụ "
        "thời gian tới.)",
        italic=True,
    )

    # --- recipients and signature
    _para(doc, "")
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    lp = left.paragraphs[0]
    lp.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(lp, "Nơi nhận:", bold=True, italic=True, size=12)
    upper = f"- {f.parent_name}," if f.parent_name else "- Cấp ủy cấp trên,"
    below = ["- Các tổ chức đảng trực thuộc,"] if f.query.subtree.has_units_below else []
    for line in (upper, *below, "- Lưu Văn phòng."):
        _para(left, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    is_cell = f.issuer == "CB"
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(rp, "T/M CHI BỘ" if is_cell else "T/M BAN THƯỜNG VỤ", bold=True, size=14)
    _para(right, "BÍ THƯ", bold=True, size=14)
    for _ in range(3):
        _para(right, "")
    _para(right, signer, bold=True, size=14)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
