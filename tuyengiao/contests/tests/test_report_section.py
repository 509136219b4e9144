"""The contests' part of the report: participants and results per child unit in the
DOCX, XLSX, JSON and dashboard, equal to a count made here independently from the
rows (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.contests import services
from tuyengiao.contests.models import Attempt, Question
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db
NOW = timezone.now()
YEAR = NOW.year


def _period() -> dict[str, str]:
    return {"date_from": f"01/01/{YEAR}", "date_to": f"31/12/{YEAR}"}


def _report(tmp_path: Path, fmt: str, unit: str = "TINH") -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), **_period())
    return out.read_bytes()


@pytest.fixture
def contest_rows(filled: Any, world: Any) -> Any:
    """A province contest open to everyone: three members (CB1, CB1, XA2's CB3), two
    visitors (XA1, XA2); some attempts right, some wrong, one member twice."""
    from tuyengiao.orgs import services as org_services
    from tuyengiao.orgs.models import Role

    contest = services.contest_create(
        actor=SYSTEM,
        code="THI-TINH",
        title="Tìm hiểu Nghị quyết 57",
        unit=world.province,
        bank=filled.bank,
        audience="cong_khai",
        units=[world.commune, world.sibling_commune],
        questions_per_attempt=5,
    )
    rnd = services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=NOW - dt.timedelta(hours=2),
        closes_at=NOW + dt.timedelta(hours=2),
        attempts_allowed=3,
    )
    keys = dict(Question.objects.values_list("pk", "answer"))

    def take(participant: Any, right: int) -> None:
        attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant)
        for k, (qid, order) in enumerate(attempt.layout):
            choice = keys[qid] if k < right else (keys[qid] + 1) % len(order)
            services.answer_save(actor=SYSTEM, attempt=attempt, question_id=qid, choice=choice)
        services.attempt_submit(actor=SYSTEM, attempt=attempt)

    from django.contrib.auth.models import User

    def member_user(member: Any, name: str) -> Any:
        user = User.objects.create_user(username=name, password="mat-khau-dai-123")
        org_services.assignment_set(actor=SYSTEM, user=user, unit=world.cell, role=Role.MEMBER)
        member.user = user
        member.save(update_fields=["user"])
        return user

    an = services.participant_for_user(actor=world.users["member"], contest=contest)
    take(an, 3)
    take(an, 5)  # the second try is full marks: one person, two attempts
    binh = services.participant_for_user(
        actor=member_user(world.members[1], "binh"), contest=contest
    )
    take(binh, 5)
    xuan_user = User.objects.create_user(username="xuan", password="mat-khau-dai-123")
    world.sibling_members[0].user = xuan_user
    world.sibling_members[0].save(update_fields=["user"])
    xuan = services.participant_for_user(actor=xuan_user, contest=contest)
    take(xuan, 2)
    for name, unit, right in (
        ("Khách Một", world.commune, 5),
        ("Khách Hai", world.sibling_commune, 1),
    ):
        take(
            services.participant_public(
                actor=SYSTEM, contest=contest, full_name=name, unit_code=unit.code
            ),
            right,
        )
    return contest


def _independent(child_code: str) -> tuple[int, int, int, int]:
    """(participants, members, attempts, full marks) of a child of TINH, counted from
    the rows with the tree's paths, not with the app's selectors."""
    child = Unit.objects.get(code=child_code)
    attempts = [
        a
        for a in Attempt.objects.select_related("participant__unit")
        if a.submitted_at is not None and a.participant.unit.path.startswith(child.path)
    ]
    people = {a.participant_id for a in attempts}
    members = {a.participant_id for a in attempts if a.participant.member_id}
    full = {a.participant_id for a in attempts if a.score == a.total}
    return len(people), len(members), len(attempts), len(full)


def test_json_and_xlsx_equal_an_independent_count(contest_rows: Any, tmp_path: Path) -> None:
    data = json.loads(_report(tmp_path, "json"))["sections"]["contests"]
    children = {c["code"]: c for c in data["children"]}
    for code in ("XA1", "XA2"):
        c = children[code]
        assert (c["participants"], c["members"], c["attempts"], c["full_marks"]) == _independent(
            code
        )
    assert _independent("XA1") == (3, 2, 4, 3)
    assert (data["participants"], data["members"], data["attempts"], data["full_marks"]) == (
        5,
        3,
        6,
        3,
    )
    assert data["by_contest"] == [
        {
            "code": "THI-TINH",
            "title": "Tìm hiểu Nghị quyết 57",
            "participants": 5,
            "attempts": 6,
            "full_marks": 3,
        }
    ]
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số người dự thi"] == 5 and summary["Số người đúng tất cả"] == 3
    rows = list(wb["Cuộc thi theo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert ("XA2", "Đảng ủy xã Hai", *_independent("XA2")) in rows


def test_a_commune_s_report_counts_its_own_subtree(contest_rows: Any, tmp_path: Path) -> None:
    data = json.loads(_report(tmp_path, "json", unit="XA1"))["sections"]["contests"]
    assert (data["participants"], data["attempts"]) == _independent("XA1")[::2]


def test_docx_says_it_and_the_dashboard_shows_it(
    contest_rows: Any, tmp_path: Path, client_for: Any
) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "CUỘC THI TÌM HIỂU NGHỊ QUYẾT" in text
    assert (
        "Tỉnh ủy Thử và các đơn vị trực thuộc có 5 lượt người tham gia 1 cuộc thi" in text
        and "trong đó 3 đảng viên; tổng số 6 bài dự thi, 3 người trả lời đúng tất cả" in text
    )
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": f"01/01/{YEAR}", "den": f"31/12/{YEAR}"})
        .content.decode()
    )
    assert "Cuộc thi tìm hiểu nghị quyết" in html and "Số người dự thi" in html


def test_no_attempt_is_one_sentence(filled: Any, tmp_path: Path) -> None:
    from tuyengiao.study import services as study
    from tuyengiao.tests import factories

    world_commune = Unit.objects.get(code="XA1")
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập",
        documents=[factories.document("66-NQ/TW", "Về đổi mới")],
        owner=world_commune,
        start=dt.date(YEAR, 1, 1),
        deadline=dt.date(YEAR, 12, 31),
    )
    study.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-X", host=world_commune, date=dt.date(YEAR, 1, 2)
    )
    got = json.loads(_report(tmp_path, "json"))["sections"]["contests"]
    assert got["empty"] is True
    assert got["empty_sentence"].startswith("Không có bài dự thi nào của Tỉnh ủy Thử")
