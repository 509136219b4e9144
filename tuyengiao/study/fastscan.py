"""The member's confirm step of a QR scan (``POST /hoc-tap/quet/``), answered in
front of Django's middleware stack on PostgreSQL.

At the opening of a large conference every member posts this form within a
minute or two. Through the full stack (fourteen middleware, the session and the
user loaded through the ORM, the two-factor and scope look-ups, one statement
per scan) the framework cost several times the check-in itself, so this WSGI
wrapper answers the common case on its own: a signed-in member whose session
and device are in order posting a fresh check-in (or check-out) token. It makes
the checks the stack would make, with Django's own code where it is cheap
(request parsing, host validation, the CSRF middleware's ``process_view``,
signed cookies, session decoding, the session's password hash), and hands the
scan to the process's ``ScanQueue``, whose writer reads the sessions and users
of all the scans waiting in two queries and writes them in one statement
(``write_group``):

- anything it is not sure of — no or an expired session, a session that is not
  a password sign-in through ``ModelBackend``, a changed password, an inactive
  user, a user the two-factor rule would send to enrol or verify, a stash from a
  scan before signing in, a CSRF or host refusal, a bad token, no device cookie
  yet, an unexpected body, HTTPS redirection due, a failed write — goes to
  Django unchanged (the body is replayed), which answers it as before;
- the answer it gives itself is the page the view renders (``scan_page``) with
  the headers the middleware would add (``tests/test_fastscan.py`` compares
  both paths page and header by header).

The write is the service's (``services.checkin_many`` / ``checkin_finish`` /
``checkout``), so the rules and the roll-up are the same on every path.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core import signals
from django.core.exceptions import DisallowedHost, ValidationError
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare

from tuyengiao.lib.db import fetchall_hot
from tuyengiao.trust import twofactor
from tuyengiao.trust.middleware import CSP

from . import services
from .scan_queue import ScanQueue

log = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MAX_BODY = 4096  # the form holds one token and the CSRF token
FORM = "application/x-www-form-urlencoded"

StartResponse = Callable[..., Any]


_DEFAULT: Any = object()
_NOT_HERE: Any = object()


class _NotHere(Exception):
    """This request is Django's to answer."""


@cache
def _scan_path() -> str:
    return reverse("study:scan")


@cache
def _sessions_sql() -> str:
    from django.contrib.sessions.models import Session

    return (
        f"SELECT session_key, session_data FROM {Session._meta.db_table} "
        "WHERE session_key = ANY(%s) AND expire_date > %s"
    )


@cache
def _users_sql() -> str:
    """The users' password hashes and flags, with what the two-factor rule needs
    (the role of their assignment, whether they have a confirmed device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tuyengiao.orgs.models import Assignment

    user = get_user_model()._meta.db_table
    return (
        "SELECT u.id, u.password, u.is_active, u.is_staff, u.is_superuser, u.username, "
        f"(SELECT a.role FROM {Assignment._meta.db_table} a WHERE a.user_id = u.id), "
        f"EXISTS (SELECT 1 FROM {TOTPDevice._meta.db_table} d "
        "WHERE d.user_id = u.id AND d.confirmed) "
        f"FROM {user} u WHERE u.id = ANY(%s)"
    )


def _csrf_accepts(request: WSGIRequest) -> bool:
    from . import views

    middleware = CsrfViewMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    return middleware.process_view(request, views.scan, (), {}) is None


def users_of(session_keys: list[str]) -> dict[str, Any]:
    """The signed-in user of each of these sessions that ``django.contrib.auth``
    would accept and the two-factor rule let through, in two queries whatever
    their number; a session missing from the answer is not the plain case (no
    or an expired session, another backend, an old password or secret key, an
    inactive user, a second factor due, a scan stashed before signing in) and
    is Django's to answer."""
    from .views import STASH_KEY

    rows = fetchall_hot(_sessions_sql(), [session_keys, timezone.now()])
    model = get_user_model()
    claimed: dict[str, tuple[Any, dict[str, Any]]] = {}
    store = SessionStore()
    for key, raw in rows:
        data = store.decode(raw)
        backend = data.get(BACKEND_SESSION_KEY)
        if STASH_KEY in data or "otp_device_id" in data:
            continue  # the view updates the session
        if backend != MODEL_BACKEND or backend not in settings.AUTHENTICATION_BACKENDS:
            continue
        try:
            claimed[key] = (model._meta.pk.to_python(data[SESSION_KEY]), data)  # type: ignore[union-attr]
        except (KeyError, ValidationError):
            continue
    if not claimed:
        return {}
    users = {}
    ids = list({user_id for user_id, _ in claimed.values()})
    for user_id, password, active, staff, superuser, username, role, device in fetchall_hot(
        _users_sql(), [ids]
    ):
        if not active:
            continue
        if settings.TWO_FACTOR_ENFORCED and (
            device or twofactor.requires(twofactor.roles_for(admin=staff or superuser, role=role))
        ):
            continue  # the two-factor step would intervene (trust.middleware)
        users[user_id] = model(
            pk=user_id,
            password=password,
            username=username,
            is_active=active,
            is_staff=staff,
            is_superuser=superuser,
        )
    answer = {}
    for key, (user_id, data) in claimed.items():
        user = users.get(user_id)
        if user is not None and constant_time_compare(
            data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
        ):  # no hash, an old password or an old secret key: Django flushes it
            answer[key] = user
    return answer


