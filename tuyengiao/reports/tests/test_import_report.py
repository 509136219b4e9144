"""End to end: units' sessions and attendance arrive by the workbook import, the
report is generated in each format, reopened, and its figures are checked
against a count made independently from the workbook rows."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document as open_docx

from tuyengiao.imports.framework import run_import
from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests.factories import document

HEADERS = [
    "Mã hội nghị",
    "Mã đơn vị",
    "Số hiệu văn bản",
    "Tên hội nghị",
    "Ngày",
    "Hình thức",
    "Mã hội nghị chính",
    "Số lượt người khác tham dự",
    "Số lượt nhân dân được tuyên truyền",
]
SESSIONS = [
    ["HN-1", "XA1", "57-NQ/TW", "Học tập NQ 57", "15/09/2025", "Kết hợp", "", "12", "1.200"],
    ["HN-1-CB2", "CB2", "57-NQ/TW", "", "15/09/2025", "Trực tuyến", "HN-1", "", "300"],
    ["HN-1-CB3", "CB3", "57-NQ/TW", "", "15/09/2025", "Trực tuyến", "HN-1", "3", "250"],
    ["HN-2", "CB1", "57-NQ/TW", "", "20/10/2025", "Trực tiếp", "", "", "45"],
    ["HN-3", "XA2", "57-NQ/TW", "", "02/11/2025", "Trực tiếp", "", "7", "2.033"],
]
ATTENDANCE = [
    ["HN-1", "DV0", "Có mặt"],
    ["HN-1", "DV1", "Vắng có lý do"],
    ["HN-1", "DV2", "Vắng không lý do"],
    ["HN-1-CB2", "DV3", "Có mặt"],
    ["HN-1-CB3", "DVX1", "Có mặt"],
    ["HN-2", "DV1", "Có mặt"],
    ["HN-2", "DV0", "Có mặt"],
    ["HN-3", "DVX1", "Có mặt"],
]


def _book() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Hội nghị"
    ws.append(HEADERS)
    for r in SESSIONS:
        ws.append(r)
    ws2 = wb.create_sheet("Điểm danh")
    ws2.append(["Mã hội nghị", "Mã đảng viên", "Trạng thái"])
    for r in ATTENDANCE:
        ws2.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _independent_count(exempt: set[str], members: set[str]) -> dict[str, Any]:
    """From the workbook rows alone (no database)."""
    mains = [r for r in SESSIONS if not r[6]]
    present = [r for r in ATTENDANCE if r[2] == "Có mặt"]
    attended = {r[1] for r in present} & (members - exempt)
    required = len(members - exempt)
    rate = (Decimal(len(attended)) * 100 / required).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "sessions": len(mains),
        "bridge_points": len(SESSIONS) - len(mains),
        "person_times": len(present) + sum(int(r[7] or 0) for r in SESSIONS),
        "public": sum(int(str(r[8]).replace(".", "") or 0) for r in SESSIONS),
        "distinct": len(attended),  # required members present at least once
        "required": required,
        "attended": len(attended),
        "rate": rate,
    }


@pytest.fixture
def imported(world: Any) -> Any:
    document()
    org_services.member_set_exempt(
        actor=SYSTEM, member=world.members[2], exempt=True, on=dt.date(2025, 1, 1)
    )
    result = run_import([("so-lieu.xlsx", _book())], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    world.expected = _independent_count(
        {"DV2"}, {m.code for m in [*world.members, *world.sibling_members]}
    )
    return world


def _run(tmp_path: Path, fmt: str) -> bytes:
    out = tmp_path / f"bc.{fmt}"
    call_command(
        "report",
        unit="TINH",
        date_from="01/01/2025",
        date_to="31/12/2025",
        format=fmt,
        output=str(out),
        structure="asof",
    )
    return out.read_bytes()


def test_docx_figures_equal_an_independent_count(imported: Any, tmp_path: Any) -> None:
    e = imported.expected
    doc = open_docx(io.BytesIO(_run(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        f"đã tổ chức {format_int(e['sessions'])} hội nghị (với {e['bridge_points']} điểm cầu) "
        f"với {format_int(e['person_times'])} lượt người tham gia học tập, quán triệt; "
        f"{format_int(e['public'])} lượt đoàn viên, hội viên và nhân dân được tuyên truyền"
    ) in text
    assert f"Có {e['distinct']} đảng viên thuộc diện học tập đã tham gia" in text
    row = [c.text for c in doc.tables[1].rows[1].cells]
    assert row[2:5] == [
        format_int(e["required"]),
        format_int(e["attended"]),
        format_percent(e["rate"]),
    ]


def test_xlsx_and_json_figures_equal_an_independent_count(imported: Any, tmp_path: Any) -> None:
    e = imported.expected
    wb = openpyxl.load_workbook(io.BytesIO(_run(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số hội nghị"] == e["sessions"]
    assert summary["Số điểm cầu"] == e["bridge_points"]
    assert summary["Số lượt người tham gia"] == e["person_times"]
    assert summary["Số lượt nhân dân được tuyên truyền"] == e["public"]
    row = next(wb["Theo văn bản"].iter_rows(min_row=2, values_only=True))
    assert row[2:5] == (e["required"], e["attended"], pytest.approx(float(e["rate"]) / 100))
    units = {r[0]: r for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["XA2"][2:6] == (1, 1, 1 + 3 + 1 + 7, 250 + 2033)
    got = json.loads(_run(tmp_path, "json"))
    assert got["sections"]["study"]["totals"]["person_times"] == e["person_times"]
    assert got["sections"]["study"]["campaigns"][0]["attended"] == e["attended"]
