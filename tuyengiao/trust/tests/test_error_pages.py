"""Whatever DEBUG says, a user sees only the Vietnamese error pages (issue 11.3).

``make run`` runs with DEBUG on; before, a member opening a unit outside their scope got
Django's English technical 404 listing the URL patterns.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client, override_settings

ENGLISH = ("Page not found", "Using the URLconf", "urlpatterns", "Traceback", "Request Method")


def _vietnamese(body: str, heading: str) -> None:
    assert heading in body
    for leak in ENGLISH:
        assert leak not in body


@override_settings(DEBUG=True)
def test_unit_outside_scope_is_the_vietnamese_404_with_debug_on(world: Any) -> None:
    client = Client()
    client.force_login(world.users["member"])
    page = client.get(f"/don-vi/{world.sibling_commune.code}/")
    assert page.status_code == 404
    _vietnamese(page.content.decode(), "Không tìm thấy")
    assert "Đăng xuất" in page.content.decode()  # the site's own page, with its menu


@override_settings(DEBUG=True)
def test_unknown_address_is_the_vietnamese_404_with_debug_on(world: Any) -> None:
    client = Client()
    client.force_login(world.users["member"])
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404
    _vietnamese(page.content.decode(), "Không tìm thấy")
    # APPEND_SLASH still redirects an address that only lacks its slash.
    assert client.get("/don-vi").status_code == 301


@override_settings(DEBUG=True)
def test_read_only_is_the_vietnamese_403_with_debug_on(world: Any) -> None:
    client = Client()
    client.force_login(world.users["member"])
    page = client.get("/bao-cao/lap-bao-cao/")
    assert page.status_code == 403
    _vietnamese(page.content.decode(), "Không có quyền")


@override_settings(DEBUG=True, ROOT_URLCONF="tuyengiao.trust.tests.urls_boom")
def test_error_is_the_vietnamese_500_with_debug_on_and_logged(
    world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["province"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        failed = client.get("/loi-thu/")
    assert failed.status_code == 500
    body = failed.content.decode()
    _vietnamese(body, "Lỗi hệ thống")
    assert "secret-internal-detail" not in body
    # The developer still has the traceback, in the console.
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "secret-internal-detail" in str(logged[0].exc_info[1])  # type: ignore[index]


@override_settings(DEBUG=True, ROOT_URLCONF="tuyengiao.trust.tests.urls_boom")
def test_test_client_still_raises_the_error(world: Any) -> None:
    client = Client()
    client.force_login(world.users["province"])
    with pytest.raises(RuntimeError):
        client.get("/loi-thu/")


@override_settings(DEBUG=True)
def test_csrf_failure_is_vietnamese(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    page = client.post("/dang-xuat/")
    assert page.status_code == 403
    body = page.content.decode()
    assert "Phiên làm việc" in body and "CSRF verification failed" not in body
