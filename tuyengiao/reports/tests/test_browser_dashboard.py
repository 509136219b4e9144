"""Real browser: the dashboard of a large unit waits for the task worker, then shows
its figures by itself (htmx asking again), with the time they were read; a campaign
chosen on it is one of the snapshot's variants; on a phone too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from tuyengiao.reports.tests import factories as f
from tuyengiao.tests.factories import document
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "?tu=01/01/2025&den=31/12/2025"


def test_a_large_units_dashboard_appears_when_the_worker_is_done(
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    world: Any,
    settings: Any,
    live_server: Any,
) -> None:
    settings.DASHBOARD_SNAPSHOT_UNITS = 2  # the province has six units under it
    first = f.campaign(
        world.province, document(), start=dt.date(2025, 3, 1), deadline=dt.date(2025, 4, 30)
    )
    second = f.campaign(
        world.province,
        document("66-NQ/TW", "Nghị quyết về đổi mới công tác xây dựng pháp luật"),
        start=dt.date(2025, 5, 1),
        deadline=dt.date(2025, 6, 30),
    )
    m = world.members
    f.session("HN1", first, world.cell, dt.date(2025, 3, 10), attendance={m[0]: "co_mat"})
    f.session("HN2", second, world.cell, dt.date(2025, 5, 10), attendance={m[1]: "co_mat"})

    sign_in(page, "tinh")
    page.wait_for_url("**/")
    page.goto("/bao-cao/" + PERIOD)
    page.get_by_text("đang được tổng hợp ở tiến trình nền").wait_for()
    assert page.locator("#phan-study").count() == 0
    shot(page, "70-tong-hop-dang-tinh")

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    page.get_by_text("Số liệu tổng hợp lúc").wait_for()  # the page asked again by itself
    study = page.locator("#phan-study")
    assert "Đảng ủy xã Một" in study.inner_text()
    shot(page, "71-tong-hop-tu-so-lieu-da-tinh")

    page.get_by_role("link", name=second.title).first.click()
    page.wait_for_url(f"**dot={second.pk}**")
    page.get_by_text("Số liệu tổng hợp lúc").wait_for()
    assert second.title in page.locator("#phan-study").inner_text()

    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    phone.set_default_timeout(10_000)
    small = phone.new_page()
    sign_in(small, "tinh")
    small.wait_for_url("**/")
    small.goto("/bao-cao/" + PERIOD)
    small.get_by_text("Số liệu tổng hợp lúc").wait_for()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    shot(small, "72-tong-hop-dien-thoai")
    phone.close()
