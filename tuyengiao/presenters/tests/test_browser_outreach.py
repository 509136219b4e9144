"""Real browser: record a dissemination event on the web and find its figures in the
downloaded report (issue 14)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from tuyengiao.presenters.models import DisseminationEvent
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

from .conftest import save
from .test_browser_presenters import _htmx_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_dissemination_event_and_find_it_in_the_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    save(code="TTV-CB1-1", full_name="Giàng A Sình", level="ttv", unit=world.cell)
    sign_in(page, "xa")

    page.goto("/bao-cao-vien/tuyen-truyen/them/")
    page.get_by_label("Mã buổi").fill("TT-TRINH-1")
    _htmx_ready(page)
    with page.expect_response(lambda r: "/tim-don-vi/" in r.url, timeout=30_000):
        page.locator("#chon-unit input[type=search]").fill("chi bo ban mot")
    page.locator(f"#chon-unit-results input[value='{world.cell.code}']").check()
    page.locator("input[name=date]").fill("12/10/2025")
    page.locator("select[name=form]").select_option(label="Lưu động")
    page.get_by_label("Báo cáo viên").fill("TTV-CB1-1")
    page.get_by_label("Ngôn ngữ").fill("Mông")
    page.get_by_label("Số lượt người nghe").fill("1235")
    shot(page, "43-ghi-buoi-tuyen-truyen")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/bao-cao-vien/tuyen-truyen/?don_vi=CB1")
    page.get_by_text("1.235 lượt người nghe").first.wait_for()
    event = DisseminationEvent.objects.get(code="TT-TRINH-1")
    assert (event.unit, event.date, event.language) == (world.cell, dt.date(2025, 10, 12), "Mông")

    page.goto("/bao-cao/lap-bao-cao/")
    page.locator("select[name=unit]").select_option(world.commune.code)
    page.get_by_label("Từ ngày").fill("01/09/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("button", name="Tải về")
    link.wait_for()
    shot(page, "44-bao-cao-tuyen-truyen")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = [list(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]

    def value(label: str) -> Any:
        row = next(r for r in rows if label in r)
        return next(c for c in row[row.index(label) + 1 :] if c is not None)

    assert value("Số buổi tuyên truyền miệng, lồng ghép") == 1
    assert value("Số lượt người nghe tuyên truyền") == 1235
    assert value("Số buổi tuyên truyền bằng tiếng Mông") == 1
    per_unit = book["Tuyên truyền, tập huấn theo ĐV"]
    assert ("CB1", "Chi bộ bản Một", 1, 1235, 0, 0, 0, 0) in list(
        per_unit.iter_rows(min_row=2, values_only=True)
    )
