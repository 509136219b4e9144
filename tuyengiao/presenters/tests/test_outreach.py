"""Dissemination events, training courses, materials and the languages of units:
the services (with their actor and permissions), the figures against an independent
count, and the report's sentences in every format."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.presenters import selectors, services
from tuyengiao.presenters.models import (
    Course,
    DisseminationEvent,
    DisseminationForm,
    Learner,
    MaterialView,
)

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 7, 1), dt.date(2025, 12, 31)


def _form(code: str) -> DisseminationForm:
    return DisseminationForm.objects.get(code=code)


def event(actor: Any = None, **kwargs: Any) -> DisseminationEvent:
    values: dict[str, Any] = {"date": dt.date(2025, 8, 1), "listeners": 10}
    values.update(kwargs)
    if isinstance(values.get("form"), str):
        values["form"] = _form(values["form"])
    got, _ = services.event_save(actor=actor or SYSTEM, data=services.EventData(**values))
    return got


@pytest.fixture
def outreach(world: Any, roster: dict[str, Any]) -> dict[str, Any]:
    """Events and courses around the world's tree, some outside the period."""
    from tuyengiao.tests import factories

    factories.document("57-NQ/TW")
    made: dict[str, Any] = {}
    made["e1"] = event(
        code="TT-1", unit=world.cell, listeners=120, form="long_ghep", presenters=(roster["an"],)
    )
    made["e2"] = event(
        code="TT-2",
        unit=world.commune,
        date=dt.date(2025, 9, 2),
        listeners=80,
        form="luu_dong",
        language="tiếng Mông",
        presenters=(roster["an"], roster["binh"]),
        document_symbol="57-NQ/TW",
    )
    made["e3"] = event(
        code="TT-3",
        unit=world.sibling_cell,
        date=dt.date(2025, 10, 3),
        listeners=45,
        presenters=(roster["sibling"], roster["tinh"]),
    )
    made["e4"] = event(code="TT-4", unit=world.cell, date=dt.date(2026, 1, 5), listeners=999)
    made["e5"] = event(code="TT-5", unit=world.province, date=dt.date(2025, 11, 5), listeners=300)
    c1, _ = services.course_save(
        actor=SYSTEM,
        data=services.CourseData(
            code="LOP-1",
            title="Tập huấn báo cáo viên cơ sở",
            unit=world.commune,
            date_from=dt.date(2025, 8, 10),
            date_to=dt.date(2025, 8, 12),
            extra_participants=30,
        ),
    )
    c2, _ = services.course_save(
        actor=SYSTEM,
        data=services.CourseData(
            code="LOP-2",
            title="Bồi dưỡng kỹ năng tuyên truyền",
            unit=world.province,
            date_from=dt.date(2025, 9, 1),
            extra_participants=100,
        ),
    )
    services.course_save(
        actor=SYSTEM,
        data=services.CourseData(
            code="LOP-3",
            title="Lớp năm sau",
            unit=world.province,
            date_from=dt.date(2026, 2, 1),
            extra_participants=7,
        ),
    )
    services.learner_set(actor=SYSTEM, course=c1, presenter=roster["an"], result="gioi")
    services.learner_set(actor=SYSTEM, course=c1, presenter=roster["binh"], result="kha")
    services.learner_set(actor=SYSTEM, course=c1, member=world.members[2], result="dat")
    services.learner_set(actor=SYSTEM, course=c2, presenter=roster["an"], result="hoan_thanh")
    services.learner_set(actor=SYSTEM, course=c2, presenter=roster["sibling"])
    made.update(c1=c1, c2=c2)
    return made


# --- services -----------------------------------------------------------------------------


def test_event_save_creates_updates_and_changes_nothing_twice(world: Any, roster: Any) -> None:
    data = services.EventData(code="TT-X", unit=world.cell, date=dt.date(2025, 8, 1), listeners=50)
    got, outcome = services.event_save(actor=world.users["secretary"], data=data)
    assert outcome == "created" and got.language == "" and got.language_label == "Tiếng Việt"
    assert services.event_save(actor=world.users["secretary"], data=data)[1] == "unchanged"
    more = services.EventData(
        code="TT-X",
        unit=world.cell,
        date=dt.date(2025, 8, 1),
        listeners=60,
        presenters=(roster["binh"],),
        language="mông",
    )
    got, outcome = services.event_save(actor=world.users["commune"], data=more)
    assert outcome == "updated"
    got.refresh_from_db()
    assert (got.listeners, got.language) == (60, "Mông")
    assert list(got.presenters.values_list("code", flat=True)) == ["TTV-X1"]


