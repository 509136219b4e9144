"""Real browser: record a news item and an award on the web and find them in the
downloaded report (issue 17, "done when")."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from tuyengiao.media.models import Award, MediaOutput
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_ready(tab: Any) -> None:
    tab.wait_for_load_state("load")
    tab.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def _pick_unit(tab: Any, search: str, code: str) -> None:
    _htmx_ready(tab)
    with tab.expect_response(lambda r: "/tim-don-vi/" in r.url, timeout=30_000):
        tab.locator("#chon-unit input[type=search]").fill(search)
    tab.locator(f"#chon-unit-results input[value='{code}']").check()


def test_record_a_news_item_and_an_award_and_find_them_in_the_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sign_in(page, "xa")

    page.goto("/tin-bai/them/")
    _pick_unit(page, "chi bo ban mot", world.cell.code)
    page.get_by_label("Từ ngày").fill("01/10/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.locator("select[name=kind]").select_option(label="Chương trình phát thanh")
    page.get_by_label("Ngôn ngữ").fill("tiếng Mông")
    page.get_by_label("Số lượng").fill("14")
    page.get_by_label("Thời lượng (phút)").fill("210")
    page.get_by_label("Số hiệu văn bản được tuyên truyền").fill("57-NQ/TW")
    shot(page, "70-ghi-tin-bai")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/tin-bai/?*")
    page.get_by_text("1 số liệu · 14 sản phẩm · 210 phút").wait_for()
    shot(page, "71-danh-sach-tin-bai")
    output = MediaOutput.objects.get()
    assert (output.unit, output.language, output.minutes) == (world.cell, "Mông", 210)

    page.goto("/khen-thuong/them/")
    page.get_by_label("Mã", exact=True).fill("KNC-XA1-1")
    page.locator("select[name=kind]").select_option(label="Kỷ niệm chương")
    page.locator("input[name=name]").fill("Kỷ niệm chương Vì sự nghiệp Tuyên giáo")
    _pick_unit(page, "chi bo ban mot", world.cell.code)
    page.get_by_label("Mã đảng viên (nếu khen một đảng viên)").fill(world.members[0].code)
    page.get_by_label("Ngày", exact=True).fill("20/11/2025")
    page.get_by_label("Số quyết định").fill("125-QĐ/BTGDVTW")
    shot(page, "72-ghi-khen-thuong")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/khen-thuong/?*")
    page.get_by_text("Kỷ niệm chương Vì sự nghiệp Tuyên giáo").first.wait_for()
    assert Award.objects.get(code="KNC-XA1-1").member == world.members[0]

    page.goto("/bao-cao/lap-bao-cao/")
    page.locator("select[name=unit]").select_option(world.commune.code)
    page.get_by_label("Từ ngày").fill("01/07/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("button", name="Tải về")
    link.wait_for()
    shot(page, "73-bao-cao-tin-bai")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = [list(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]

    def value(label: str) -> Any:
        row = next(r for r in rows if label in r)
        return next(c for c in row[row.index(label) + 1 :] if c is not None)

    assert value("Số tin, bài, chương trình tuyên truyền") == 14
    assert value("Thời lượng tin bài, chương trình (phút)") == 210
    assert value("Sản phẩm bằng tiếng khác ngoài tiếng Việt") == 14
    assert value("Số khen thưởng, điển hình, mô hình") == 1
    assert value("Kỷ niệm chương") == 1
