"""Writes of the trust app: access records, two-factor devices, passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuyengiao.lib.numbers import is_digits

from .models import AccessLog

if TYPE_CHECKING:
    from django.db.models import Model

    from tuyengiao.orgs.access import SystemActor

DEVICE_NAME = "Ứng dụng xác thực"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (``ForwardedForMiddleware`` has already put a trusted
    proxy's X-Forwarded-For address here, and dropped an untrusted one)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def access_record(
    *,
    actor: User | AnonymousUser | SystemActor,
    action: str,
    target: Model,
    key: str,
    request: HttpRequest | None = None,
    row_count: int | None = None,
) -> AccessLog:
    """Record that ``actor`` viewed or exported personal data held by ``target``."""
    if action not in AccessLog.Action.values:
        raise ValidationError(f"Thao tác không hợp lệ: {action}")
    return AccessLog.objects.create(
        user=actor if isinstance(actor, User) else None,
        action=action,
        object_type=target._meta.label,
        object_key=str(key)[:64],
        object_repr=str(target)[:255],
        row_count=row_count,
        remote_addr=client_ip(request),
    )


# --- two-factor sign-in ----------------------------------------------------------


@transaction.atomic
def totp_device_start(*, actor: User) -> TOTPDevice:
    """The user's pending (unconfirmed) device, created once so the QR code stays
    the same while they scan it."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def _clean_token(token: str) -> str:
    cleaned = "".join(ch for ch in str(token) if not ch.isspace())
    if not is_digits(cleaned) or len(cleaned) != 6:
        raise ValidationError("Mã xác thực gồm 6 chữ số.")
    return cleaned


def totp_device_confirm(
    *, actor: User, device: TOTPDevice, token: str, current_token: str = ""
) -> TOTPDevice:
    """Confirm a pending device with a code from the app; it replaces any older one.

    A user who already has a confirmed device replaces it only with a current
    code of that device (``current_token``): a password alone never enrols a new
    device over an old one. Without the old phone, an administrator resets the
    device (``totp_reset``) and the user enrols afresh.

    Not one atomic block: a wrong code must leave django-otp's throttling counter
    written (raising inside the transaction would roll it back and allow guessing).
    """
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError("Thiết bị không hợp lệ; hãy tải lại trang.")
    cleaned = _clean_token(token)
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        if not str(current_token or "").strip():
            raise ValidationError(
                "Tài khoản đã có ứng dụng xác thực: nhập mã hiện tại của ứng dụng cũ để thay "
                "thế (mất điện thoại thì nhờ quản trị viên đặt lại)."
            )
        try:
            totp_verify(actor=actor, token=current_token)
        except ValidationError as exc:
            raise ValidationError(
                "Mã của ứng dụng cũ không đúng hoặc đã hết hạn; hãy nhập mã mới."
            ) from exc
    with transaction.atomic():
        accepted = device.verify_token(cleaned)
    if not accepted:
        raise ValidationError("Mã xác thực không đúng hoặc đã hết hạn; hãy nhập mã mới.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_reset(*, actor: User | AnonymousUser | SystemActor, user: User) -> int:
    """An administrator removes every two-factor device of ``user`` (lost phone);
    the user enrols afresh at the next sign-in. ``access.SYSTEM`` is the
    ``reset_two_factor`` command; ``None`` is refused. The removal is in the audit trail."""
    from tuyengiao.orgs import access

    if not access.is_system(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị viên toàn quyền được đặt lại xác thực hai lớp.")
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    return int(count)


def totp_verify(*, actor: User, token: str) -> TOTPDevice:
    """The confirmed device that accepts ``token`` (each code works once; failures
    are counted by django-otp and slow further attempts down)."""
    cleaned = _clean_token(token)
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(actor, confirmed=True):
            if device.verify_token(cleaned):
                return device
    raise ValidationError("Mã xác thực không đúng hoặc đã hết hạn; hãy nhập mã mới.")


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str, again: str) -> None:
    """ASVS level 2: check the current password, length ≥ 8, refuse common,
    numeric-only and name-like passwords; no forced rotation."""
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": "Mật khẩu hiện tại không đúng."})
    if new_password != again:
        raise ValidationError({"again": "Hai lần nhập mật khẩu mới không khớp."})
    try:
        validate_password(new_password, user=actor)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
