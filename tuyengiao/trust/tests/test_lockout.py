"""Sign-in locking is by username, whatever the address (ASVS 6.3, issue 10 item 9)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_signin import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Any, password: str, address: str) -> Any:
    return client.post("/dang-nhap/", {"username": "xa", "password": password}, REMOTE_ADDR=address)


def test_a_locked_account_stays_locked_from_another_address(
    client: Any, world: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    for _ in range(5):
        attempt(client, "sai-mat-khau", "10.0.0.1")
    right = attempt(client, PASSWORD, "10.0.0.2")
    assert right.status_code == 429 and "sai quá 5 lần" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_spread_over_addresses_lock_the_account(
    client: Any, world: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2"]
    answers = [attempt(client, "sai-mat-khau", a).status_code for a in addresses]
    assert answers == [200, 200, 200, 200, 429]
    assert attempt(client, PASSWORD, "10.0.0.3").status_code == 429


def test_a_client_chosen_header_does_not_change_the_address(
    client: Any, world: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    client.post(
        "/dang-nhap/",
        {"username": "xa", "password": "sai"},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
        HTTP_X_REAL_IP="5.6.7.8",
    )
    assert AccessAttempt.objects.get(username="xa").ip_address == "10.0.0.9"
