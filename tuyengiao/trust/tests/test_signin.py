"""Lockout, two-factor sign-in and password rules, through the real views."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-123"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_five_failures_lock_the_account_with_a_vietnamese_message(
    client: Any, world: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    for _ in range(4):
        r = client.post("/dang-nhap/", {"username": "xa", "password": "sai-mat-khau"})
        assert r.status_code == 200 and "Tạm khoá" not in r.content.decode()
    fifth = client.post("/dang-nhap/", {"username": "xa", "password": "sai-mat-khau"})
    assert fifth.status_code == 429
    assert "sai quá 5 lần trong 15 phút" in fifth.content.decode()
    # Even the right password is refused while locked.
    right = client.post("/dang-nhap/", {"username": "xa", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(
    client: Any, world: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    for _ in range(4):
        client.post("/dang-nhap/", {"username": "xa", "password": "sai"})
    assert client.post("/dang-nhap/", {"username": "xa", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post("/dang-nhap/", {"username": "xa", "password": "sai"}).status_code == 200


def login(client: Any, username: str) -> Any:
    return client.post("/dang-nhap/", {"username": username, "password": PASSWORD})


def test_required_role_without_device_is_sent_to_enrol_then_in(
    client: Any, world: Any, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    login(client, "tinh")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/an-toan/hai-lop/"
    page = client.get("/an-toan/hai-lop/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Khoá bí mật" in html
    device = TOTPDevice.objects.get(user=world.users["province"], confirmed=False)
    wrong = client.post(
        "/an-toan/hai-lop/", {"ma": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 422 and "không đúng" in wrong.content.decode()
    assert client.post("/an-toan/hai-lop/", {"ma": "12ab"}).status_code == 422
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()  # as if the user waited out the delay
    ok = client.post("/an-toan/hai-lop/", {"ma": code_for(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_with_a_device_the_code_is_asked_after_the_password(
    client: Any, world: Any, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    device = TOTPDevice.objects.create(user=world.users["province"], name="x", confirmed=True)
    login(client, "tinh")
    r = client.get("/don-vi/")
    assert r.status_code == 302 and r["Location"] == "/an-toan/xac-minh/?next=%2Fdon-vi%2F"
    assert client.post("/an-toan/xac-minh/", {"ma": "abcdef"}).status_code == 422
    ok = client.post("/an-toan/xac-minh/", {"ma": code_for(device), "next": "/don-vi/"})
    assert ok.status_code == 302 and ok["Location"] == "/don-vi/"
    assert client.get("/don-vi/").status_code == 200
    # An outside address in next is ignored.
    client.logout()
    login(client, "tinh")
    device.refresh_from_db()
    r = client.post(
        "/an-toan/xac-minh/", {"ma": code_for(device, 1), "next": "https://evil.example/"}
    )
    assert r["Location"] == "/"


def test_superuser_counts_as_admin(client: Any, world: Any, settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    get_user_model().objects.create_superuser("quantri", password=PASSWORD)
    login(client, "quantri")
    assert client.get("/quan-tri/")["Location"] == "/an-toan/hai-lop/"


def test_optional_roles_pass_without_a_device_and_can_enrol(
    client: Any, world: Any, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    login(client, "chibo")
    assert client.get("/").status_code == 200
    client.get("/an-toan/hai-lop/")
    device = TOTPDevice.objects.get(user=world.users["secretary"])
    assert client.post("/an-toan/hai-lop/", {"ma": code_for(device)}).status_code == 302
    client.logout()
    login(client, "chibo")
    assert client.get("/")["Location"].startswith("/an-toan/xac-minh/")


def test_enforcement_can_be_switched_off(client: Any, world: Any, settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = False
    login(client, "tinh")
    assert client.get("/").status_code == 200


def test_required_roles_are_configurable(client: Any, world: Any, settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    login(client, "tinh")
    assert client.get("/").status_code == 200


def test_password_change_refuses_common_short_and_numeric_passwords(
    client_for: Any, world: Any
) -> None:
    client = client_for("commune")
    for bad in ("password123", "abc12", "8362519470"):
        r = client.post(
            "/an-toan/doi-mat-khau/",
            {"old_password": PASSWORD, "new_password": bad, "again": bad},
        )
        assert r.status_code == 422, bad
        assert r.context["errors"]["new_password"], bad
    assert (
        "quá phổ biến"
        in client.post(
            "/an-toan/doi-mat-khau/",
            {"old_password": PASSWORD, "new_password": "password123", "again": "password123"},
        ).content.decode()
    )
    wrong_old = client.post(
        "/an-toan/doi-mat-khau/",
        {"old_password": "khong-dung", "new_password": "mot cum tu dai", "again": "mot cum tu dai"},
    )
    assert "hiện tại không đúng" in wrong_old.content.decode()
    ok = client.post(
        "/an-toan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password": "núi cao sông dài", "again": "núi cao sông dài"},
    )
    assert ok.status_code == 302
    user = world.users["commune"]
    user.refresh_from_db()
    assert user.check_password("núi cao sông dài")
    assert client.get("/").status_code == 200  # the session survives the change


def test_wrong_codes_are_throttled_and_the_count_is_kept(
    client: Any, world: Any, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    device = TOTPDevice.objects.create(user=world.users["province"], name="x", confirmed=True)
    login(client, "tinh")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post("/an-toan/xac-minh/", {"ma": wrong}).status_code == 422
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # While throttled even the right code is refused.
    assert client.post("/an-toan/xac-minh/", {"ma": code_for(device)}).status_code == 422
    assert client.get("/").status_code == 302
