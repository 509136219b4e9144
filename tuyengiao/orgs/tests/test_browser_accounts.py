"""Real browser: a cell's secretary issues accounts to the cell's members and prints
their activation codes; a member sets a password with the code and signs in."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.trust.tests.test_browser import browser, page, shot, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Hoc-tap-2026!"


def test_issue_codes_print_slips_and_activate(page: Any, world: Any) -> None:  # noqa: F811
    sign_in(page, "chibo")
    page.wait_for_url("**/")
    page.goto(f"/don-vi/{world.cell.code}/")
    page.get_by_role("link", name="Tài khoản đảng viên: cấp tài khoản, mã kích hoạt").click()
    page.wait_for_url(f"**/don-vi/{world.cell.code}/tai-khoan/")
    page.get_by_label("Lọc theo tài khoản").select_option(label="Chưa có tài khoản")
    # htmx swaps the rows: the member who has an account leaves the list
    page.get_by_role("link", name=world.members[0].full_name).wait_for(state="detached")
    page.get_by_label("Chọn mọi đảng viên trong trang").check()
    ticked = page.locator("input[name=dang_vien]:checked")
    assert ticked.count() == 2
    page.get_by_role("button", name="Cấp mã kích hoạt cho đảng viên đã chọn").click()
    page.get_by_role("heading", name="Phiếu mã kích hoạt").wait_for()
    assert page.get_by_role("button", name="In phiếu").is_visible()
    slips = page.locator("article.slip")
    assert slips.count() == 2
    first = slips.filter(has_text=world.members[1].full_name)
    code = first.locator(".slip-code").inner_text()
    shot(page, "phieu-ma-kich-hoat")
    page.emulate_media(media="print")  # printed: the slips only, to cut apart
    assert not page.locator("header.site").is_visible()
    assert not page.get_by_role("button", name="In phiếu").is_visible()
    assert first.is_visible()
    shot(page, "phieu-ma-kich-hoat-in")
    page.emulate_media(media="screen")

    page.context.clear_cookies()  # the member, on their own phone
    page.goto("/dang-nhap/")
    page.get_by_role("link", name="Lần đầu đăng nhập, hoặc quên mật khẩu?", exact=False).click()
    page.get_by_label("Tên đăng nhập").fill(world.members[1].code)
    page.get_by_label("Mã kích hoạt").fill(code.lower())
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    page.wait_for_url("**/dang-nhap/")
    assert page.get_by_text("Đã đặt mật khẩu cho tài khoản").is_visible()
    sign_in(page, world.members[1].code, NEW_PASSWORD)
    page.wait_for_url("**/")
    assert page.locator("header details.user-menu summary").inner_text() == world.members[1].code
