"""Action programmes and their tasks: the programme is a registered document with the
registry's ``implements`` link; tasks are set, carried out and reported on by the
units whose permission the services check; states come from the dates."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tuyengiao.documents.models import DocumentLink, Relation
from tuyengiao.followup import services
from tuyengiao.followup.models import Evidence, Programme, Task, TaskReport
from tuyengiao.followup.status import State, state_on
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories

from .conftest import task

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("deadline", "done_on", "day", "state"),
    [
        (D(2025, 10, 31), D(2025, 10, 31), D(2025, 12, 1), State.DONE_ON_TIME),
        (None, D(2025, 10, 1), D(2025, 12, 1), State.DONE_ON_TIME),
        (D(2025, 10, 31), D(2025, 11, 1), D(2025, 12, 1), State.DONE_LATE),
        (D(2025, 10, 31), None, D(2025, 11, 1), State.OVERDUE),
        (D(2025, 10, 31), D(2025, 11, 5), D(2025, 11, 1), State.OVERDUE),  # done after the day
        (D(2025, 10, 31), None, D(2025, 10, 31), State.IN_TIME),
        (None, None, D(2025, 10, 31), State.IN_TIME),
    ],
)
def test_a_tasks_state_comes_from_its_dates(
    deadline: Any, done_on: Any, day: Any, state: State
) -> None:
    assert state_on(deadline, done_on, day) == state


def test_the_sql_states_agree_with_the_python_one(tasks: dict[str, Any]) -> None:
    from tuyengiao.followup.status import state_q

    for day in (D(2025, 10, 25), D(2025, 11, 10), D(2025, 12, 31)):
        for t in Task.objects.all():
            matches = [
                s for s in State if Task.objects.filter(state_q(s.value, day), pk=t.pk).exists()
            ]
            assert matches == [state_on(t.deadline, t.done_on, day)], (t.code, day)


def test_a_programme_is_a_document_that_implements_another(world: Any, plan: Any) -> None:
    link = DocumentLink.objects.get(source=plan.document, relation=Relation.IMPLEMENTS)
    assert link.target.symbol == "57-NQ/TW"
    assert services.implemented_by(plan.document) == [link.target]
    with pytest.raises(ValidationError, match="đã là một chương trình"):
        services.programme_create(actor=SYSTEM, document=plan.document, unit=world.province)


def test_only_staff_above_the_unit_issue_a_programme(world: Any) -> None:
    document = factories.document("10-KH/ĐU", "Kế hoạch của xã")
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=world.users["secretary"], document=document, unit=world.cell
        )
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=world.users["outsider"], document=document, unit=world.commune
        )
    with pytest.raises(PermissionDenied):
        services.programme_create(actor=None, document=document, unit=world.commune)
    made = services.programme_create(
        actor=world.users["commune"], document=document, unit=world.commune
    )
    assert made.unit == world.commune


def test_tasks_are_set_by_those_who_plan_for_the_programmes_unit(world: Any, plan: Any) -> None:
    with pytest.raises(PermissionDenied):  # the province's plan: not the commune's to change
        task(plan, "NV-X", world.cell, actor=world.users["commune"])
    made = task(plan, "NV-X", world.cell, actor=world.users["province"], partners=[world.cell2])
    assert made.assigned_on == D(2025, 9, 1)  # the plan's date
    assert list(made.partners.all()) == [world.cell2]
    again, outcome = services.task_save(
        actor=SYSTEM,
        programme=plan,
        data=services.TaskData(code="NV-X", content="Việc NV-X", unit=world.cell),
    )
    assert outcome == "unchanged" and list(again.partners.all()) == [world.cell2]


def test_a_commune_programme_cannot_give_a_task_outside_the_commune(world: Any) -> None:
    document = factories.document("11-KH/ĐU", "Kế hoạch của xã Một")
    programme = services.programme_create(actor=SYSTEM, document=document, unit=world.commune)
    with pytest.raises(ValidationError, match="không thuộc"):
        task(programme, "NV-Y", world.sibling_cell)
    with pytest.raises(ValidationError, match="Hạn"):
        task(programme, "NV-Y", world.cell, deadline=D(2025, 1, 1), assigned_on=D(2025, 2, 1))


def test_progress_is_reported_by_the_responsible_or_cooperating_unit(
    world: Any, tasks: dict[str, Any]
) -> None:
    overdue = tasks["overdue"]  # CB1 responsible, CB2 cooperating
    report = services.task_report(
        actor=world.users["secretary"],
        task=overdue,
        note="Đã họp chi bộ, đang hoàn thiện báo cáo.",
        day=D(2025, 11, 20),
        files=[("bien-ban.pdf", b"%PDF-1.4 ..."), ("anh.jpg", b"\xff\xd8...")],
    )
    assert report.unit == world.cell
    assert [e.name for e in report.files.all()] == ["bien-ban.pdf", "anh.jpg"]
    with pytest.raises(PermissionDenied):
        services.task_report(actor=world.users["member"], task=overdue, note="x")
    with pytest.raises(PermissionDenied):
        services.task_report(actor=world.users["outsider"], task=overdue, note="x")
    with pytest.raises(ValidationError, match="chỉ nhận tệp"):
        services.task_report(
            actor=world.users["secretary"], task=overdue, note="x", files=[("a.exe", b"MZ")]
        )
    with pytest.raises(ValidationError, match="tối đa"):
        services.task_report(
            actor=world.users["secretary"],
            task=overdue,
            note="x",
            files=[(f"{i}.txt", b"x") for i in range(6)],
        )
    services.task_report(
        actor=world.users["secretary"], task=overdue, note="Xong.", day=D(2025, 12, 2), done=True
    )
    overdue.refresh_from_db()
    assert overdue.done_on == D(2025, 12, 2)
    assert state_on(overdue.deadline, overdue.done_on, D(2025, 12, 31)) == State.DONE_LATE
    assert TaskReport.objects.filter(task=overdue).count() == 2
    assert Evidence.objects.count() == 2


def test_the_programme_page_lists_its_tasks_and_counts(
    client_for: Any, tasks: dict[str, Any], plan: Any
) -> None:
    page = client_for("commune").get(f"/thuc-hien/chuong-trinh/{plan.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "57-NQ/TW" in html and "NV-1" in html and "NV-5" not in html  # XA2's: out of scope
    assert "Hoàn thành trễ hạn" in html and "Quá hạn" in html
    assert "Giao nhiệm vụ" not in html  # the province's plan


def test_register_a_plan_and_a_task_on_the_web(client_for: Any, world: Any) -> None:
    resolution = factories.document("57-NQ/TW")
    document = factories.document("15-KH/ĐU", "Kế hoạch thực hiện Nghị quyết 57", kind="Kế hoạch")
    client = client_for("commune")
    page = client.post(
        "/thuc-hien/chuong-trinh/them/",
        {"van_ban": document.pk, "thuc_hien": resolution.pk, "unit": "XA1"},
    )
    programme = Programme.objects.get(document=document)
    assert page.status_code == 302 and programme.unit == world.commune
    page = client.post(
        f"/thuc-hien/chuong-trinh/{programme.pk}/nhiem-vu-moi/",
        {
            "code": "NV-W1",
            "content": "Quán triệt nghị quyết ở chi bộ",
            "unit": "CB1",
            "partners": ["CB2"],
            "deadline": "31/12/2025",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    made = Task.objects.get(code="NV-W1")
    assert made.unit == world.cell and made.deadline == D(2025, 12, 31)
    refused = client.post(
        f"/thuc-hien/chuong-trinh/{programme.pk}/nhiem-vu-moi/",
        {"code": "NV-W2", "content": "x", "unit": "CB3"},
    )
    assert refused.status_code == 400 and not Task.objects.filter(code="NV-W2").exists()


def test_a_secretary_reports_progress_with_a_file(
    client_for: Any, world: Any, tasks: dict[str, Any]
) -> None:
    client = client_for("secretary")
    page = client.post(
        "/thuc-hien/nhiem-vu/NV-3/bao-cao/",
        {
            "note": "Đã tổ chức học tập",
            "day": "01/12/2025",
            "done": "on",
            "tep": SimpleUploadedFile("bien-ban.txt", "Biên bản".encode()),
        },
    )
    assert page.status_code == 302
    evidence = Evidence.objects.get()
    assert Task.objects.get(code="NV-3").done_on == D(2025, 12, 1)
    download = client.get(f"/thuc-hien/nhiem-vu/NV-3/minh-chung/{evidence.pk}/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == "Biên bản".encode()
    assert (
        client_for("member").post("/thuc-hien/nhiem-vu/NV-3/bao-cao/", {"note": "x"}).status_code
        == 403
    )
    assert (
        client_for("outsider")
        .get(f"/thuc-hien/nhiem-vu/NV-3/minh-chung/{evidence.pk}/")
        .status_code
        == 404
    )


def test_the_unit_panel_shows_open_tasks_and_overdue_below(
    client_for: Any, world: Any, tasks: dict[str, Any]
) -> None:
    page = client_for("commune").get("/thuc-hien/don-vi/XA1/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200
    open_part, overdue_part = html.split("Quá hạn trong đơn vị")
    assert "Việc NV-4" in open_part and "Việc NV-1" not in open_part  # done: not open
    assert "NV-3" in overdue_part and "NV-5" not in overdue_part
    assert "1 nhiệm vụ quá hạn" in overdue_part
    assert client_for("outsider").get("/thuc-hien/don-vi/XA1/").status_code == 404


def test_the_panel_is_bounded(client_for: Any, world: Any, plan: Any) -> None:
    for i in range(45):
        task(plan, f"NV-B{i:02d}", world.cell, deadline=D(2025, 9, 30))
    page = client_for("commune").get("/thuc-hien/don-vi/XA1/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "45 nhiệm vụ quá hạn" in html
    assert html.count("/thuc-hien/nhiem-vu/NV-B") == 20
    listing = client_for("commune").get("/thuc-hien/nhiem-vu/?don_vi=XA1&tinh_trang=qua_han")
    assert listing.content.decode().count('href="/thuc-hien/nhiem-vu/NV-B') == 45


def test_a_long_task_list_is_paged_and_light(client_for: Any, world: Any, plan: Any) -> None:
    for i in range(260):
        task(plan, f"NV-L{i:03d}", world.cell, content="Nhiệm vụ dài " * 10)
    page = client_for("province").get("/thuc-hien/nhiem-vu/")
    html = page.content.decode()
    assert html.count('href="/thuc-hien/nhiem-vu/NV-L') == 50
    assert "Trang 1/6" in html
    assert len(page.content) < 200_000
    detail = client_for("province").get(f"/thuc-hien/chuong-trinh/{plan.pk}/")
    assert detail.content.decode().count('href="/thuc-hien/nhiem-vu/NV-L') == 50
    assert len(detail.content) < 200_000


def test_purge_removes_evidence_files_without_a_row(
    world: Any, tasks: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    orphan = tmp_path / "nhiem-vu" / "999" / "bien-ban.pdf"  # an outer rollback left it
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.4 ...")
    report = services.task_report(
        actor=world.users["secretary"],
        task=tasks["overdue"],
        note="Đã họp chi bộ.",
        day=D(2025, 11, 20),
        files=[("anh.jpg", b"\xff\xd8...")],
    )
    kept = Path(report.files.get().file.path)
    young = tmp_path / "nhiem-vu" / "999" / "dang-ghi.pdf"  # its row is being written
    young.write_bytes(b"%PDF-1.4 ...")
    day_ago = time.time() - 25 * 3600
    for path in (orphan, kept):
        os.utime(path, (day_ago, day_ago))
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert not orphan.exists()
    assert kept.exists() and young.exists()
    assert "Đã xoá 1 tệp" in out.getvalue()
