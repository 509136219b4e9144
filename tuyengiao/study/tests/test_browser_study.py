"""Real browser (Debian's chromium via Playwright): plan a session, take attendance
on the grid, open the QR check-in screen, then write and download the report.

Shares the browser fixtures of ``tuyengiao/trust/tests/test_browser.py``;
screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.models import Attendance, Session, Status
from tuyengiao.tests import factories
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(tab: Any, picker: str, query: str, value: str) -> None:
    """Search a picker (orgs or documents) and tick one result, once the answer to
    the search has replaced the list (no query: tick one of those listed at first)."""
    if query:
        with tab.expect_response(lambda r: "/tim-don-vi/" in r.url or "/van-ban/chon/" in r.url):
            tab.locator(f"#{picker} input[type=search]").fill(query)
    tab.locator(f"#{picker}-results input[value='{value}']").check()


def test_plan_pick_a_bridge_point_by_search_and_mark_a_cell_present_in_the_grouped_grid(
    page: Any,  # noqa: F811
    world: Any,
    monkeypatch: Any,
) -> None:
    """Issue 11 §5-6: the host and the bridge point are searched without diacritics;
    the grid is grouped by cell, a group opens when clicked (forced lazy here), the
    search finds a member, and "Có mặt cả nhóm" marks the rest of the cell."""
    from tuyengiao.study import views as study_views

    monkeypatch.setattr(study_views, "GRID_INLINE", 0)  # every group lazy, as at scale
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57-NQ/TW",
        documents=[factories.document()],
        owner=world.commune,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    sign_in(page, "xa")
    page.goto(f"/hoc-tap/dot/{campaign.pk}/hoi-nghi-moi/")
    page.get_by_label("Mã hội nghị").fill("HN-XA1-TT")
    pick(page, "chon-host", "dang uy xa mot", world.commune.code)
    page.locator("input[name=date]").fill("20/10/2025")
    page.get_by_label("Hình thức").select_option(label="Trực tuyến")
    page.get_by_role("button", name="Lập hội nghị").click()
    page.wait_for_url("**/hoc-tap/hoi-nghi/HN-XA1-TT/")

    page.get_by_label("Mã điểm cầu").fill("HN-XA1-TT-DC1")
    pick(page, "chon-host", "chi bo ban hai", world.cell2.code)
    page.get_by_role("button", name="Thêm điểm cầu").click()
    page.get_by_role("cell", name="HN-XA1-TT-DC1").wait_for()
    shot(page, "28-diem-cau-tim-kiem")

    page.goto("/hoc-tap/hoi-nghi/HN-XA1-TT/diem-danh/")
    first, second = world.members[0], world.members[1]
    assert page.locator(f"#dv-{first.code}").count() == 0  # groups start closed
    page.locator("#nhom-CB1 summary").click()
    page.locator(f"#nhom-CB1 #dv-{first.code}").wait_for()
    page.locator(f"#dv-{second.code} button[title='Vắng có lý do']").click()
    page.locator(f"#dv-{second.code} button[aria-pressed=true]").wait_for()
    page.get_by_label("Tìm đảng viên").fill("tran thi binh")
    page.locator(f"#grid-found #dv-{second.code}").wait_for()
    page.locator("#nhom-CB1").get_by_role("button", name="Có mặt cả nhóm").click()
    page.get_by_text("Đã ghi có mặt 2 đảng viên.").wait_for()
    shot(page, "29-diem-danh-theo-chi-bo")
    session = Session.objects.get(code="HN-XA1-TT")
    statuses = dict(
        Attendance.objects.filter(session=session).values_list("member__code", "status")
    )
    assert statuses == {
        first.code: Status.PRESENT,
        second.code: Status.EXCUSED,
        world.members[2].code: Status.PRESENT,
    }


def test_plan_a_session_take_attendance_show_qr_and_download_the_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    # The report runs as a background task: in this process, at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57-NQ/TW",
        documents=[factories.document()],
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
    pick(page, "chon-host", "ban mot", world.cell.code)
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
    page.locator("select[name=unit]").select_option(world.commune.code)
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


def test_run_a_campaign_end_to_end_with_bridge_point_qr_check_in_and_check_out(
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
) -> None:
    """Issue 4's "done when": create a campaign for a registered document, plan a
    hybrid session, add a bridge point, take attendance on the grid and by QR on
    a phone, check out, and see the rate of every unit."""
    document = factories.document()
    sign_in(page, "xa")
    page.goto("/hoc-tap/dot-moi/")
    page.get_by_label("Tên đợt học tập").fill("Quán triệt Nghị quyết 57-NQ/TW")
    pick(page, "chon-documents", "", str(document.pk))  # the newest documents are listed
    page.locator("input[name=start]").fill("01/09/2025")
    page.locator("input[name=deadline]").fill("31/12/2025")
    shot(page, "24-tao-dot-hoc-tap")
    page.get_by_role("button", name="Tạo đợt học tập").click()
    page.wait_for_url("**/hoc-tap/dot/*/")
    campaign_url = page.url

    page.get_by_role("button", name="Lập hội nghị").click()
    page.get_by_label("Mã hội nghị").fill("HN-57")
    pick(page, "chon-host", "dang uy xa mot", world.commune.code)
    page.locator("input[name=date]").fill("15/10/2025")
    page.get_by_label("Hình thức").select_option(label="Kết hợp")
    page.get_by_role("button", name="Lập hội nghị").click()
    page.wait_for_url("**/hoc-tap/hoi-nghi/HN-57/")

    page.get_by_label("Mã điểm cầu").fill("HN-57-DC1")
    pick(page, "chon-host", "ban hai", world.cell2.code)
    page.get_by_role("button", name="Thêm điểm cầu").click()
    page.get_by_role("cell", name="HN-57-DC1").wait_for()
    shot(page, "25-hoi-nghi-diem-cau")
    session = Session.objects.get(code="HN-57")
    assert list(Session.objects.filter(main=session).values_list("host__code", flat=True)) == [
        "CB2"
    ]

    # The grid: the second member of cell 1 is marked present by hand.
    page.get_by_role("button", name="Điểm danh", exact=True).click()
    grid_member = world.members[1]
    page.locator(f"#dv-{grid_member.code} button[title='Có mặt']").click()
    page.locator(f"#dv-{grid_member.code} button[aria-pressed=true]").wait_for()

    # A member scans the QR with a phone: signs in, confirms, is present.
    phone = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile.goto(f"/hoc-tap/quet/?t={services.make_token(session)}")  # what the QR encodes
    assert "/dang-nhap/" in mobile.url and "next=" in mobile.url  # the scan is remembered
    mobile.get_by_label("Tên đăng nhập").fill("dangvien")
    mobile.get_by_label("Mật khẩu").fill(PASSWORD)
    mobile.get_by_role("button", name="Đăng nhập").click()
    mobile.get_by_role("button", name="Xác nhận có mặt").click()
    mobile.get_by_role("heading", name="Đã ghi nhận").wait_for()
    shot(mobile, "26-dien-thoai-diem-danh")

    # End of the session: check-out opens; the QR member checks out, the other
    # member present never does and shows as having left early.
    page.goto("/hoc-tap/hoi-nghi/HN-57/")
    page.get_by_role("button", name="Mở điểm danh ra về (cuối hội nghị)").click()
    page.wait_for_url("**/ma-qr/?chieu=ra")
    mobile.goto(f"/hoc-tap/quet/?t={services.make_token(session, services.OUT)}")
    mobile.get_by_role("button", name="Xác nhận ra về").click()
    mobile.get_by_role("heading", name="Đã ghi nhận").wait_for()
    phone.close()
    page.goto("/hoc-tap/hoi-nghi/HN-57/")
    left_early = page.locator("article", has_text="về sớm")
    assert left_early.locator(".figure").inner_text() == "1"
    rows = {
        a.member.code: (a.status, a.source, a.checked_out_at is not None)
        for a in Attendance.objects.filter(session=session).select_related("member")
    }
    assert rows == {
        world.members[0].code: (Status.PRESENT, "qr", True),
        grid_member.code: (Status.PRESENT, "grid", False),
    }

    # The rate of every unit: cell 1 has 2 of its 3 members, cell 2 none of 1.
    page.goto(campaign_url)
    shot(page, "27-ty-le-theo-don-vi")
    table = page.locator("table.dense").first
    cell1 = table.locator("tr", has_text=world.cell.name)
    cell2 = table.locator("tr", has_text=world.cell2.name)
    assert cell1.locator("td").nth(3).inner_text() == "66,67%"
    assert cell2.locator("td").nth(3).inner_text() == "0,00%"
    assert "dưới chỉ tiêu" in cell1.inner_text()
    totals = page.locator("article", has_text="đảng viên đã học")
    assert "50,00%" in totals.inner_text() and "(2/4)" in totals.inner_text()
