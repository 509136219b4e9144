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


def spray(client: Any, usernames: list[str], address: str) -> list[int]:
    """One common password tried once on each username, from one address."""
    return [
        client.post(
            "/dang-nhap/", {"username": u, "password": "Matkhau@123"}, REMOTE_ADDR=address
        ).status_code
        for u in usernames
    ]


def test_password_spraying_from_one_address_is_stopped(
    client: Any, world: Any, settings: Any
) -> None:
    """Each username fails once, far under its own limit of 5; the address's failures
    together reach ``SIGNIN_ADDRESS_FAILURE_LIMIT`` and the address is refused, even
    with a right password, while the same account signs in from elsewhere."""
    settings.AXES_ENABLED = True
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 8
    answers = spray(client, [f"can-bo-{i}" for i in range(8)], "10.0.0.7")
    assert answers == [200] * 8  # the sign-in form again, with its error
    refused = attempt(client, PASSWORD, "10.0.0.7")
    text = refused.content.decode()
    assert refused.status_code == 429 and "Từ địa chỉ mạng này" in text and "quá 8 lần" in text
    assert "_auth_user_id" not in client.session
    signed_in = attempt(client, PASSWORD, "10.0.0.8")
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


def test_an_office_under_the_address_limit_is_not_locked(
    client: Any, world: Any, settings: Any
) -> None:
    """Typing mistakes of several people behind one address stay under the limit."""
    settings.AXES_ENABLED = True
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 8
    assert spray(client, [f"can-bo-{i}" for i in range(7)], "10.0.0.7") == [200] * 7
    signed_in = attempt(client, PASSWORD, "10.0.0.7")
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


def test_the_username_lock_says_which_lock(client: Any, world: Any, settings: Any) -> None:
    settings.AXES_ENABLED = True
    for _ in range(5):
        attempt(client, "sai-mat-khau", "10.0.0.1")
    text = attempt(client, PASSWORD, "10.0.0.1").content.decode()
    assert "Tài khoản đã đăng nhập sai quá 5 lần trong 15 phút" in text
    assert "Từ địa chỉ mạng này" not in text