@pytest.mark.parametrize(
    "persona, allowed", [("province", True), ("commune", True), ("secretary", False)]
)
def test_who_may_record_an_event_at_the_commune(world: Any, persona: str, allowed: bool) -> None:
    data = services.EventData(
        code="TT-Y", unit=world.commune, date=dt.date(2025, 8, 1), listeners=5
    )
    if allowed:
        assert services.event_save(actor=world.users[persona], data=data)[1] == "created"
    else:
        with pytest.raises(PermissionDenied):
            services.event_save(actor=world.users[persona], data=data)


def test_event_refusals(world: Any, roster: Any) -> None:
    base: dict[str, Any] = {"code": "TT-Z", "date": dt.date(2025, 8, 1), "listeners": 5}
    with pytest.raises(PermissionDenied):
        services.event_save(actor=None, data=services.EventData(unit=world.cell, **base))
    with pytest.raises(PermissionDenied):  # a member reads only
        services.event_save(
            actor=world.users["member"], data=services.EventData(unit=world.cell, **base)
        )
    with pytest.raises(PermissionDenied):  # XA2 is not the commune's
        services.event_save(
            actor=world.users["commune"], data=services.EventData(unit=world.sibling_cell, **base)
        )
    with pytest.raises(PermissionDenied):  # XA2's presenter is out of the commune's sight
        services.event_save(
            actor=world.users["commune"],
            data=services.EventData(unit=world.cell, presenters=(roster["sibling"],), **base),
        )
    with pytest.raises(ValidationError, match="chưa được đăng ký"):
        services.event_save(
            actor=SYSTEM,
            data=services.EventData(unit=world.cell, document_symbol="99-NQ/TW", **base),
        )
    with pytest.raises(ValidationError, match="không âm"):
        services.event_save(
            actor=SYSTEM, data=services.EventData(unit=world.cell, **{**base, "listeners": -1})
        )
    with pytest.raises(ValidationError, match="quá lớn"):  # the column holds 2.147.483.647
        services.event_save(
            actor=SYSTEM, data=services.EventData(unit=world.cell, **{**base, "listeners": 10**20})
        )
    assert not DisseminationEvent.objects.exists()


def test_courses_are_kept_by_staff_and_learners_listed_once(world: Any, roster: Any) -> None:
    data = services.CourseData(
        code="LOP-A", title="Tập huấn", unit=world.commune, date_from=dt.date(2025, 8, 1)
    )
    with pytest.raises(PermissionDenied):
        services.course_save(actor=world.users["secretary"], data=data)
    with pytest.raises(PermissionDenied):
        services.course_save(actor=world.users["outsider"], data=data)
    course, outcome = services.course_save(actor=world.users["commune"], data=data)
    assert outcome == "created"
    assert services.learner_set(actor=SYSTEM, course=course, presenter=roster["an"])[1] == "created"
    again = services.learner_set(actor=SYSTEM, course=course, presenter=roster["an"], result="kha")
    assert again[1] == "updated"
    assert Learner.objects.filter(course=course).count() == 1
    with pytest.raises(ValidationError):
        services.learner_set(actor=SYSTEM, course=course)
    with pytest.raises(PermissionDenied):  # a member of XA2 is out of the commune's scope
        services.learner_set(
            actor=world.users["commune"], course=course, member=world.sibling_members[0]
        )
    bad = services.CourseData(
        code="LOP-B",
        title="Ngược ngày",
        unit=world.commune,
        date_from=dt.date(2025, 8, 2),
        date_to=dt.date(2025, 8, 1),
    )
    with pytest.raises(ValidationError):
        services.course_save(actor=SYSTEM, data=bad)


