"""The essays' section of the report (issue 15, item 6): essays handed in on time and
late and their released grades, per document and per child unit, in the DOCX, XLSX,
JSON and dashboard, equal to a count made here independently from the rows."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.essays import services
from tuyengiao.essays.models import Essay, Grade
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.study import services as study_services
from tuyengiao.tests import factories

from .conftest import essay_text

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 7, 1), dt.date(2025, 12, 31)
PERIOD = {"date_from": "01/07/2025", "date_to": "31/12/2025"}
DEADLINE = dt.date(2025, 10, 31)


@pytest.fixture
def essays(world: Any) -> list[Essay]:
    """Essays of eleven more members over the tree: written, paper, graded or not,
    on time and late, inside and outside the period, on two documents."""
    rng = random.Random(15)
    nq57 = factories.document()
    ct35 = factories.document("35-CT/TW", "về đại hội đảng bộ các cấp")
    campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập NQ 57",
        documents=[nq57, ct35],
        owner=world.province,
        start=dt.date(2025, 8, 1),
        deadline=DEADLINE,
    )
    req = services.requirement_save(
        actor=SYSTEM,
        campaign=campaign,
        document=nq57,
        deadline=timezone.make_aware(dt.datetime.combine(DEADLINE, dt.time(23, 59))),
    )
    cells = [world.cell, world.cell2, world.sibling_cell, world.commune]
    members = list(world.members) + list(world.sibling_members)
    for i in range(11):
        members.append(
            org_services.member_create(
                actor=SYSTEM,
                code=f"DVT{i}",
                full_name=f"Nguyễn Văn Thử {i}",
                unit=cells[i % 4],
                since=dt.date(2024, 1, 1),
            )
        )
    made = []
    for i, member in enumerate(members):
        day = dt.date(2025, 8, 20) + dt.timedelta(days=rng.randrange(0, 150))
        if i % 3 == 0:  # paper, on the other document, graded outside
            essay, _ = services.paper_essay_save(
                actor=SYSTEM,
                member=member,
                document=ct35,
                submitted_on=day,
                grade=rng.choice([*Grade.values, ""]),
            )
        else:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            essay = services.essay_record(
                actor=SYSTEM, requirement=req, member=member, text=essay_text(i), submitted_at=at
            )
            if i % 2:
                services.essay_mark(
                    actor=SYSTEM, essay=essay, grade=rng.choice(Grade.values), ready=True
                )
                if i % 4 == 1:
                    services.essays_release(actor=SYSTEM, essays=[Essay.objects.get(pk=essay.pk)])
        made.append(essay)
    # a second essay of one member on the other document, before the period
    services.paper_essay_save(
        actor=SYSTEM,
        member=members[1],
        document=ct35,
        submitted_on=dt.date(2025, 5, 1),
        grade="tot",
    )
    return made


def independent() -> dict[str, Any]:
    """Counted from the rows and the units' paths, without the app's selectors."""
    root = Unit.objects.get(code="TINH")
    children = {u.pk: u for u in Unit.objects.filter(parent=root)}
    total: Counter[str] = Counter()
    per_child: dict[str, Counter[str]] = {}
    per_doc: dict[str, Counter[str]] = {}
    for e in Essay.objects.select_related("unit", "document"):
        if e.submitted_on is None or not FROM <= e.submitted_on <= TO:
            continue
        parts = [int(p) for p in e.unit.path.strip("/").split("/")]
        child = children[parts[1]].code if len(parts) > 1 else root.code
        for c in (
            total,
            per_child.setdefault(child, Counter()),
            per_doc.setdefault(e.document.symbol, Counter()),
        ):
            c["handed_in"] += 1
            c["late" if e.late else "on_time"] += 1
            if e.state == "released" and e.grade:
                c["graded"] += 1
                c[e.grade] += 1
    return {"total": total, "children": per_child, "documents": per_doc}


def _report(tmp_path: Path, fmt: str) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit="TINH", format=fmt, output=str(out), **PERIOD)
    return out.read_bytes()


def _as_counter(d: dict[str, Any]) -> Counter[str]:
    c: Counter[str] = Counter()
    for k in ("handed_in", "on_time", "late", "graded"):
        c[k] = d[k]
    for g, n in d["grades"].items():
        c[g] = n
    return +c


def test_json_equals_the_independent_count(world: Any, essays: Any, tmp_path: Path) -> None:
    want = independent()
    assert want["total"]["handed_in"] >= 10 and want["total"]["late"] and want["total"]["graded"]
    data = json.loads(_report(tmp_path, "json"))["sections"]["essays"]
    assert _as_counter(data) == +want["total"]
    assert {c["code"]: _as_counter(c) for c in data["children"]} == {
        k: +v for k, v in want["children"].items()
    }
    assert {d["symbol"]: _as_counter(d) for d in data["documents"]} == {
        k: +v for k, v in want["documents"].items()
    }


def test_docx_xlsx_and_dashboard_say_the_same(
    world: Any, essays: Any, tmp_path: Path, client_for: Any
) -> None:
    t = independent()["total"]
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        f"đã nộp {t['handed_in']} bài thu hoạch ({t['on_time']} bài đúng hạn, {t['late']} bài "
        "nộp muộn)" in text
    )
    assert f"Đã công bố kết quả {t['graded']} bài" in text
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số bài thu hoạch đã nộp"] == t["handed_in"]
    assert summary["Nộp muộn"] == t["late"]
    assert summary["Xếp loại Tốt"] == t["tot"]
    rows = {r[0]: r for r in wb["Thu hoạch theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    xa1 = independent()["children"]["XA1"]
    assert rows["XA1"][2:5] == (xa1["handed_in"], xa1["on_time"], xa1["late"])
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/07/2025", "den": "31/12/2025"})
        .content.decode()
    )
    assert "Bài thu hoạch sau học tập, quán triệt" in html and "Bài thu hoạch theo đơn vị" in html


def test_no_essay_is_one_sentence(world: Any, tmp_path: Path) -> None:
    campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập",
        documents=[factories.document()],
        owner=world.province,
        start=dt.date(2025, 7, 1),
        deadline=dt.date(2025, 12, 31),
    )
    study_services.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-X", host=world.commune, date=dt.date(2025, 8, 1)
    )
    got = json.loads(_report(tmp_path, "json"))["sections"]["essays"]
    assert got["empty"] is True and got["empty_sentence"].startswith("Không có bài thu hoạch")
