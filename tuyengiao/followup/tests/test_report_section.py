"""The report's two follow-through sections: the figures in the DOCX sentences, the
XLSX, the JSON and the dashboard equal a count made here independently from the rows
(plain Python over every task and round, no selector), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.followup.models import Inspection, Kind, Task
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 9, 1), dt.date(2025, 11, 30)
PERIOD = {"date_from": "01/09/2025", "date_to": "30/11/2025"}


def _report(tmp_path: Path, fmt: str, unit: str = "TINH", structure: str = "today") -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), structure=structure, **PERIOD)
    return out.read_bytes()


def _in(unit: Unit, root: Unit) -> bool:
    return unit.path[: len(root.path)] == root.path


def count_tasks(root: Unit) -> dict[str, int]:
    """Independently: tasks of the subtree given by TO and not done before FROM, by
    state on TO."""
    out = {"total": 0, "done_on_time": 0, "done_late": 0, "overdue": 0, "in_time": 0}
    for t in Task.objects.select_related("unit"):
        if not _in(t.unit, root) or t.assigned_on > TO or (t.done_on and t.done_on < FROM):
            continue
        out["total"] += 1
        if t.done_on and t.done_on <= TO:
            late = t.deadline is not None and t.done_on > t.deadline
            out["done_late" if late else "done_on_time"] += 1
        elif t.deadline is not None and t.deadline < TO:
            out["overdue"] += 1
        else:
            out["in_time"] += 1
    return out


def count_rounds(root: Unit, kinds: set[str]) -> tuple[int, int, int]:
    rounds = orgs = members = 0
    covered: set[int] = set()
    for i in Inspection.objects.select_related("unit").prefetch_related("targets"):
        if i.kind not in kinds or not _in(i.unit, root) or not FROM <= i.date_from <= TO:
            continue
        rounds += 1
        for target in i.targets.all():
            covered.add(target.unit_id)
            members += target.members
    orgs = len(covered)
    return rounds, orgs, members


@pytest.mark.parametrize("structure", ["today", "asof"])
@pytest.mark.parametrize("unit", ["TINH", "XA1", "CB1"])
def test_json_equals_an_independent_count(
    world: Any, tasks: Any, rounds: Any, tmp_path: Path, unit: str, structure: str
) -> None:
    root = Unit.objects.get(code=unit)
    data = json.loads(_report(tmp_path, "json", unit, structure))["sections"]
    expected = count_tasks(root)
    got = {k: data["tasks"][k] for k in expected} if "total" in data["tasks"] else {}
    assert got == expected if expected["total"] else data["tasks"]["empty"]
    for kind in Kind.values:
        r, o, m = count_rounds(root, {kind})
        if "kinds" in data["inspections"]:
            part = data["inspections"]["kinds"][kind]
            assert (part["rounds"], part["organisations"], part["members"]) == (r, o, m), kind
        else:
            assert r == 0
    if "supervision_and_review" in data["inspections"]:
        both = data["inspections"]["supervision_and_review"]
        assert (both["rounds"], both["organisations"], both["members"]) == count_rounds(
            root, {Kind.SUPERVISION.value, Kind.REVIEW.value}
        )


def test_the_fixture_figures_are_the_ones_we_expect(
    world: Any, tasks: Any, rounds: Any, tmp_path: Path
) -> None:
    """Pinned by hand, so that the independent count cannot agree with a wrong report
    by being wrong the same way."""
    data = json.loads(_report(tmp_path, "json"))["sections"]
    t = data["tasks"]
    assert (t["total"], t["done_on_time"], t["done_late"], t["in_time"], t["overdue"]) == (
        5,
        1,
        1,
        2,  # NV-3's deadline is the last day: still in time
        1,
    )
    k = data["inspections"]["kinds"]
    assert (k["kiem_tra"]["rounds"], k["kiem_tra"]["organisations"], k["kiem_tra"]["members"]) == (
        2,
        4,
        39,
    )
    both = data["inspections"]["supervision_and_review"]
    assert (both["rounds"], both["organisations"], both["members"]) == (2, 2, 4)  # KS-2 in Dec


def test_docx_says_it_like_the_articles(
    world: Any, tasks: Any, rounds: Any, tmp_path: Path
) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "CÔNG TÁC KIỂM TRA, GIÁM SÁT, KHẢO SÁT" in text.upper()
    assert (
        "đã tiến hành 2 cuộc kiểm tra đối với 4 tổ chức đảng, 39 đảng viên; 2 cuộc khảo sát, "
        "giám sát đối với 2 tổ chức đảng và 4 đảng viên." in text
    )
    assert (
        "được giao 5 nhiệm vụ; tính đến ngày 30/11/2025 đã hoàn thành 2 nhiệm vụ (1 đúng hạn, "
        "1 trễ hạn), 2 nhiệm vụ đang thực hiện trong hạn, 1 nhiệm vụ quá hạn chưa hoàn thành."
        in text
    )
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    by_programme = next(t for t in tables if "Chương trình, kế hoạch" in t[0])
    assert [
        "1",
        "09-KH/TU",
        "Thực hiện Nghị quyết 57-NQ/TW",
        "5",
        "1",
        "1",
        "2",
        "1",
    ] in by_programme
    by_unit = next(t for t in tables if "Đơn vị" in t[0] and "Quá hạn" in t[0])
    assert ["1", "Đảng ủy xã Hai", "1", "0", "0", "0", "1"] in by_unit
    assert ["2", "Đảng ủy xã Một", "4", "1", "1", "2", "0"] in by_unit


def test_xlsx_carries_the_same_figures(world: Any, tasks: Any, rounds: Any, tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số nhiệm vụ"] == 5
    assert summary["Nhiệm vụ quá hạn"] == 1
    assert summary["Số cuộc kiểm tra"] == 2
    assert summary["Tổ chức đảng được kiểm tra"] == 4
    assert summary["Đảng viên được kiểm tra"] == 39
    rows = list(wb["Nhiệm vụ theo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert ("XA1", "Đảng ủy xã Một", 4, 1, 1, 2, 0) in rows


def test_the_dashboard_shows_the_sections(client_for: Any, tasks: Any, rounds: Any) -> None:
    page = client_for("province").get(
        "/bao-cao/", {"tu_ngay": "01/09/2025", "den_ngay": "30/11/2025"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Công tác kiểm tra, giám sát, khảo sát" in html
    assert "Thực hiện chương trình hành động, kế hoạch" in html


def test_a_unit_without_rounds_says_so(world: Any, tasks: Any, rounds: Any, tmp_path: Path) -> None:
    data = json.loads(_report(tmp_path, "json", "CB1"))["sections"]
    assert data["inspections"]["empty"]
    assert "chưa ghi cuộc kiểm tra" in data["inspections"]["empty_sentence"]