@dataclass(frozen=True)
class _Scan:
    session_key: str
    device_id: str
    now: dt.datetime


def write_group(session_id: int, scans: list[_Scan]) -> list[Any]:
    """The check-ins of a group of scans of one session: for each, ``_NOT_HERE``
    or (user, ``services.checkin_many``'s answer). A member scanning from two
    devices at once is written once; the other scan is Django's."""
    users = users_of([scan.session_key for scan in scans])
    answers: list[Any] = [_NOT_HERE] * len(scans)
    taken: list[tuple[int, Any]] = []
    seen: set[int] = set()
    for n, scan in enumerate(scans):
        user = users.get(scan.session_key)
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            taken.append((n, user))
    written = services.checkin_many(
        session_id, [services.Scan(user.pk, scans[n].device_id, scans[n].now) for n, user in taken]
    )
    for (n, user), answer in zip(taken, written, strict=True):
        answers[n] = (user, answer)
    return answers


def _headers(response: HttpResponse, secure: bool) -> None:
    """What the middleware adds to the scan view's answer (see the module's test)."""
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Language"] = settings.LANGUAGE_CODE
    response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        response.headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_REFERRER_POLICY:
        response.headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        response.headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        response.headers["Strict-Transport-Security"] = value
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Permissions-Policy"] = "camera=(self), microphone=()"
    response.headers["Content-Length"] = str(len(response.content))


def _answer(environ: dict[str, Any], queue: ScanQueue | None) -> HttpResponse:
    """The check-in or check-out of this request, or ``_NotHere``."""
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        raise _NotHere from None
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        raise _NotHere
    device = request.get_signed_cookie(
        services.DEVICE_COOKIE, default=None, salt=services.DEVICE_SALT
    )
    token = request.POST.get("t", "")
    if not device or not token or not _csrf_accepts(request):
        raise _NotHere
    try:
        session_id, kind = services.read_any_token(token)
    except ValidationError:
        raise _NotHere from None  # the view's own page for a bad token
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not session_key or len(session_key) > 40:
        raise _NotHere
    from .views import _errors, _scan_result

    context: dict[str, Any] = {"token": token, "kind": kind}
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if kind == services.IN:
                now = timezone.now()
                scan = _Scan(session_key, device, now)
                answer = (
                    queue.submit(session_id, scan, device)
                    if queue is not None
                    else write_group(session_id, [scan])[0]
                )
                if answer is _NOT_HERE or isinstance(answer, Exception):
                    raise _NotHere  # not the plain case, or the group failed: Django's
                user, written = answer
                result = services.checkin_finish(written, session_id, user, device, now)
            else:
                user = users_of([session_key]).get(session_key)
                if user is None:
                    raise _NotHere
                result = services.checkout(actor=user, token=token, device_id=device)
        except ValidationError as exc:
            context["error"] = _errors(exc)
            response = _scan_result(context, status=400)
        else:
            context.update({"result": result, "session": result.session})
            response = _scan_result(context)
    _headers(response, secure)
    return response


class ScanFastPath:
    """WSGI middleware: ``application = ScanFastPath(get_wsgi_application())``."""

    def __init__(
        self,
        app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
        queue: Any = _DEFAULT,
    ) -> None:
        self.app = app
        # PostgreSQL only: the grouped statements take arrays. (SQLite has one
        # writer at a time; a box running on it serves a commune.)
        postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        self.enabled = settings.CHECKIN_FAST_PATH and postgresql
        # The writer thread must see committed data: a test inside a transaction
        # passes ``queue=None`` (each scan written alone, in the request's thread).
        self.queue = ScanQueue(write_group) if queue is _DEFAULT else queue

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            self.enabled
            and environ.get("REQUEST_METHOD") == "POST"
            and environ.get("PATH_INFO") == _scan_path()
            and environ.get("CONTENT_TYPE", "").split(";")[0].strip() == FORM
        ):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if 0 < length <= MAX_BODY:
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)
                response = self._try(environ)
                if response is not None:
                    return self._send(response, start_response)
                environ["wsgi.input"] = io.BytesIO(body)  # replayed for Django
        return self.app(environ, start_response)

    def _try(self, environ: dict[str, Any]) -> HttpResponse | None:
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            return _answer(environ, self.queue)
        except _NotHere:
            return None
        except Exception:  # Django answers (and logs) what went wrong; the write is idempotent
            log.exception("check-in fast path failed; handing the request to Django")
            return None
        finally:
            signals.request_finished.send(sender=self.__class__)

    @staticmethod
    def _send(response: HttpResponse, start_response: StartResponse) -> Iterable[bytes]:
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(status, headers)
        return [response.content]
