"""API keys: made, revoked and checked here, the one place of their rules.

- A key is made by a writer (province or commune staff, a cell's secretary) for a
  unit of their scope, reading only unless they ask for writing, for at most
  ``settings.API_KEY_MAX_DAYS`` days. It is ``tg_<prefix>_<secret>``: the prefix finds
  its row, the secret (32 random URL-safe characters, 192 bits) is checked against a
  keyed digest (HMAC-SHA-256 under the secret key); the whole key is shown once.
- A key acts as the account that made it, narrowed: its scope is the key's unit
  (``Scope(unit=key.unit, read_only=not key.can_write)``), so every service's own
  check applies, and a key whose account no longer covers the key's unit (moved,
  unassigned, inactive) opens nothing.
- A key is revoked by its maker or by staff whose scope covers its unit; revoked or
  expired, it is refused like an unknown key (401).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import replace

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tuyengiao.lib.actors import account_of
from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import access
from tuyengiao.orgs.models import Unit

from .models import ApiKey

Actor = AbstractBaseUser | AnonymousUser | access.SystemActor

_SALT = "tuyengiao.api.keys"
PREFIX_LENGTH = 10
_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


def _digest(secret: str) -> str:
    return salted_hmac(_SALT, secret, algorithm="sha256").hexdigest()


def check_maker(actor: Actor, unit: Unit) -> None:
    """``PermissionDenied`` unless ``actor`` may make a key for ``unit``: a writer
    whose scope covers it."""
    if not access.can_write_unit(actor, unit):
        raise PermissionDenied(
            "Chỉ cán bộ và bí thư chi bộ tạo được khóa API, cho đơn vị trong phạm vi của mình."
        )


@transaction.atomic
def key_create(
    *, actor: Actor, name: str, unit: Unit, can_write: bool, days: int
) -> tuple[ApiKey, str]:
    """A new key and its text (shown once)."""
    check_maker(actor, unit)
    account = account_of(actor)
    if account is None:  # the system actor makes no key: a key acts as an account
        raise PermissionDenied("Khóa API phải thuộc về một tài khoản.")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Đặt tên cho khóa (hệ thống hoặc người sẽ dùng nó).")
    if len(name) > 120:
        raise ValidationError("Tên khóa dài tối đa 120 ký tự.")
    if not 1 <= days <= settings.API_KEY_MAX_DAYS:
        raise ValidationError(
            f"Thời hạn của khóa từ 1 đến {format_int(settings.API_KEY_MAX_DAYS)} ngày."
        )
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(24)
    key = ApiKey.objects.create(
        name=name,
        user=account,
        unit=unit,
        can_write=can_write,
        prefix=prefix,
        digest=_digest(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return key, f"tg_{prefix}_{secret}"


def keys_visible_to(actor: Actor) -> QuerySet[ApiKey]:
    """The keys an account sees: its own, and for staff the keys of their subtree."""
    scope = access.scope_of(actor)
    if scope is None:
        return ApiKey.objects.none()
    mine = Q(user_id=actor.pk)
    if scope.is_staff and scope.can_write:
        mine |= access.unit_q(scope, "unit")
    return ApiKey.objects.filter(mine).select_related("unit", "user")


@transaction.atomic
def key_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    if not keys_visible_to(actor).filter(pk=key.pk).exists():
        raise PermissionDenied("Bạn không thu hồi được khóa này.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def authenticate(text: str) -> User | None:
    """The account a key acts as, its scope narrowed to the key (``None``: no such
    key, a wrong secret, revoked, expired, or an account that no longer covers it)."""
    parts = (text or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "tg" or len(parts[1]) != PREFIX_LENGTH:
        return None
    key = ApiKey.objects.select_related("user", "unit").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.digest, _digest(parts[2])):
        return None
    now = timezone.now()
    if key.revoked_at is not None or key.expires_at <= now or not key.user.is_active:
        return None
    user = key.user
    scope = access.scope_of(user)
    if scope is None or not scope.can_write or not scope.covers(key.unit):
        return None
    narrowed = replace(scope, unit=key.unit, read_only=not key.can_write)
    user._tuyengiao_scope = narrowed  # type: ignore[attr-defined]  # access.scope_of's cache
    if key.last_used_at is None or now - key.last_used_at > _USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return user
