"""Who must use two-factor sign-in (pure rules, no writes)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django_otp.plugins.otp_totp.models import TOTPDevice


def roles_for(*, admin: bool, role: str | None) -> set[str]:
    """The roles the rule looks at: ``admin`` for superusers and staff, and the
    role of the user's assignment."""
    return ({"admin"} if admin else set()) | ({role} if role else set())


def roles_of(user: User | AnonymousUser) -> set[str]:
    from tuyengiao.orgs.access import scope_of

    scope = scope_of(user)
    return roles_for(
        admin=getattr(user, "is_superuser", False) or getattr(user, "is_staff", False),
        role=scope.role if scope is not None else None,
    )


def requires(roles: set[str]) -> bool:
    return bool(roles & set(settings.TWO_FACTOR_REQUIRED_ROLES))


def is_required(user: User | AnonymousUser) -> bool:
    return requires(roles_of(user))


def has_device(user: User | AnonymousUser) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
