"""The surveys' section of the report: each select_one question's share of each choice
("có 68,75% số người được hỏi chọn ..."), hidden below k, the same in the DOCX, XLSX,
JSON and dashboard, and equal to an independent count in SQL (run on both databases
by the suite)."""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.surveys.models import Survey

from .test_results import answered  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "01/01/2026", "date_to": "31/12/2026"}


def _report(tmp_path: Path, fmt: str, unit: str, **period: str) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), **(period or PERIOD))
    return out.read_bytes()


def _independent(survey: Survey, path: str) -> tuple[int, dict[str, int]]:
    """Respondents of vai_tro under ``path`` and their count per choice, in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.name, COUNT(*) FROM surveys_answer a "
            "JOIN surveys_response r ON r.id = a.response_id "
            "JOIN surveys_question q ON q.id = a.question_id "
            "JOIN surveys_choice c ON c.id = a.choice_id "
            "JOIN orgs_unit u ON u.id = r.unit_id "
            "WHERE r.survey_id = %s AND q.name = 'vai_tro' AND u.path LIKE %s "
            "GROUP BY c.name",
            [survey.pk, path + "%"],
        )
        counts = dict(cursor.fetchall())
    return sum(counts.values()), counts


def _pct(count: int, total: int) -> float:
    return float((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_json_equals_an_independent_count(world: Any, answered: Survey, tmp_path: Path) -> None:  # noqa: F811
    for unit in (world.province, world.commune, world.sibling_commune):
        data = json.loads(_report(tmp_path, "json", unit.code))["sections"]["surveys"]
        (survey,) = data["surveys"]
        question = next(q for q in survey["questions"] if q["name"] == "vai_tro")
        total, counts = _independent(answered, unit.path)
        assert survey["responses"] == total and question["respondents"] == total
        for choice in question["choices"]:
            assert choice["count"] == counts.get(choice["name"], 0)
            assert choice["percent"] == _pct(counts.get(choice["name"], 0), total)
        assert [q["name"] for q in survey["questions"]] == ["vai_tro"]  # select_one only


def test_a_cell_with_four_respondents_reports_no_figure(
    world: Any,
    answered: Survey,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = json.loads(_report(tmp_path, "json", "CB1"))["sections"]["surveys"]
    (survey,) = data["surveys"]
    assert survey["responses"] is None
    assert all(q["respondents"] is None and q["choices"] == [] for q in survey["questions"])
    text = "\n".join(
        p.text for p in open_docx(io.BytesIO(_report(tmp_path, "docx", "CB1"))).paragraphs
    )
    assert "không công bố số liệu" in text
    assert "%" not in text.split("KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC")[-1]


def test_docx_and_xlsx_say_the_shares(world: Any, answered: Survey, tmp_path: Path) -> None:  # noqa: F811
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx", "TINH")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC" in text
    assert "với 32 phiếu trả lời cho thấy" in text
    assert "có 68,75% số người được hỏi chọn “Tốt”" in text
    assert "21,88% số người được hỏi chọn “Chưa tốt”" in text
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx", "TINH")))
    rows = list(wb["Khảo sát theo câu hỏi"].iter_rows(min_row=2, values_only=True))
    tot = next(r for r in rows if r[2] == "Tốt")
    assert tot[3] == 22
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số phiếu trả lời (các cuộc có số liệu)"] == 32


def test_the_dashboard_shows_the_section(world: Any, answered: Survey, client_for: Any) -> None:  # noqa: F811
    page = client_for("province").get(
        reverse("reports:dashboard"), {"don_vi": "TINH", "tu": "01/01/2026", "den": "31/12/2026"}
    )
    assert page.status_code == 200
    assert "Kết quả điều tra xã hội học" in page.content.decode()


def test_an_open_survey_is_reported_without_figures(
    world: Any,
    answered: Survey,  # noqa: F811
    tmp_path: Path,
) -> None:
    from tuyengiao.orgs.access import SYSTEM
    from tuyengiao.surveys import services

    services.survey_set_open(actor=SYSTEM, survey=answered, is_open=True)
    data = json.loads(_report(tmp_path, "json", "TINH"))["sections"]["surveys"]
    (survey,) = data["surveys"]
    assert survey["published"] is False and survey["responses"] is None
    assert all(q["respondents"] is None for q in survey["questions"])


def test_a_survey_outside_the_period_is_not_reported(
    world: Any,
    answered: Survey,  # noqa: F811
    tmp_path: Path,
) -> None:
    with pytest.raises(CommandError, match="Không có cuộc điều tra xã hội học nào từ ngày"):
        _report(tmp_path, "json", "TINH", date_from="01/01/2025", date_to="31/12/2025")