def test_material_file_is_bounded_and_opens_are_counted_per_unit(
    world: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1000
    data = services.MaterialData(
        code="TL-1",
        title="Đề cương",
        kind="de_cuong",
        unit=world.province,
        date=dt.date(2025, 8, 1),
    )
    with pytest.raises(ValidationError, match="giới hạn"):
        services.material_save(actor=SYSTEM, data=data, file=("de-cuong.pdf", b"x" * 1001))
    with pytest.raises(ValidationError, match="chỉ nhận"):
        services.material_save(actor=SYSTEM, data=data, file=("virus.exe", b"x"))
    with pytest.raises(PermissionDenied):
        services.material_save(actor=world.users["commune"], data=data)
    material, _ = services.material_save(
        actor=world.users["province"], data=data, file=("de-cuong.pdf", b"%PDF-1.4 x")
    )
    assert material.size == 10 and material.file_name == "de-cuong.pdf"
    for persona in ("member", "secretary", "member", "commune"):
        services.material_opened(actor=world.users[persona], material=material)
    counts = dict(MaterialView.objects.values_list("unit__code", "count"))
    assert counts == {"CB1": 3, "XA1": 1}
    assert not any(f.name in ("user", "member") for f in MaterialView._meta.get_fields())
    own = services.MaterialData(
        code="TL-2", title="Tờ gấp", kind="to_gap", unit=world.sibling_commune, date=FROM
    )
    hidden, _ = services.material_save(actor=SYSTEM, data=own)
    with pytest.raises(PermissionDenied):
        services.material_opened(actor=world.users["member"], material=hidden)


def test_language_gap_of_a_commune(world: Any, roster: Any) -> None:
    # XA1's communicator (in CB1) speaks Mông and Dao; XA2's presenter none
    with pytest.raises(PermissionDenied):
        services.unit_languages_set(
            actor=world.users["secretary"], unit=world.commune, languages=""
        )
    kept = services.unit_languages_set(
        actor=world.users["commune"], unit=world.commune, languages="mông; Thái"
    )
    assert kept == ["Mông", "Thái"]
    services.unit_languages_set(actor=SYSTEM, unit=world.sibling_commune, languages="Dao")
    gaps = selectors.communes_missing_languages(world.province, TO)
    assert [(g.commune.unit.code, g.missing) for g in gaps] == [
        ("XA2", ["Dao"]),
        ("XA1", ["Thái"]),
    ]
    services.unit_languages_set(actor=SYSTEM, unit=world.commune, languages="Mông")
    gaps = selectors.communes_missing_languages(world.province, TO)
    assert [g.commune.unit.code for g in gaps] == ["XA2"]


# --- figures ------------------------------------------------------------------------------


def _independent(ids: set[int]) -> dict[str, Any]:
    events = [
        e for e in DisseminationEvent.objects.all() if e.unit_id in ids and FROM <= e.date <= TO
    ]
    courses = [c for c in Course.objects.all() if c.unit_id in ids and FROM <= c.date_from <= TO]
    learners = [lr for lr in Learner.objects.all() if lr.course_id in {c.pk for c in courses}]
    languages: dict[str, list[int]] = {}
    for e in events:
        got = languages.setdefault(e.language, [0, 0])
        got[0] += 1
        got[1] += e.listeners
    per_level: dict[str, list[int]] = {}
    for e in events:
        for code in {p.level.code for p in e.presenters.all()}:
            got = per_level.setdefault(code, [0, 0])
            got[0] += 1
            got[1] += e.listeners
    return {
        "events": len(events),
        "listeners": sum(e.listeners for e in events),
        "courses": len(courses),
        "participants": len(learners) + sum(c.extra_participants for c in courses),
        "languages": languages,
        "levels": per_level,
    }


@pytest.mark.parametrize("root", ["TINH", "XA1", "XA2", "CB1"])
def test_outreach_figures_equal_an_independent_count(world: Any, outreach: Any, root: str) -> None:
    unit = Unit.objects.get(code=root)
    ids = set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    f = selectors.figures(ids, FROM, TO)
    got = {
        "events": f.totals.events,
        "listeners": f.totals.event_listeners,
        "courses": f.totals.courses,
        "participants": f.totals.participants,
        "languages": {lg.language: [lg.events, lg.listeners] for lg in f.languages},
        "levels": {lv.code: [lv.events, lv.event_listeners] for lv in f.levels if lv.events},
    }
    assert got == _independent(ids)


def test_the_province_outreach_in_numbers(world: Any, outreach: Any) -> None:
    f = selectors.figures(list(Unit.objects.values_list("pk", flat=True)), FROM, TO)
    # TT-1 120, TT-2 80, TT-3 45, TT-5 300 (TT-4 is in 2026)
    assert (f.totals.events, f.totals.event_listeners) == (4, 545)
    # LOP-1: 3 listed + 30; LOP-2: 2 listed + 100 (LOP-3 is in 2026)
    assert (f.totals.courses, f.totals.participants) == (2, 135)
    levels = {lv.code: lv for lv in f.levels}
    # cơ sở: TT-1 (Yến), TT-2 (Yến), TT-3 (Lan); tỉnh: TT-3 (Thắng); TTV: TT-2 (Ân)
    assert (levels["co_so"].events, levels["co_so"].event_listeners) == (3, 245)
    assert (levels["tinh"].events, levels["ttv"].events) == (1, 1)
    assert (levels["co_so"].learners, levels["ttv"].learners) == (3, 1)


# --- the report -----------------------------------------------------------------------------

PERIOD = {"date_from": "01/07/2025", "date_to": "31/12/2025"}


def _report(tmp_path: Path, fmt: str, unit: str = "TINH") -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), **PERIOD)
    return out.read_bytes()


