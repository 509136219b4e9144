"""Real browser: register a document from its DOCX header (issue 11). Shares the browser
fixtures of ``tuyengiao/trust/tests/test_browser.py``; screenshots in ``var/screenshots/``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tuyengiao.documents.models import Document
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    browser,
    page,
    shot,
    sign_in,
)

from .samples import docx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_document_from_its_docx_header(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(
        docx_bytes(
            [
                "TỈNH ỦY LÀO CAI\tĐẢNG CỘNG SẢN VIỆT NAM",
                "Số 15-KH/TU\tLào Cai, ngày 05 tháng 3 năm 2025",
                "KẾ HOẠCH",
                "HỌC TẬP CHUYÊN ĐỀ NĂM 2025",
            ]
        )
    )
    sign_in(page, "xa")
    page.goto("/van-ban/dang-ky/")
    page.locator("input[name=tep]").set_input_files(str(path))
    expect(page.locator("input[name=symbol]")).to_have_value("15-KH/TU")
    expect(page.locator("input[name=issue_date]")).to_have_value("05/03/2025")
    expect(page.locator("textarea[name=title]")).to_have_value("Học tập chuyên đề năm 2025")
    page.locator("textarea[name=title]").fill("Học tập chuyên đề năm 2025 (đã sửa)")
    shot(page, "30-dang-ky-van-ban-tu-tep")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/van-ban/*/")
    doc = Document.objects.get(symbol="15-KH/TU")
    assert doc.issue_date == dt.date(2025, 3, 5) and doc.title.endswith("(đã sửa)")
    assert doc.attachments.count() == 1


def test_back_after_a_search_shows_the_whole_page_not_the_results_alone(
    page: Any,  # noqa: F811
    world: Any,
) -> None:
    """The search pushes its URL (``hx-push-url``) and is answered with the results
    alone; the browser's Back to that URL from a document must get the whole page,
    not that answer from its cache (``Vary: HX-Request``)."""
    from tuyengiao.documents import services
    from tuyengiao.orgs.access import SYSTEM

    services.document_create(actor=SYSTEM, symbol="16-KH/TU", title="Kế hoạch học tập")
    services.document_create(actor=SYSTEM, symbol="17-NQ/TU", title="Nghị quyết về kinh tế")
    sign_in(page, "xa")
    page.goto("/van-ban/")
    page.locator("#q").fill("ke hoach")
    page.wait_for_url("**/van-ban/?q=ke%20hoach*")
    expect(page.locator("#results")).not_to_contain_text("17-NQ/TU")
    page.get_by_role("link", name="16-KH/TU").click()
    page.wait_for_url("**/van-ban/*/")
    page.go_back()
    page.wait_for_url("**/van-ban/?q=ke%20hoach*")
    expect(page.get_by_role("heading", name="Văn bản", exact=True)).to_be_visible()
    expect(page.locator("#q")).to_have_value("ke hoach")
    expect(page.locator("#results")).to_contain_text("16-KH/TU")
