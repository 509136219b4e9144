"""The presenters' section of the report: the same figures in the DOCX sentences and
tables, the XLSX, the JSON and the dashboard; no data said in one sentence."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook

from .test_figures import sessions  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "01/07/2025", "date_to": "31/12/2025"}


def _report(tmp_path: Path, fmt: str, unit: str = "TINH", **period: str) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), **(period or PERIOD))
    return out.read_bytes()


def test_docx_says_it_like_the_articles(world: Any, sessions: Any, tmp_path: Any) -> None:  # noqa: F811
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ĐỘI NGŨ BÁO CÁO VIÊN, TUYÊN TRUYỀN VIÊN" in text
    assert (
        "Tính đến ngày 31/12/2025, đội ngũ báo cáo viên của Tỉnh ủy Thử và các đơn vị trực "
        "thuộc có 3 đồng chí (báo cáo viên cấp tỉnh 1, báo cáo viên cơ sở 2); đội ngũ tuyên "
        "truyền viên cơ sở gồm 1 đồng chí." in text
    )
    assert "100,00% báo cáo viên cấp tỉnh" in text
    assert "đã trình bày tại 3 hội nghị cho 14 lượt người nghe; 150 lượt nhân dân" in text
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    by_level = next(
        t for t in tables if t[0][1:] == ["Cấp", "Số người", "Cao cấp, cử nhân LLCT", "Tỷ lệ"]
    )
    assert ["2", "Báo cáo viên cấp tỉnh", "1", "1", "100,00%"] in by_level
    by_unit = next(t for t in tables if "Tuyên truyền viên" in t[0])
    assert ["2", "Đảng ủy xã Hai", "1", "0", "1", "3", "50"] in by_unit
    assert ["3", "Đảng ủy xã Một", "1", "1", "2", "11", "100"] in by_unit


def test_xlsx_and_json_carry_the_same_figures(world: Any, sessions: Any, tmp_path: Any) -> None:  # noqa: F811
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số báo cáo viên"] == 3
    assert summary["Số tuyên truyền viên cơ sở"] == 1
    assert summary["Số hội nghị có báo cáo viên trong danh sách"] == 3
    assert summary["Số lượt người nghe"] == 14
    rows = list(wb["Báo cáo viên theo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert ("XA1", "Đảng ủy xã Một", 1, 1, 2, 3, 8, 100) in rows
    data = json.loads(_report(tmp_path, "json"))["sections"]["presenters"]
    assert (data["presenters"], data["communicators"], data["sessions"]) == (3, 1, 3)
    assert (data["listeners"], data["public_reached"]) == (14, 150)
    assert data["completeness"]["expected"] == 2 and data["completeness"]["reported"] == 2


def test_no_data_is_one_sentence(world: Any, tmp_path: Any) -> None:
    from tuyengiao.orgs.access import SYSTEM
    from tuyengiao.study import services as study
    from tuyengiao.tests import factories

    # a study session makes the report non-empty; the presenters' section has nothing
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập",
        documents=[factories.document()],
        owner=world.province,
        start=dt.date(2025, 7, 1),
        deadline=dt.date(2025, 12, 31),
    )
    study.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code="HN-X",
        host=world.commune,
        date=dt.date(2025, 8, 1),
    )
    got = json.loads(_report(tmp_path, "json"))["sections"]["presenters"]
    assert got["empty"] is True
    assert got["empty_sentence"].startswith("Chưa có báo cáo viên, tuyên truyền viên nào")
    assert got["completeness"] == {
        "expected": 2,
        "reported": 0,
        "complete": False,
        "missing": ["Đảng ủy xã Hai", "Đảng ủy xã Một"],
    }


def test_on_the_dashboard(world: Any, sessions: Any, client_for: Any) -> None:  # noqa: F811
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/07/2025", "den": "31/12/2025"})
        .content.decode()
    )
    assert "Đội ngũ báo cáo viên, tuyên truyền viên" in html
    assert "Số báo cáo viên" in html and "Báo cáo viên cấp tỉnh" in html
