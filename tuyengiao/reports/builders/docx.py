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

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tuyengiao.lib.dates import party_date_line

from ..prose import subject
from ..sections import SectionTable, display
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
) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    _run(p, text, bold=bold, size=11)


def _data_table(doc: DocxDocument, headers: list[str], rows: list[list[str]]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(headers))  # python-docx leaves it untyped
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_paragraph(cell, text, bold=True)
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]  # python-docx leaves add_row untyped
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell_paragraph(
                cell, text, align=WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
            )
    # STT narrow, the name wide, the figures share the rest of the text width.
    m = settings.REPORT_MARGINS_MM
    text_width = 210 - m["left"] - m["right"]
    rest = (text_width - 10 - 38) / max(1, len(headers) - 2)
    table.autofit = False
    for i, column in enumerate(table.columns):
        width = Mm(10 if i == 0 else 38 if i == 1 else rest)
        column.width = width  # the grid LibreOffice reads
        for cell in column.cells:
            cell.width = width
    return table


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
    """A section's table with an ``STT`` column in front."""
    _data_table(
        doc,
        ["STT", *table.headers],
        [
            [str(i), *[display(v, k) for v, k in zip(row, table.kinds, strict=True)]]
            for i, row in enumerate(table.rows, start=1)
        ],
    )


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
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
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
    _para(right, party_date_line(timezone.localdate(), f.place), italic=True, size=14)

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
            _body(doc, f"{i}. {table.title}", bold=True)
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
    for line in (upper, "- Các tổ chức đảng trực thuộc,", "- Lưu Văn phòng."):
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
