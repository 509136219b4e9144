"""Enrolment never replaces a device on the password alone (issue 10, item 1)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuyengiao.trust import services

from .test_signin import PASSWORD, code_for, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(world: Any, settings: Any) -> TOTPDevice:
    settings.TWO_FACTOR_ENFORCED = True
    return TOTPDevice.objects.create(user=world.users["province"], name="cu", confirmed=True)


def test_password_only_session_cannot_see_a_new_secret_nor_enrol(
    client: Any, world: Any, enrolled: TOTPDevice
) -> None:
    login(client, "tinh")
    page = client.get("/an-toan/hai-lop/")
    assert page.status_code == 302 and page["Location"].startswith("/an-toan/xac-minh/")
    assert not TOTPDevice.objects.filter(confirmed=False).exists()  # no fresh secret made
    # A pending device made some other way still cannot be confirmed by this session.
    pending = TOTPDevice.objects.create(user=enrolled.user, name="moi", confirmed=False)
    r = client.post("/an-toan/hai-lop/", {"ma": code_for(pending)})
    assert r.status_code == 302 and r["Location"].startswith("/an-toan/xac-minh/")
    assert list(TOTPDevice.objects.filter(user=enrolled.user, confirmed=True)) == [enrolled]
    assert client.get("/don-vi/")["Location"].startswith("/an-toan/xac-minh/")


def test_the_service_refuses_a_replacement_without_the_old_code(
    world: Any, enrolled: TOTPDevice
) -> None:
    user = enrolled.user
    pending = services.totp_device_start(actor=user)
    with pytest.raises(ValidationError, match="mã hiện tại"):
        services.totp_device_confirm(actor=user, device=pending, token=code_for(pending))
    with pytest.raises(ValidationError, match="ứng dụng cũ không đúng"):
        services.totp_device_confirm(
            actor=user,
            device=pending,
            token=code_for(pending),
            current_token="000000" if code_for(enrolled) != "000000" else "111111",
        )
    pending.refresh_from_db()
    enrolled.refresh_from_db()
    assert not pending.confirmed and enrolled.confirmed


def test_a_verified_session_replaces_its_device_with_the_old_code(
    client: Any, world: Any, enrolled: TOTPDevice
) -> None:
    login(client, "tinh")
    assert client.post("/an-toan/xac-minh/", {"ma": code_for(enrolled)}).status_code == 302
    page = client.get("/an-toan/hai-lop/")
    assert page.status_code == 200 and 'name="ma_cu"' in page.content.decode()
    pending = TOTPDevice.objects.get(user=enrolled.user, confirmed=False)
    missing = client.post("/an-toan/hai-lop/", {"ma": code_for(pending)})
    assert missing.status_code == 422 and "mã hiện tại" in missing.content.decode()
    pending.refresh_from_db()
    pending.throttle_reset()
    ok = client.post("/an-toan/hai-lop/", {"ma": code_for(pending), "ma_cu": code_for(enrolled, 1)})
    assert ok.status_code == 302
    assert list(TOTPDevice.objects.filter(user=enrolled.user)) == [pending]
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed


def test_an_administrator_resets_a_lost_device_and_it_is_audited(
    client: Any, world: Any, enrolled: TOTPDevice
) -> None:
    out = StringIO()
    call_command("reset_two_factor", "tinh", stdout=out)
    assert "Đã đặt lại" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
    entry = LogEntry.objects.filter(object_pk=str(enrolled.user.pk)).latest("timestamp")
    assert entry.changes_dict["two_factor"] == ["cu", ""]
    # The user enrols afresh with the password (the enforced role has no device now).
    login(client, "tinh")
    assert client.get("/")["Location"] == "/an-toan/hai-lop/"
    # Only a superuser may reset through the service.
    with pytest.raises(PermissionDenied):
        services.totp_reset(actor=world.users["province"], user=world.users["commune"])


def test_deleting_a_device_in_the_admin_is_audited_with_the_admin(
    client: Any, world: Any, enrolled: TOTPDevice, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = False
    admin = get_user_model().objects.create_superuser("quantri", password=PASSWORD)
    client.force_login(admin)
    url = f"/quan-tri/otp_totp/totpdevice/{enrolled.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=enrolled.pk).exists()
    entry = LogEntry.objects.filter(object_pk=str(enrolled.user.pk)).latest("timestamp")
    assert entry.changes_dict["two_factor"] == ["cu", ""] and entry.actor == admin
