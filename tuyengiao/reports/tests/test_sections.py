"""Report sections are plug-ins: a section registered by a test (as an app would from
its ``AppConfig.ready``) appears in the DOCX, the XLSX, the JSON and the dashboard
without any change to the builders, and a period where only it has data still
reports while the study section says in one sentence that it has none."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.reports.sections import (
    INT,
    PERCENT,
    TEXT,
    Completeness,
    ReportQuery,
    ReportSection,
    SectionResult,
    SectionTable,
    register_section,
    registered_sections,
    unregister_section,
)

if TYPE_CHECKING:
    from conftest import ClientFor, World


EMPTY_YEAR = {"frm": "01/01/2020", "to": "31/12/2020"}  # no study session then


class InspectionSection(ReportSection):
    """A toy: inspections held in the subtree, from a dict the test fills."""

    key = "toy_inspections"
    title = "Kết quả kiểm tra, giám sát"
    order = 50
    held: dict[int, int] = {}

    def figures(self, query: ReportQuery) -> SectionResult:
        units = query.subtree.names
        n = sum(v for uid, v in self.held.items() if uid in units)
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=n == 0,
            empty_sentence=f"Chưa có cuộc kiểm tra nào {query.period_label}.",
            paragraphs=[f"{query.unit_name} đã tổ chức {n} cuộc kiểm tra chuyên đề."],
            tables=[
                SectionTable(
                    "Kiểm tra theo đơn vị",
                    ["Đơn vị", "Số cuộc", "Tỷ lệ hoàn thành"],
                    [[units[uid][1], v, 87.5] for uid, v in self.held.items() if uid in units],
                    [TEXT, INT, PERCENT],
                )
            ],
            summary=[("Số cuộc kiểm tra", n)],
            sheets=[
                SectionTable(
                    "Kiểm tra",
                    ["Mã đơn vị", "Số cuộc"],
                    [[units[uid][0], v] for uid, v in self.held.items() if uid in units],
                    [TEXT, INT],
                )
            ],
            data={"inspections": n},
            completeness=Completeness(expected=2, reported=1, missing=["Chi bộ bản Hai"]),
        )


@pytest.fixture
def toy(world: Any) -> Iterator[InspectionSection]:
    section = InspectionSection()
    section.held = {world.commune.pk: 3}
    # Only study and the toy, whatever other apps register: the numbering below is theirs.
    others = [s for s in registered_sections() if s.key != "study"]
    for other in others:
        unregister_section(other.key)
    register_section(section)
    try:
        yield section
    finally:
        unregister_section(section.key)
        for other in others:
            register_section(other)
    assert section.key not in {s.key for s in registered_sections()}


def _report(tmp_path: Path, fmt: str, frm: str, to: str) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit="TINH", date_from=frm, date_to=to, format=fmt, output=str(out))
    return out.read_bytes()


def test_a_registered_section_is_in_the_docx(
    world: World, toy: InspectionSection, tmp_path: Path
) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx", **EMPTY_YEAR)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "I. KẾT QUẢ HỌC TẬP, QUÁN TRIỆT NGHỊ QUYẾT" in text
    assert "Không có hội nghị nào của Tỉnh ủy Thử" in text  # study says it in one sentence
    assert "II. KẾT QUẢ KIỂM TRA, GIÁM SÁT" in text
    assert "Tỉnh ủy Thử đã tổ chức 3 cuộc kiểm tra chuyên đề." in text
    assert "III. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert rows == [
        ["STT", "Đơn vị", "Số cuộc", "Tỷ lệ hoàn thành"],
        ["1", "Đảng ủy xã Một", "3", "87,50%"],
    ]


def test_a_registered_section_is_in_the_xlsx_and_the_json(
    world: World, toy: InspectionSection, tmp_path: Path
) -> None:
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx", **EMPTY_YEAR)))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số cuộc kiểm tra"] == 3
    assert summary["Kết quả kiểm tra, giám sát"] is None  # the section's heading row
    assert (summary["Số đơn vị phải có số liệu"], summary["Số đơn vị đã có số liệu"]) == (2, 1)
    assert list(wb["Kiểm tra"].iter_rows(min_row=2, values_only=True)) == [("XA1", 3)]
    got = json.loads(_report(tmp_path, "json", **EMPTY_YEAR))
    part = got["sections"]["toy_inspections"]
    assert part["inspections"] == 3 and part["empty"] is False
    assert part["completeness"] == {
        "expected": 2,
        "reported": 1,
        "complete": False,
        "missing": ["Chi bộ bản Hai"],
    }
    assert got["sections"]["study"]["empty"] is True
    assert got["sections"]["study"]["empty_sentence"].startswith("Không có hội nghị nào")


def test_a_registered_section_is_on_the_dashboard(
    world: World, toy: InspectionSection, client_for: ClientFor
) -> None:
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/01/2020", "den": "31/12/2020"})
        .content.decode()
    )
    assert "Kết quả kiểm tra, giám sát" in html and "Số cuộc kiểm tra" in html
    assert (
        "<td>Đảng ủy xã Một</td><td>3</td><td>87,50%</td>" in html
    )  # its table, shown the Vietnamese way
    assert "Không có hội nghị nào" in html  # the study section's one sentence
    assert "Không có số liệu nào" not in html  # the report as a whole is not empty
    # The empty section's tables of zeros are folded under its sentence (a phone scrolls
    # past one line, not a table per level); the section with figures shows its own.
    parts = dict(
        re.findall(r'<section class="report-section" id="phan-(\w+)">(.*?)</section>', html, re.S)
    )
    assert '<details class="empty-part">' in parts["study"]
    assert "<table" in parts["study"].split('<details class="empty-part">', 1)[1]
    assert "<table" not in parts["study"].split('<details class="empty-part">', 1)[0]
    assert "<details" not in parts["toy_inspections"] and "<table" in parts["toy_inspections"]


def test_only_when_every_section_is_empty_is_the_report_refused(
    world: World, toy: InspectionSection, tmp_path: Path
) -> None:
    from django.core.management import CommandError

    toy.held = {}
    with pytest.raises(CommandError, match=r"Không có hội nghị nào.*Chưa có cuộc kiểm tra nào"):
        _report(tmp_path, "json", **EMPTY_YEAR)
