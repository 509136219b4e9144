"""The pages: submit, approve, return and reopen through the web; the refusal on the
study page; the files; changes since approval; completeness on the period page and
on the reports dashboard; the lock in the workbook import and at check-in."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tuyengiao.imports.framework import run_import
from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.orgs.models import Role
from tuyengiao.periods.models import FilesStatus, Submission, SubmissionStatus
from tuyengiao.study import services as study
from tuyengiao.study.models import Attendance, Status

from .helpers import approve_all, quarter

pytestmark = pytest.mark.django_db


def _login(world: Any, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_submit_approve_reopen_on_the_web(world: Any, settings: Settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "ENQUEUE_ON_COMMIT": False,  # the test's transaction never commits
        }
    }
    q = quarter(world)
    base = f"/ky-bao-cao/{q.period.pk}/don-vi/"
    secretary, commune = _login(world, "secretary"), _login(world, "commune")
    page = secretary.get(f"{base}CB1/")
    assert "Chưa nộp" in page.content.decode() and "Nộp báo cáo" in page.content.decode()
    assert secretary.post(f"{base}CB1/nop/").status_code == 302
    sent = Submission.objects.get(period=q.period, unit=world.cell)
    assert (sent.status, sent.files_status) == (SubmissionStatus.SUBMITTED, FilesStatus.DONE)
    docx = secretary.get(f"{base}CB1/tai-ve/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert secretary.get(f"{base}CB1/tai-ve/xlsx/").content[:2] == b"PK"
    assert secretary.get(f"{base}CB1/tai-ve/pdf/").status_code == 404
    # the secretary cannot approve their own cell's report
    assert secretary.post(f"{base}CB1/phe-duyet/").status_code == 403
    text = commune.get(f"{base}CB1/").content.decode()
    assert "Phê duyệt" in text and "Trả lại" in text
    commune.post(f"{base}CB1/phe-duyet/")
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.APPROVED
    # the study page refuses the change with the period and the approver named
    response = commune.post(
        f"/hoc-tap/hoi-nghi/{q.session.code}/cap-nhat/", {"other_attendees": "40"}, follow=True
    )
    assert "báo cáo Quý III năm 2025 của Chi bộ bản Một đã được xa phê duyệt" in (
        response.content.decode()
    )
    q.session.refresh_from_db()
    assert q.session.other_attendees == 0
    # reopen needs a reason; then the change goes through and shows on the report page
    commune.post(f"{base}CB1/mo-lai/", {"reason": ""})
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.APPROVED
    commune.post(f"{base}CB1/mo-lai/", {"reason": "Bổ sung số người ngoài Đảng"})
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.REOPENED
    commune.post(f"/hoc-tap/hoi-nghi/{q.session.code}/cap-nhat/", {"other_attendees": "40"})
    q.session.refresh_from_db()
    assert q.session.other_attendees == 40
    text = commune.get(f"{base}CB1/").content.decode()
    assert "Thay đổi của số liệu" in text
    assert "<td>Số lượt người khác tham dự</td><td>0</td><td>40</td>" in text
    assert "Mở lại — xa (Bổ sung số người ngoài Đảng)" in text


def test_return_and_the_period_page(world: Any) -> None:
    q = quarter(world)
    base = f"/ky-bao-cao/{q.period.pk}/"
    secretary, commune = _login(world, "secretary"), _login(world, "commune")
    secretary.post(f"{base}don-vi/CB1/nop/")
    commune.post(f"{base}don-vi/CB1/tra-lai/", {"reason": "Thiếu số lượt nhân dân"})
    text = secretary.get(f"{base}don-vi/CB1/").content.decode()
    assert "Bị trả lại" in text and "Lý do: Thiếu số lượt nhân dân" in text
    # the commune's page: 3 expected in XA1's subtree, none sent; the late list
    text = commune.get(base).content.decode()
    assert "<td>3</td><td>0</td>" in text
    assert "Đơn vị chưa gửi báo cáo" in text and "Chi bộ bản Một" in text
    secretary.post(f"{base}don-vi/CB1/nop/")
    text = commune.get(base).content.decode()
    assert "<td>3</td><td>1</td><td>33,33%</td><td>1</td>" in text
    # a commune submitting before its cells are approved is told why
    response = commune.post(f"{base}don-vi/XA1/nop/", follow=True)
    assert "chưa được phê duyệt hết" in response.content.decode()


def test_a_large_units_changes_since_approval_come_from_the_worker(
    world: Any, settings: Settings
) -> None:
    """A province's live figures take seconds at national scale: the approved report's
    page reads what changed from the worker's snapshot, the same section as live."""
    from tuyengiao.snapshots.models import Snapshot
    from tuyengiao.snapshots.services import snapshot_refresh

    q = quarter(world)
    approve_all(world, q)
    url = f"/ky-bao-cao/{q.period.pk}/don-vi/XA1/"
    commune = _login(world, "commune")
    live = commune.get(url).content.decode()
    assert "Số liệu hiện nay khớp với số liệu đã phê duyệt." in live

    settings.DASHBOARD_SNAPSHOT_UNITS = 2  # the commune has three units
    waiting = commune.get(url).content.decode()
    assert "đang được tổng hợp ở tiến trình nền" in waiting and "every 3s" in waiting
    assert 'id="changes"' not in waiting
    snapshot_refresh(snapshot_id=Snapshot.objects.get(kind="periods.changes").pk)
    part = commune.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="so-lieu").content.decode()
    assert "<html" not in part and "Số liệu tổng hợp lúc" in part

    def section(html: str) -> str:
        return html[
            html.index('<section id="changes">') : html.index(
                "</section>", html.index('<section id="changes">')
            )
        ]

    assert section(part) == section(live)


