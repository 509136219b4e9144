"""Real-browser tests: Debian's chromium driven by Playwright against the live server.

Screenshots of the key pages go to ``var/screenshots/``. The browser is never
downloaded by Playwright: the executable is ``/usr/bin/chromium`` (``.ci/run``
installs Debian's package).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings as django_settings

from tuyengiao.imports.tests.test_workbook_import import workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "mat-khau-dai-123"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (never playwright install)")
    from playwright.sync_api import sync_playwright

    # Playwright's event loop runs in this thread while the tests' fixtures use
    # the ORM (and flush the database afterwards): allowed for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, world: Any) -> Iterator[Any]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1200, "height": 900}
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_sign_in_browse_the_tree_on_a_date_and_search_without_marks(page: Any, world: Any) -> None:
    page.goto("/")
    assert "/dang-nhap/" in page.url
    shot(page, "01-dang-nhap")
    sign_in(page, "tinh")
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Nhật ký").is_visible()
    page.locator("header details.user-menu summary").click()
    assert page.get_by_role("link", name="Đổi mật khẩu").is_visible()
    assert page.get_by_role("link", name="Xác thực hai lớp").is_visible()
    page.wait_for_timeout(400)  # Pico fades the dropdown in
    shot(page, "02-trang-chu")
    page.locator("header details.user-menu summary").click()

    page.goto("/don-vi/")
    page.get_by_label("Cơ cấu tại ngày").fill("01/06/2023")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**ngay=01%2F06%2F2023")
    assert page.get_by_role("link", name="Tỉnh ủy Thử").is_visible()
    assert page.get_by_role("link", name="Chi bộ bản Một").count() == 0
    page.get_by_label("Cơ cấu tại ngày").fill("15/03/2024")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**ngay=15%2F03%2F2024")
    assert page.get_by_role("link", name="Chi bộ bản Một").count() == 0  # opened when asked
    page.locator("summary", has_text="Đảng ủy xã Một").locator("small").click()
    page.get_by_role("link", name="Chi bộ bản Một").wait_for()
    shot(page, "03-cay-to-chuc")

    page.get_by_role("link", name="Đảng ủy xã Một").click()
    page.get_by_label("Tìm đảng viên").fill("nguyen van")
    from playwright.sync_api import expect

    rows = page.locator("#member-rows tbody tr")
    rows.filter(has_text="Nguyễn Văn An").wait_for()
    expect(rows).to_have_count(1)
    assert "Trần Thị Bình" not in page.locator("#member-rows").inner_text()
    shot(page, "04-tim-dang-vien")

    page.goto("/an-toan/nhat-ky/?loai=orgs.unit")
    assert page.get_by_role("heading", name="Nhật ký hệ thống").is_visible()
    assert page.locator("table.audit tbody tr").count() >= 6
    shot(page, "05-nhat-ky")
    page.goto("/an-toan/hai-lop/")
    assert page.locator("figure.qr svg").is_visible()
    shot(page, "06-xac-thuc-hai-lop")


def test_upload_a_workbook_with_an_error_and_download_the_template(
    page: Any, world: Any, tmp_path: Path, settings: Any
) -> None:
    # the preview is a background task: run it at once (the page polls until it is done)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sign_in(page, "xa")
    page.wait_for_url("**/")
    page.goto("/nhap-du-lieu/")
    with page.expect_download() as info:
        page.get_by_role("link", name="mẫu nhập dữ liệu").click()
    saved = tmp_path / "mau.xlsx"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "mau-nhap-du-lieu.xlsx"
    sheets = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).sheetnames
    assert "Đơn vị" in sheets and "Đảng viên" in sheets

    bad = workbook(
        units=[["CB9", "Chi bộ bản Chín", "XA1", "Chi bộ", "31/02/2025"]],
        members=[],
    )
    book = tmp_path / "co-loi.xlsx"
    book.write_bytes(bad)
    page.get_by_label("Tệp bảng tính").set_input_files(str(book))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    errors = page.locator("#import-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "chưa ghi dữ liệu nào" in text
    assert "31/02/2025" in text and "Hiệu lực từ" in text
    shot(page, "07-nhap-du-lieu-loi")


def test_lockout_shows_a_clear_message(page: Any, world: Any, settings: Any) -> None:
    settings.AXES_ENABLED = True
    for _ in range(5):
        sign_in(page, "chibo", "sai-mat-khau")
    assert page.get_by_role("heading", name="Tạm khoá đăng nhập").is_visible()
    assert "sai quá 5 lần trong 15 phút" in page.get_by_role("alert").inner_text()
    shot(page, "08-tam-khoa")
