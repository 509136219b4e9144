"""Response headers that keep every page on the system's own origin.

The Content-Security-Policy allows scripts, styles, images, fonts and connections
from this origin only (plus ``data:`` images, which the vendored CSS uses for its
icons). Pages therefore cannot load anything from outside, even by mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes are used for tree indentation and chart bars.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=()")
        return response


class TwoFactorMiddleware:
    """After the password, the second factor (when ``TWO_FACTOR_ENFORCED``).

    A user whose role is in ``TWO_FACTOR_REQUIRED_ROLES`` (superusers and staff
    count as ``admin``) and who has no confirmed device is sent to enrol; anyone
    with a confirmed device is sent to enter a code until the session is
    verified. Others (optional roles without a device) pass.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        user: User | AnonymousUser | None = getattr(request, "user", None)
        if (
            settings.TWO_FACTOR_ENFORCED
            and user is not None
            and user.is_authenticated
            # django-otp's OTPMiddleware adds is_verified() to the user; no stubs know it
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            target = self._target(request, user)
            if target is not None:
                return target
        return self.get_response(request)

    def _target(self, request: HttpRequest, user: User | AnonymousUser) -> HttpResponse | None:
        from django.conf import settings
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from . import twofactor

        enrol, verify = reverse("trust:enrol"), reverse("trust:verify")
        exempt = {enrol, verify, reverse("logout"), reverse("login")}
        if request.path in exempt or request.path.startswith(settings.STATIC_URL):
            return None
        if twofactor.has_device(user):
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        if twofactor.is_required(user):
            return redirect(enrol)
        return None


class ForwardedForMiddleware:
    """Only a trusted reverse proxy may name the client's address.

    django-auditlog records the first ``X-Forwarded-For`` address when the header
    is present. Without a proxy (``USE_X_FORWARDED_FOR`` false) any client could
    write a false address into the audit trail, so the header is dropped; behind
    the proxy it is reduced to one valid address (or dropped if it is not one).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import contextlib
        import ipaddress

        from django.conf import settings

        raw = request.META.pop("HTTP_X_FORWARDED_FOR", None)
        if raw and getattr(settings, "USE_X_FORWARDED_FOR", False):
            first = raw.split(",")[0].strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(first))
        return self.get_response(request)


class VietnameseErrorPagesMiddleware:
    """The Vietnamese 404/403/400/500 pages whatever ``DEBUG`` says.

    With ``DEBUG`` on (``make run``), Django answers a ``Http404`` raised by a view -- a
    member opening a unit outside their scope -- and an address that matches no URL with
    its English technical page, and an error with the English traceback page. Here those
    get the same handlers (``handler404`` ... ``handler500``) as in production; the
    traceback of a real error still goes to the console through the ``django.request``
    logger, and ``got_request_exception`` is still sent (the test client re-raises it).
    Without ``DEBUG`` Django already does this, so the middleware steps aside. It is the
    last middleware, so its ``process_exception`` runs first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.urls import Resolver404, resolve

        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self._page(request, 404, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        import logging

        from django.conf import settings
        from django.core import signals
        from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
        from django.http import Http404
        from django.http.multipartparser import MultiPartParserError
        from django.utils.log import log_response

        if not settings.DEBUG:
            return None
        if isinstance(exc, Http404):
            status = 404
        elif isinstance(exc, PermissionDenied):
            status = 403
        elif isinstance(exc, MultiPartParserError | BadRequest | SuspiciousOperation):
            status = 400
        else:
            status = 500
        response = self._page(request, status, exc)
        if status == 500:
            signals.got_request_exception.send(sender=None, request=request)
            log_response(
                f"{exc.__class__.__name__}: {request.path}",
                response=response,
                request=request,
                exception=exc,
                logger=logging.getLogger("django.request"),
            )
        return response

    @staticmethod
    def _page(request: HttpRequest, status: int, exc: Exception) -> HttpResponse:
        from django.urls import get_resolver, get_urlconf

        handler = get_resolver(get_urlconf()).resolve_error_handler(status)
        if status == 500:
            return _response(handler(request))
        # the stubs type the handler as a view without the exception argument
        return _response(handler(request, exception=exc))  # type: ignore[call-arg]


def _response(response: HttpResponse) -> HttpResponse:
    return response


class BadInputMiddleware:
    """Refuse input no page can use, before any view or query sees it.

    A NUL byte in the path, a query or form parameter (or an uploaded file's
    name) cannot be stored in PostgreSQL and means nothing in a name or code; a
    form posted in any character set other than UTF-8 cannot be read as the
    user typed it. Both get a 400 page saying so in Vietnamese, never a 500.
    """

    CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}
    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = self.refusal(request)
        if reason:
            from django.template.loader import render_to_string

            html = render_to_string("trust/bad_request.html", {"reason": reason})
            return HttpResponse(html, status=400)
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> str:
        if "\x00" in request.path or _has_nul(request.GET.lists()):
            return "Địa chỉ hoặc tham số có ký tự rỗng (NUL), không dùng được."
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return ""
        content_type = request.content_type or ""
        if content_type not in self.FORMS:
            return ""
        charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
        if charset not in self.CHARSETS:
            return "Biểu mẫu phải gửi bằng bảng mã UTF-8."
        if _has_nul(request.POST.lists()) or any(
            "\x00" in (f.name or "") for _, files in request.FILES.lists() for f in files
        ):
            return "Dữ liệu gửi lên có ký tự rỗng (NUL), không dùng được."
        return ""


def _has_nul(items: Iterable[tuple[str, Sequence[object]]]) -> bool:
    for key, values in items:
        if "\x00" in key or any("\x00" in v for v in values if isinstance(v, str)):
            return True
    return False
