"""Real browser: add a presenter, name them on a session, and find the figures in the
downloaded report (issue 14, "done when")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.presenters.models import Presenter, SessionPresenter
from tuyengiao.study import services
from tuyengiao.study.models import Status
from tuyengiao.tests import factories
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_ready(tab: Any) -> None:
    """Wait until htmx has processed the page: an input event fired before that is lost
    (seen once on a loaded machine)."""
    tab.wait_for_load_state("load")
    tab.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def test_add_a_presenter_name_them_on_a_session_and_find_them_in_the_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57-NQ/TW",
        documents=[factories.document()],
        owner=world.commune,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    session = services.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code="HN-BCV-1",
        host=world.cell,
        date=dt.date(2025, 10, 15),
        other_attendees=6,
    )
    services.attendance_bulk_set(
        actor=SYSTEM,
        entries=[services.AttendanceEntry(session.pk, world.members[0].pk, Status.PRESENT)],
        source="grid",
    )
    sign_in(page, "xa")

    page.goto("/bao-cao-vien/them/")
    page.get_by_label("Mã báo cáo viên").fill("BCV-XA1-9")
    page.get_by_label("Họ và tên").fill("Giàng A Sình")
    page.locator("select[name=level]").select_option(label="Báo cáo viên cơ sở")
    _htmx_ready(page)
    with page.expect_response(lambda r: "/tim-don-vi/" in r.url, timeout=30_000):
        page.locator("#chon-unit input[type=search]").fill("dang uy xa mot")
    page.locator(f"#chon-unit-results input[value='{world.commune.code}']").check()
    page.locator("input[name=valid_from]").fill("01/08/2025")
    page.locator("select[name=theory]").select_option(label="Cao cấp")
    page.get_by_label("Ngôn ngữ (ngoài tiếng Việt)").fill("Mông")
    shot(page, "40-them-bao-cao-vien")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/bao-cao-vien/bcv/BCV-XA1-9/")
    assert Presenter.objects.get(code="BCV-XA1-9").unit == world.commune

    page.goto("/hoc-tap/hoi-nghi/HN-BCV-1/")
    _htmx_ready(page)
    with page.expect_response(
        lambda r: "/bao-cao-vien/hoi-nghi/" in r.url and "q=" in r.url, timeout=30_000
    ):
        search = page.get_by_label("Tìm báo cáo viên")
        search.fill("giang a sinh")
        # Enter submits the search: through htmx once the lazily loaded panel is
        # processed, as a plain page before (on a loaded machine typing can come first)
        search.press("Enter")
    page.get_by_role("button", name="Thêm Giàng A Sình").click()
    page.wait_for_url("**/hoc-tap/hoi-nghi/HN-BCV-1/")
    page.locator("#session-presenters a", has_text="Giàng A Sình").wait_for()
    shot(page, "41-hoi-nghi-bao-cao-vien")
    assert SessionPresenter.objects.filter(session=session).count() == 1

    page.goto("/bao-cao-vien/bcv/BCV-XA1-9/")
    page.get_by_text("7 lượt người nghe").wait_for()  # 1 member present + 6 others

    page.goto("/bao-cao/lap-bao-cao/")
    page.locator("select[name=unit]").select_option(world.commune.code)
    page.get_by_label("Từ ngày").fill("01/09/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("button", name="Tải về")
    link.wait_for()
    shot(page, "42-bao-cao-bao-cao-vien")
    with page.expect_download() as download:
        link.click()
    import io

    import openpyxl

    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = [list(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]

    def value(label: str) -> Any:
        row = next(r for r in rows if label in r)
        return next(c for c in row[row.index(label) + 1 :] if c is not None)

    assert value("Số báo cáo viên") == 1
    assert value("Số hội nghị có báo cáo viên trong danh sách") == 1
    assert value("Số lượt người nghe") == 7  # 1 member present + 6 others