def test_report_says_dissemination_and_training_like_the_articles(
    world: Any, outreach: Any, tmp_path: Path
) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "tổ chức tuyên truyền miệng, tuyên truyền lồng ghép được 4 buổi cho 545 lượt người "
        "nghe (bằng tiếng Việt 3 buổi, 465 lượt người nghe; bằng tiếng Mông 1 buổi, 80 lượt "
        "người nghe)." in text
    )
    assert "Tổ chức 2 lớp tập huấn, bồi dưỡng cho 135 lượt người." in text
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    by_unit = next(t for t in tables if "Lớp tập huấn" in t[0] and "Đơn vị" in t[0])
    assert ["3", "Đảng ủy xã Một", "2", "200", "1", "33"] in by_unit
    assert ["1", "Tỉnh ủy Thử (trực tiếp)", "1", "300", "1", "102"] in by_unit
    by_level = next(t for t in tables if "Lượt học tập huấn" in t[0])
    assert ["3", "Báo cáo viên cơ sở", "3", "245", "3"] in by_level


def test_report_xlsx_and_json_carry_the_same_outreach_figures(
    world: Any, outreach: Any, tmp_path: Path
) -> None:
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số buổi tuyên truyền miệng, lồng ghép"] == 4
    assert summary["Số lượt người nghe tuyên truyền"] == 545
    assert summary["Số buổi tuyên truyền bằng tiếng Mông"] == 1
    assert summary["Số lớp tập huấn, bồi dưỡng"] == 2
    assert summary["Số lượt người được tập huấn, bồi dưỡng"] == 135
    rows = list(wb["Tuyên truyền, tập huấn theo ĐV"].iter_rows(min_row=2, values_only=True))
    assert ("XA1", "Đảng ủy xã Một", 2, 200, 1, 3, 30, 33) in rows
    langs = list(wb["Tuyên truyền theo ngôn ngữ"].iter_rows(min_row=2, values_only=True))
    assert langs == [("tiếng Việt", 3, 465), ("tiếng Mông", 1, 80)]
    data = json.loads(_report(tmp_path, "json"))["sections"]["presenters"]
    assert data["dissemination"]["events"] == 4 and data["dissemination"]["listeners"] == 545
    assert data["training"] == {
        "courses": 2,
        "learners": 5,
        "extra_participants": 130,
        "participants": 135,
    }
    xa1 = next(c for c in data["children"] if c["code"] == "XA1")
    assert (xa1["events"], xa1["event_listeners"], xa1["courses"], xa1["participants"]) == (
        2,
        200,
        1,
        33,
    )


def test_report_of_a_commune_counts_its_subtree_only(
    world: Any, outreach: Any, tmp_path: Path
) -> None:
    data = json.loads(_report(tmp_path, "json", unit="XA2"))["sections"]["presenters"]
    assert data["dissemination"]["events"] == 1 and data["dissemination"]["listeners"] == 45
    assert data["training"]["courses"] == 0


def test_on_the_dashboard(world: Any, outreach: Any, client_for: Any) -> None:
    from django.urls import reverse

    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/07/2025", "den": "31/12/2025"})
        .content.decode()
    )
    assert "Số buổi tuyên truyền miệng, lồng ghép" in html
    assert "Số lớp tập huấn, bồi dưỡng" in html


def test_presenter_page_lists_events_and_courses(
    world: Any, outreach: Any, client_for: Any
) -> None:
    html = client_for("commune").get("/bao-cao-vien/bcv/BCV-X1/").content.decode()
    assert "2 buổi · 200 lượt người nghe" in html
    assert "TT-1" in html and "TT-2" in html
    assert "Tập huấn báo cáo viên cơ sở" in html and "Giỏi" in html
    assert "Bồi dưỡng kỹ năng tuyên truyền" in html


def test_figures_queries_do_not_grow_with_events_and_courses(
    world: Any, outreach: Any, roster: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = list(Unit.objects.values_list("pk", flat=True))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.figures(ids, FROM, TO)
        return len(queries)

    before = count()
    for i in range(10):
        event(code=f"TT-N{i}", unit=world.cell2, presenters=(roster["tinh"],), language="Dao")
        course, _ = services.course_save(
            actor=SYSTEM,
            data=services.CourseData(
                code=f"LOP-N{i}", title="Lớp", unit=world.cell2, date_from=dt.date(2025, 9, 9)
            ),
        )
        services.learner_set(actor=SYSTEM, course=course, member=world.members[3])
    assert count() == before
