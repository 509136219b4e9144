"""Sign-in locking by address, beside django-axes' lock by username.

django-axes locks a username after ``AXES_FAILURE_LIMIT`` failures from any
address. Password spraying stays under that: one common password tried against
every username, a few times each. So failures from one address are counted too,
across usernames, over the same cool-off, with a limit high enough for a whole
office behind one NAT address (``SIGNIN_ADDRESS_FAILURE_LIMIT``): past it, that
address can sign in to no account until the oldest failures age out, whatever the
password. The count is read from axes' own attempt records.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .services import client_ip

_BY_ADDRESS = "tg_locked_by_address"


def address_failures(address: str) -> int:
    """Failed sign-ins from ``address`` within the cool-off, every username together."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total: int | None = attempts.aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class SignInLockBackend(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes ships no types
    """axes' backend (the username's lock), then the address's lock; authenticates
    no one itself (``ModelBackend`` follows in ``AUTHENTICATION_BACKENDS``)."""

    def authenticate(
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        # axes' own check first: nothing when it is off, its lockout when the username is locked
        super().authenticate(request, username, password, **kwargs)
        if not settings.AXES_ENABLED:
            return
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        if address and address_failures(address) >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            setattr(request, _BY_ADDRESS, True)
            request.axes_locked_out = True  # type: ignore[attr-defined]  # axes' flag, read by its middleware
            kwargs.get("response_context", {})["error"] = "address"
            raise AxesBackendPermissionDenied("too many failed sign-ins from this address")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page of a refused sign-in (``AXES_LOCKOUT_CALLABLE``): which lock, in Vietnamese."""
    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off is not None else None
    context = {
        "by_address": getattr(request, _BY_ADDRESS, False),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.SIGNIN_ADDRESS_FAILURE_LIMIT,
        "minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=429)
