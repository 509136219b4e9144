"""Audit trail, two-factor sign-in, password change and the member-list export."""

from __future__ import annotations

import base64
import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.http import AuthedRequest
from tuyengiao.orgs import access
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.models import Member

from . import exports, selectors, services, twofactor
from .models import AccessLog


def _date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        errors.append(f"{label}: {exc}")
        return None


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    access.require_audit_reader(request.user)
    errors: list[str] = []
    g = request.GET
    f = selectors.AuditFilter(
        who=g.get("ai", "")[:150],
        model=g.get("loai", "")[:100],
        obj=g.get("doi_tuong", "")[:200],
        date_from=_date(g.get("tu_ngay", ""), "Từ ngày", errors),
        date_to=_date(g.get("den_ngay", ""), "Đến ngày", errors),
    )
    page = Paginator(selectors.audit_entries(f), 50).get_page(g.get("trang"))
    entries = list(page.object_list)
    related = selectors.related_names(entries)  # one query per related model
    rows = [(e, selectors.describe_changes(e, related)) for e in entries]
    query = g.copy()
    query.pop("trang", None)
    return render(
        request,
        "trust/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "raw": g,
            "errors": errors,
            "types": selectors.audited_types(),
            "query": query.urlencode(),
        },
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: AuthedRequest) -> HttpResponse:
    """Scan the QR code with an authenticator app, then confirm with a code.

    A user who already has a device must have passed the second factor in this
    session before seeing a new secret, and replaces the device only with a
    current code of the old one (the service checks that code)."""
    has_device = twofactor.has_device(request.user)
    # django-otp's OTPMiddleware adds is_verified() to the user; no stubs know it
    if has_device and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('trust:verify')}?{urlencode({'next': request.get_full_path()})}")
    device = services.totp_device_start(actor=request.user)
    error = ""
    if request.method == "POST":
        try:
            services.totp_device_confirm(
                actor=request.user,
                device=device,
                token=request.POST.get("ma", ""),
                current_token=request.POST.get("ma_cu", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            otp_login(request, device)
            messages.success(request, "Đã bật xác thực hai lớp cho tài khoản của bạn.")
            return redirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode()
    # viewBox only (no fixed width): CSS sizes it and the whole code stays visible.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#222", omitsize=True)
    context = {
        "qr": qr,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "error": error,
        "required": twofactor.is_required(request.user),
        "has_device": has_device,
        "next": request.GET.get("next", ""),
    }
    return render(request, "trust/enrol.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    """The second step after the password: a code from the authenticator app."""
    if not twofactor.has_device(request.user):
        return redirect("trust:enrol")
    error = ""
    if request.method == "POST":
        try:
            device = services.totp_verify(actor=request.user, token=request.POST.get("ma", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "trust/verify.html",
        {"error": error, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.password_change(
                actor=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
                again=request.POST.get("again", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Đã đổi mật khẩu.")
            return redirect("home")
    return render(
        request, "trust/password_change.html", {"errors": errors}, status=422 if errors else 200
    )


@login_required
@require_GET
def member_export(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_export(request.user, code)
    day = org_selectors.today()
    data, count = exports.member_list_xlsx(unit, day)
    services.access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT_MEMBERS,
        target=unit,
        key=unit.code,
        request=request,
        row_count=count,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="dang-vien-{unit.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def record_member_view(request: HttpRequest, member: Member, **_: object) -> None:
    """Receives ``orgs.hooks.member_viewed`` (connected in ``TrustConfig.ready``): every
    view of a member's record leaves a row."""
    services.access_record(
        actor=request.user,
        action=AccessLog.Action.VIEW_MEMBER,
        target=member,
        key=member.code,
        request=request,
    )