def test_the_period_page_says_a_section_without_data_in_one_sentence(world: Any) -> None:
    """The quarter has study sessions only: the sent figures list study's rows, and
    each other section is one sentence instead of a table of zeros."""
    q = quarter(world)
    base = f"/ky-bao-cao/{q.period.pk}/don-vi/CB1/"
    secretary = _login(world, "secretary")
    secretary.post(f"{base}nop/")
    text = secretary.get(base).content.decode()
    sent = text[text.index('<section id="figures">') : text.index('<section id="events">')]
    assert "Không có bài dự thi nào của Chi bộ bản Một" in sent
    assert "Không có cuộc điều tra xã hội học nào" in sent
    assert sent.count("<table") == 1  # study's rows only


def test_completeness_on_the_dashboard(world: Any) -> None:
    q = quarter(world)
    approve_all(world, q)
    text = _login(world, "province").get("/bao-cao/?tu=01/01/2025&den=31/12/2025").content.decode()
    assert "Tình hình gửi báo cáo định kỳ" in text
    assert "6/6 đơn vị đã gửi báo cáo (100,00%)" in text


def _attendance_book(rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm danh"
    ws.append(["Mã hội nghị", "Mã đảng viên", "Trạng thái"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_workbook_names_the_rows_refused_by_the_lock(world: Any) -> None:
    q = quarter(world)
    approve_all(world, q)
    services_reopen(world, q)  # XA2's subtree reopened, XA1's still approved
    book = _attendance_book(
        [
            ["HN-CB1", "DV1", "Vắng có lý do"],  # a change in an approved cell
            ["HN-CB1", "DV0", "Có mặt"],  # unchanged: not a change of figures
            ["HN-CB3", "DVX1", "Vắng có lý do"],  # reopened: allowed
        ]
    )
    result = run_import([("b.xlsx", book)], actor=world.users["province"], dry_run=False)
    assert not result.committed
    assert [(e.sheet, e.row, e.column, e.value) for e in result.errors] == [
        ("Điểm danh", 2, "Mã hội nghị", "HN-CB1")
    ]
    assert "Quý III năm 2025" in result.errors[0].message
    assert Attendance.objects.get(session=q.sibling_session).status == Status.PRESENT


def services_reopen(world: Any, q: Any) -> None:
    from tuyengiao.periods import services

    for unit in (world.province, world.sibling_commune, world.sibling_cell):
        services.submission_reopen(
            actor=SYSTEM,
            submission=Submission.objects.get(period=q.period, unit=unit),
            reason="Sửa số liệu",
        )


def test_check_in_into_an_approved_period_is_refused(world: Any) -> None:
    q = quarter(world)
    approve_all(world, q)
    token = study.make_token(q.session2)
    with pytest.raises(FiguresLocked, match="Quý III năm 2025"):
        study.checkin(actor=world.users["member"], token=token, device_id="")


def test_a_group_of_scans_into_an_approved_period_is_refused(world: Any) -> None:
    """The grouped check-in (both databases' paths): the session's lock is asked once
    for the group and every scan gets the refusal; nothing is written."""
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.study.models import Attendance

    q = quarter(world)
    approve_all(world, q)
    session = q.session2
    at = timezone.make_aware(dt.datetime.combine(session.date, session.start_time or dt.time(8)))
    rows = Attendance.objects.filter(session=session).values_list("member_id", "status")
    before = sorted(rows)
    scans = [study.Scan(world.users["member"].pk, "may-khoa", at)]
    (answer,) = study.checkin_group(session.pk, scans)
    assert isinstance(answer, FiguresLocked) and "Quý III năm 2025" in str(answer)
    assert sorted(rows) == before


def test_the_session_sheet_names_the_rows_refused_by_the_lock(world: Any) -> None:
    q = quarter(world)
    approve_all(world, q)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hội nghị"
    ws.append(
        ["Mã hội nghị", "Mã đơn vị", "Số hiệu văn bản", "Ngày", "Hình thức",
         "Số lượt nhân dân được tuyên truyền"]
    )  # fmt: skip
    ws.append(["HN-CB2", "CB2", "57-NQ/TW", "10/09/2025", "Trực tiếp", "500"])
    out = io.BytesIO()
    wb.save(out)
    result = run_import([("b.xlsx", out.getvalue())], actor=SYSTEM, dry_run=False)
    assert not result.committed
    assert [(e.sheet, e.row, e.value) for e in result.errors] == [("Hội nghị", 2, "HN-CB2")]
    assert "Chi bộ bản Hai" in result.errors[0].message
    q.session2.refresh_from_db()
    assert q.session2.public_reached == 0


def test_the_figures_are_frozen_by_the_worker_not_in_the_request(
    world: Any, settings: Settings
) -> None:
    """A province's figures take seconds to compute at national scale: sending a report
    answers at once with the period locked, and the worker freezes the figures and
    builds the files. Until then the report cannot be decided, and its page says so
    and asks again by itself; a report withdrawn before that is frozen by no one."""
    from django.urls import reverse
    from django_tasks.backends.database.models import DBTaskResult

    from tuyengiao.periods import services
    from tuyengiao.periods.models import Action, SubmissionEvent
    from tuyengiao.periods.tasks import submission_files

    def _worker() -> None:
        """What the task worker does with the queued jobs (``db_worker`` needs a
        transaction of its own, which this test's is not)."""
        for job in DBTaskResult.objects.filter(
            task_path__endswith="submission_files", status="READY"
        ).order_by("enqueued_at"):
            submission_files.call(**job.args_kwargs["kwargs"])
            job.status = "SUCCEEDED"
            job.save()

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.database.DatabaseBackend",
            "ENQUEUE_ON_COMMIT": False,  # a test's transaction never commits
        }
    }
    q = quarter(world)
    secretary, commune = _login(world, "secretary"), _login(world, "commune")
    assert secretary.post(f"/ky-bao-cao/{q.period.pk}/don-vi/CB1/nop/").status_code == 302
    sent = Submission.objects.get(period=q.period, unit=world.cell)
    assert (sent.status, sent.sha256, sent.snapshot) == (SubmissionStatus.SUBMITTED, "", {})
    with pytest.raises(FiguresLocked):  # locked from the request on
        study.attendance_mark(
            actor=SYSTEM, session=q.session, member=world.members[0], status=Status.ABSENT
        )
    url = reverse("periods:unit", args=[q.period.pk, "CB1"])
    page = commune.get(url).content.decode()
    assert "Đang chốt số liệu của báo cáo" in page and 'hx-trigger="every 3s"' in page
    assert "Phê duyệt</button>" not in page
    with pytest.raises(ValidationError, match="đang được chốt"):
        services.submission_approve(actor=world.users["commune"], submission=sent)
    assert "chưa có tiến trình nền" not in page
    Submission.objects.filter(pk=sent.pk).update(  # no worker for two minutes
        submitted_at=sent.submitted_at - dt.timedelta(minutes=2)
    )
    assert "chưa có tiến trình nền nào nhận việc" in commune.get(url).content.decode()

    _worker()
    sent.refresh_from_db()
    assert len(sent.sha256) == 64 and sent.files_status == FilesStatus.DONE
    assert sent.snapshot["summary"]["study"]["title"]
    submitted = SubmissionEvent.objects.get(submission=sent, action=Action.SUBMIT)
    assert submitted.sha256 == sent.sha256
    from auditlog.models import LogEntry

    frozen = [e.changes_dict.get("sha256") for e in LogEntry.objects.get_for_object(sent)]
    assert ["", sent.sha256] in frozen  # the freeze is in the audit trail
    page = commune.get(url).content.decode()
    assert sent.sha256 in page and 'hx-trigger="every 3s"' not in page
    assert "Phê duyệt</button>" in page
    services.submission_approve(actor=world.users["commune"], submission=sent)

    # CB2 sends, then withdraws before the worker ran: nothing is frozen
    services.submission_submit(actor=SYSTEM, period=q.period, unit=world.cell2)
    cb2 = Submission.objects.get(period=q.period, unit=world.cell2)
    services.submission_withdraw(actor=SYSTEM, submission=cb2, reason="Sót một buổi")
    _worker()
    cb2.refresh_from_db()
    assert (cb2.status, cb2.sha256) == (SubmissionStatus.WITHDRAWN, "")


@pytest.mark.parametrize("step", ["freeze", "files"])
def test_an_unexpected_failure_of_the_worker_is_said_and_sending_again_mends_it(
    world: Any, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """The task fails (a defect, a lost database) while freezing the figures or while
    building the files: the page says so and stops asking again, instead of "Đang
    chốt…" or "Đang tạo tệp…" forever; sending the report again, once mended, works."""
    from tuyengiao.periods import selectors
    from tuyengiao.periods.views import BROKEN
    from tuyengiao.reports import builders

    def broken(*args: object, **kwargs: object) -> Any:
        raise RuntimeError("lost the database")

    q = quarter(world)  # the conftest runs the worker's task at once, recording failures
    url = f"/ky-bao-cao/{q.period.pk}/don-vi/CB1/"
    secretary = _login(world, "secretary")
    with monkeypatch.context() as patch:
        if step == "freeze":
            patch.setattr(selectors, "figures_of", broken)
        else:
            patch.setattr(builders, "build_report", broken)
        assert secretary.post(f"{url}nop/").status_code == 302
    sent = Submission.objects.get(period=q.period, unit=world.cell)
    assert (sent.status, sent.files_status) == (SubmissionStatus.SUBMITTED, FilesStatus.BROKEN)
    assert bool(sent.sha256) == (step == "files")
    text = secretary.get(url).content.decode()
    assert BROKEN in text
    assert "every 3s" not in text  # no longer asking again
    assert "Đang chốt số liệu" not in text and "Đang tạo tệp" not in text
    assert "Nộp lại báo cáo" in text

    assert secretary.post(f"{url}nop/").status_code == 302
    sent.refresh_from_db()
    assert (sent.files_status, len(sent.sha256)) == (FilesStatus.DONE, 64)
    assert BROKEN not in secretary.get(url).content.decode()


def test_files_whose_worker_died_are_said_and_the_page_stops_asking(world: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.periods.views import BROKEN

    q = quarter(world)
    url = f"/ky-bao-cao/{q.period.pk}/don-vi/CB1/"
    secretary = _login(world, "secretary")
    secretary.post(f"{url}nop/")
    sent = Submission.objects.filter(period=q.period, unit=world.cell)
    sent.update(files_status=FilesStatus.PENDING, docx=None, xlsx=None)  # being made
    making = secretary.get(url).content.decode()
    assert "Đang tạo tệp DOCX, XLSX" in making and "every 3s" in making
    sent.update(updated_at=timezone.now() - dt.timedelta(minutes=16))  # nothing since
    dead = secretary.get(url).content.decode()
    assert BROKEN in dead and "every 3s" not in dead
    assert "Đang tạo tệp DOCX, XLSX" not in dead


def test_the_opening_page_names_units_below_only_when_there_are_some(world: Any) -> None:
    page = _login(world, "commune").get(reverse("periods:new")).content.decode()
    assert "cho Đảng ủy xã Một và các đơn vị trực thuộc" in page
    new = orgs.unit_create(
        actor=SYSTEM,
        code="XA9",
        name="Đảng ủy xã Mới",
        kind="Đảng ủy xã",
        parent=world.province,
        valid_from=dt.date(2025, 1, 1),
    )
    client = Client()
    staff = User.objects.create_user(username="xamoi", password="mat-khau-dai-123")
    orgs.assignment_set(actor=SYSTEM, user=staff, unit=new, role=Role.COMMUNE_STAFF)
    client.force_login(staff)
    page = client.get(reverse("periods:new")).content.decode()
    assert "cho Đảng ủy xã Mới</p>" in page
