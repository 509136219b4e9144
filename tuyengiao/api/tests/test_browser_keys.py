"""Real browser: commune staff make an API key on its page and another system reads
with it; the key is revoked on the same page and stops working."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tuyengiao.trust.tests.test_browser import browser, page, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(base: str, key: str) -> int:
    request = urllib.request.Request(  # noqa: S310  http: the test's own live server
        f"{base}/api/v1/units", headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310  the test's own server
            assert [u["code"] for u in json.load(answer)["items"]] == ["CB1"]
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_make_use_and_revoke_a_key(page: Any, world: Any, live_server: Any) -> None:  # noqa: F811
    sign_in(page, "xa")
    page.wait_for_url("**/")
    page.locator("header details.user-menu summary").click()
    page.get_by_role("link", name="Khóa API").click()
    page.wait_for_url("**/khoa-api/")
    page.get_by_label("Tên khóa").fill("Phần mềm thống kê")
    page.get_by_placeholder("Gõ tên hoặc mã", exact=False).fill("ban mot")
    page.get_by_label("Chi bộ bản Một", exact=False).check()
    page.get_by_role("button", name="Tạo khóa").click()
    page.get_by_role("heading", name="Khóa API mới").wait_for()
    key = page.locator("#khoa").input_value()
    assert key.startswith("tg_")
    assert _call(live_server.url, key) == 200

    page.get_by_role("link", name="« Khóa API").click()
    row = page.get_by_role("row").filter(has_text="Phần mềm thống kê")
    assert "chỉ đọc" in row.inner_text()
    row.get_by_role("button", name="Thu hồi").click()
    page.get_by_text("Đã thu hồi khóa “Phần mềm thống kê”.").wait_for()
    assert _call(live_server.url, key) == 401
