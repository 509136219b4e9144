"""Who must use two-factor sign-in (pure rules, no writes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def roles_of(user: Any) -> set[str]:
    from tuyengiao.orgs.access import scope_of

    roles: set[str] = set()
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        roles.add("admin")
    scope = scope_of(user)
    if scope is not None:
        roles.add(scope.role)
    return roles


def is_required(user: Any) -> bool:
    return bool(roles_of(user) & set(settings.TWO_FACTOR_REQUIRED_ROLES))


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
