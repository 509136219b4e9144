"""Real browser (Debian's chromium via Playwright): plan a session, take attendance
on the grid, open the QR check-in screen, then write and download the report.

Shares the browser fixtures of ``tuyengiao/trust/tests/test_browser.py``;
screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.study import services
from tuyengiao.study.models import Attendance, Session, Status
from tuyengiao.trust.tests.test_browser import browser, page, shot, sign_in  # noqa: F401

from .conftest import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_a_session_take_attendance_show_qr_and_download_the_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    # The report runs as a background task: in this process, at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaign = services.campaign_create(
        actor=None,
        title="Học tập Nghị quyết 57-NQ/TW",
        documents=[make_document()],
        owner=world.commune,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    sign_in(page, "xa")

    page.goto(f"/hoc-tap/dot/{campaign.pk}/")
    shot(page, "19-dot-hoc-tap")
    page.get_by_role("button", name="Lập hội nghị").click()  # a link styled as a button
    page.get_by_label("Mã hội nghị").fill("HN-XA1-01")
    page.get_by_label("Tên hội nghị").fill("Hội nghị quán triệt Nghị quyết 57")
    page.get_by_label("Đơn vị tổ chức").select_option(value=str(world.cell.pk))
    page.locator("input[name=date]").fill("15/10/2025")
    page.get_by_label("Địa điểm").fill("Nhà văn hoá bản Một")
    shot(page, "20-lap-hoi-nghi")
    page.get_by_role("button", name="Lập hội nghị").click()
    page.wait_for_url("**/hoc-tap/hoi-nghi/HN-XA1-01/")
    session = Session.objects.get(code="HN-XA1-01")
    assert session.host == world.cell and session.date == dt.date(2025, 10, 15)

    page.get_by_role("button", name="Điểm danh", exact=True).click()
    first, second = world.members[0], world.members[1]
    page.locator(f"#dv-{first.code} button[title='Có mặt']").click()
    page.locator(f"#dv-{second.code} button[title='Vắng có lý do']").click()
    page.locator(f"#dv-{second.code} button[aria-pressed=true]").wait_for()
    page.locator(f"#dv-{first.code} button[aria-pressed=true]").wait_for()
    shot(page, "21-diem-danh")
    statuses = dict(
        Attendance.objects.filter(session=session).values_list("member__code", "status")
    )
    assert statuses == {first.code: Status.PRESENT, second.code: Status.EXCUSED}

    page.goto("/hoc-tap/hoi-nghi/HN-XA1-01/ma-qr/")
    page.locator("svg").first.wait_for()
    shot(page, "22-ma-qr")

    page.goto("/bao-cao/lap-bao-cao/")
    page.get_by_label("Mã đơn vị").fill(world.commune.code)
    page.get_by_label("Từ ngày").fill("01/09/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("button", name="Tải về")
    link.wait_for()
    shot(page, "23-bao-cao")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    import io

    import openpyxl

    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Đảng ủy xã Một" in cells  # the report is about the commune
