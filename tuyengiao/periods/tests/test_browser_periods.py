"""Real browser: a cell submits its report (withdraws it and sends it again), the
commune approves it, and a change of the approved figures on the session page is
refused, naming the period and the approver (issue 16, "done when")."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.periods.models import FilesStatus, Submission, SubmissionStatus
from tuyengiao.study.models import Attendance, Status
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

from .helpers import quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submit_approve_then_a_change_is_refused(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    q = quarter(world)
    sign_in(page, "chibo")
    page.wait_for_url("**/")
    page.goto("/ky-bao-cao/")
    page.get_by_role("link", name="Quý III năm 2025").click()
    page.get_by_role("link", name="Báo cáo của Chi bộ bản Một").click()
    page.get_by_role("button", name="Nộp báo cáo").click()
    status = page.locator("#report-status")
    status.filter(has_text="Đã nộp, chờ duyệt").wait_for()
    page.get_by_role("link", name="Tải báo cáo (DOCX)").wait_for()
    shot(page, "60-bao-cao-ky-da-nop")
    # the cell takes it back (its figures are locked while it awaits the decision), then
    # sends it again
    page.get_by_label("Lý do rút lại").fill("Bổ sung số liệu")
    page.get_by_role("button", name="Rút lại báo cáo").click()
    status.filter(has_text="Đã rút lại").wait_for()
    assert page.locator("#events").filter(has_text="Rút lại").count() == 1
    page.get_by_role("button", name="Nộp lại báo cáo").click()
    status.filter(has_text="Đã nộp, chờ duyệt").wait_for()
    page.get_by_role("link", name="Tải báo cáo (DOCX)").wait_for()
    sent = Submission.objects.get(period=q.period, unit=world.cell)
    assert (sent.status, sent.files_status) == (SubmissionStatus.SUBMITTED, FilesStatus.DONE)
    report_url = page.url

    page.context.clear_cookies()
    sign_in(page, "xa")
    page.wait_for_url("**/")
    page.goto(report_url)
    page.get_by_role("button", name="Phê duyệt").click()
    status.filter(has_text="Đã phê duyệt").wait_for()
    shot(page, "61-bao-cao-ky-da-duyet")

    page.goto(f"/hoc-tap/hoi-nghi/{q.session.code}/")
    page.locator("summary", has_text="Cập nhật số lượt tham dự").click()
    page.get_by_label("Số lượt người khác tham dự").fill("40")
    page.get_by_role("button", name="Lưu").click()
    refused = page.locator(".messages li.error")
    refused.wait_for()
    text = refused.inner_text()
    assert "báo cáo Quý III năm 2025 của Chi bộ bản Một đã được xa phê duyệt" in text, text
    shot(page, "62-sua-so-lieu-bi-tu-choi")
    q.session.refresh_from_db()
    assert q.session.other_attendees == 0

    # a tap on the attendance grid is refused too, with the reason on the member's row
    page.goto(f"/hoc-tap/hoi-nghi/{q.session.code}/diem-danh/")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    member = world.members[0]
    row = page.locator(f"#dv-{member.code}")
    with page.expect_response(lambda r: f"/diem-danh/{member.code}/" in r.url):
        row.get_by_role("button", name="K").click()
    alert = page.locator(f"#dv-{member.code} [role=alert]")
    alert.wait_for()
    assert "Quý III năm 2025" in alert.inner_text()
    shot(page, "63-diem-danh-bi-tu-choi")
    assert Attendance.objects.get(session=q.session, member=member).status == Status.PRESENT


def test_a_sent_report_waits_for_the_worker_and_its_page_updates_itself(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
    settings: Any,
) -> None:
    """On a phone: the report is sent at once, its page says the figures are being frozen;
    the worker freezes them and builds the files, and the open page shows them without a
    reload (it asks again every 3 s)."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    q = quarter(world)
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        sign_in(phone, "chibo")
        phone.wait_for_url("**/")
        phone.goto(f"/ky-bao-cao/{q.period.pk}/don-vi/CB1/")
        phone.get_by_role("button", name="Nộp báo cáo").click()
        phone.get_by_text("Đang chốt số liệu của báo cáo").wait_for()
        shot(phone, "64-bao-cao-dang-chot-dien-thoai")
        sent = Submission.objects.get(period=q.period, unit=world.cell)
        assert (sent.status, sent.sha256) == (SubmissionStatus.SUBMITTED, "")
        # what the secretary types meanwhile survives the page asking again
        reason = phone.get_by_label("Lý do rút lại")
        reason.fill("Thiếu một buổi")
        swapped = phone.evaluate(  # the next poll, swapped in and settled
            """() => new Promise((done, fail) => {
                document.body.addEventListener('htmx:afterSettle', () => done(true), {once: true});
                setTimeout(() => fail(new Error('the page did not ask again')), 10000);
            })"""
        )
        assert swapped and reason.input_value() == "Thiếu một buổi"
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        sent.refresh_from_db()
        assert len(sent.sha256) == 64 and sent.files_status == FilesStatus.DONE
        phone.get_by_text(sent.sha256).wait_for()  # no reload: the page asked again
        phone.get_by_role("link", name="Tải báo cáo (DOCX)").wait_for()
        assert phone.get_by_text("Đang chốt số liệu của báo cáo").count() == 0
        shot(phone, "65-bao-cao-da-chot-dien-thoai")
    finally:
        context.close()
