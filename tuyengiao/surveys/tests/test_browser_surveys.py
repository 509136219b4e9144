"""Real browser at phone size: a respondent opens the unit's link (from the QR page a
secretary prints) on a phone with no account, answers and is thanked; the phone keeps
no cookie of the site and the response holds only unit, date and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.selectors import today
from tuyengiao.surveys import services
from tuyengiao.surveys.models import Answer, Response
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

from .conftest import parsed_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_answer_a_survey_on_a_phone_without_an_account(
    page: Any,  # noqa: F811
    phone: Any,
    world: Any,
) -> None:
    services.survey_save(
        actor=SYSTEM,
        form=parsed_form(),
        unit=world.commune,
        date_from=today() - dt.timedelta(days=1),
        date_to=today() + dt.timedelta(days=30),
    )
    sign_in(page, "chibo")
    page.wait_for_url("**/")
    page.goto(f"/khao-sat/KS-2026/ma-qr/?don_vi={world.cell.code}")
    assert page.locator("figure.qr svg").is_visible()
    link = page.locator("main a[href*='/khao-sat/tra-loi/']").first.get_attribute("href")
    assert link

    tab = phone.new_page()
    tab.goto(link)
    tab.get_by_label("Chưa tốt").check()
    tab.get_by_label("Hội nghị").check()
    tab.get_by_label("Mạng xã hội").check()
    tab.get_by_label("Bạn dự mấy buổi học tập trong năm?").fill("3")
    tab.get_by_label("Ý kiến khác").fill("Nên tổ chức buổi tối")
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    shot(tab, "70-khao-sat-dien-thoai")
    tab.get_by_role("button", name="Gửi phiếu").click()
    tab.locator("#thanks").wait_for()
    shot(tab, "71-khao-sat-cam-on")
    assert phone.cookies() == []
    response = Response.objects.get()
    assert (response.unit, response.date) == (world.cell, today())
    assert sorted(
        a.choice.name for a in Answer.objects.filter(choice__isnull=False) if a.choice
    ) == [
        "chua_tot",
        "hoi_nghi",
        "mang",
    ]
