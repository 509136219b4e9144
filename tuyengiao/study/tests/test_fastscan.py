"""The scan's confirm step answered in front of the middleware stack
(``study/fastscan.py``): the same answers, rows and headers as the Django path,
and every case it is not sure of handed to Django unchanged."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.urls import reverse

from tuyengiao.study import services
from tuyengiao.study.fastscan import ScanFastPath, write_group
from tuyengiao.study.models import Attendance, SessionFact, Status
from tuyengiao.study.scan_queue import ScanQueue

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CSRF = "k" * 32
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the fast path runs on PostgreSQL"
)


class Spy:
    """Django behind the fast path, counting the requests it is handed."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


@contextmanager
def _inside_the_test_transaction() -> Any:
    """As Django's test client does: requests must not close the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def device_cookie(name: str) -> str:
    return signing.get_cookie_signer(salt=services.DEVICE_COOKIE + services.DEVICE_SALT).sign(name)


def scan_environ(cookies: dict[str, str], data: dict[str, str], csrf: str = CSRF) -> Any:
    """The WSGI environ of the scan form posted with these cookies."""
    body = urlencode(data).encode()
    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO=reverse("study:scan"),
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        HTTP_COOKIE="; ".join(f"{k}={v}" for k, v in {"csrftoken": CSRF, **cookies}.items()),
        HTTP_X_CSRFTOKEN=csrf,
    )
    environ["wsgi.input"] = io.BytesIO(body)
    return environ


def post(
    app: Any,
    cookies: dict[str, str],
    data: dict[str, str],
    *,
    csrf: str = CSRF,
) -> tuple[int, dict[str, str], str]:
    environ = scan_environ(cookies, data, csrf)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = int(status.split()[0]), headers

    with _inside_the_test_transaction():
        content = b"".join(app(environ, start_response)).decode()
    headers = {k: v for k, v in answer["headers"] if k != "Set-Cookie"}
    return answer["status"], headers, content


def signed_in(client: Any, user: Any, device: str, backend: str = MODEL_BACKEND) -> dict[str, str]:
    client.force_login(user, backend=backend)
    return {"sessionid": client.cookies["sessionid"].value, services.DEVICE_COOKIE: device}


@pytest.fixture
def apps() -> tuple[Spy, ScanFastPath]:
    spy = Spy()
    return spy, ScanFastPath(spy, queue=None)


@postgresql_only
def test_plain_check_in_is_answered_in_front_with_djangos_page_and_headers(
    study: Any, client: Any, apps: tuple[Spy, ScanFastPath]
) -> None:
    spy, fast = apps
    cookies = signed_in(client, study.users["member"], device_cookie("may-1"))
    token = services.make_token(study.session)
    status, headers, page = post(fast, cookies, {"t": token})
    assert (status, spy.calls) == (200, 0)
    assert "Đã ghi nhận" in page and "Nguyễn Văn An" in page
    assert (
        headers["X-Frame-Options"] == "DENY"
        and "frame-ancestors 'none'" in (headers["Content-Security-Policy"])
    )
    row = Attendance.objects.get(session=study.session)
    assert (row.member_id, row.status) == (study.members[0].pk, Status.PRESENT)
    assert SessionFact.objects.get(session_id=study.session.pk).present == 1
    # The same scan again, through each path: the same page and the same headers.
    again = post(fast, cookies, {"t": token})
    assert spy.calls == 0
    through_django = post(spy.handler, cookies, {"t": token})
    assert again[0] == through_django[0] == 200
    assert "Bạn đã điểm danh trước đó" in again[2]
    assert again[2] == through_django[2]
    assert again[1] == through_django[1]
    assert Attendance.objects.filter(session=study.session).count() == 1


@postgresql_only
def test_refusals_are_the_views_own(
    study: Any, client: Any, apps: tuple[Spy, ScanFastPath]
) -> None:
    from django.contrib.auth import get_user_model

    spy, fast = apps
    token = services.make_token(study.session)
    outsider = get_user_model().objects.create_user(username="xuan", password="x-x-x-x-x-1")
    study.sibling_members[0].user = outsider
    study.sibling_members[0].save(update_fields=["user"])
    nobody = get_user_model().objects.create_user(username="khach", password="x-x-x-x-x-1")
    cases = [
        (outsider, "may-x", "không sinh hoạt trong phạm vi"),
        (nobody, "may-y", "chưa gắn với hồ sơ đảng viên"),
    ]
    for user, device, message in cases:
        cookies = signed_in(client, user, device_cookie(device))
        fast_answer = post(fast, cookies, {"t": token})
        django_answer = post(spy.handler, cookies, {"t": token})
        assert fast_answer[0] == django_answer[0] == 400
        assert message in fast_answer[2] and fast_answer[2] == django_answer[2]
        assert fast_answer[1] == django_answer[1]
    # One phone, two members within the window.
    shared = device_cookie("may-chung")
    assert post(fast, signed_in(client, study.users["member"], shared), {"t": token})[0] == 200
    other = get_user_model().objects.create_user(username="binh", password="x-x-x-x-x-1")
    study.members[1].user = other
    study.members[1].save(update_fields=["user"])
    status, _, page = post(fast, signed_in(client, other, shared), {"t": token})
    assert status == 400 and "Thiết bị này vừa điểm danh" in page
    assert spy.calls == 0  # every refusal answered in front
    assert list(Attendance.objects.values_list("member_id", flat=True)) == [study.members[0].pk]


@postgresql_only
def test_anything_but_the_plain_case_goes_to_django(
    study: Any, client: Any, apps: tuple[Spy, ScanFastPath], settings: Any
) -> None:
    from django.contrib.auth import get_user_model

    spy, fast = apps
    token = services.make_token(study.session)
    member = study.users["member"]
    device = device_cookie("may-1")

    def handed_over(cookies: dict[str, str], data: dict[str, str], **kw: Any) -> int:
        before = spy.calls
        status, _, _ = post(fast, cookies, data, **kw)
        assert spy.calls == before + 1, (cookies, data)
        return status

    assert handed_over({services.DEVICE_COOKIE: device}, {"t": token}) == 302  # not signed in
    cookies = signed_in(client, member, device)
    assert handed_over(cookies, {"t": token}, csrf="z" * 32) == 403
    assert handed_over(cookies, {"t": "1.in:abc:def"}) == 400  # forged: the view's page
    assert handed_over({"sessionid": cookies["sessionid"]}, {"t": token}) == 200  # no device yet
    # A session from a backend no longer configured; a stash from before signing in.
    gone = signed_in(
        client, member, device, backend="django.contrib.auth.backends.RemoteUserBackend"
    )
    assert handed_over(gone, {"t": token}) == 302
    cookies = signed_in(client, member, device)
    stash = client.session
    stash["study_scan"] = {"t": token, "at": 0}
    stash.save()
    assert handed_over(cookies, {"t": token}) == 200
    assert "study_scan" not in client.session  # the view took the stash away
    # A second factor due: province staff once two-factor sign-in is enforced.
    settings.TWO_FACTOR_ENFORCED = True
    staff = signed_in(client, study.users["province"], device_cookie("may-2"))
    assert handed_over(staff, {"t": token}) == 302
    settings.TWO_FACTOR_ENFORCED = False
    # The password changed since this session signed in; the account disabled.
    old = signed_in(client, member, device)
    member.set_password("mat-khau-moi-456")
    member.save()
    assert handed_over(old, {"t": token}) == 302
    other = get_user_model().objects.create_user(username="tat", password="x-x-x-x-x-1")
    cookies = signed_in(client, other, device_cookie("may-3"))
    other.is_active = False
    other.save()
    assert handed_over(cookies, {"t": token}) == 302


@postgresql_only
def test_checkout_is_answered_in_front(
    study: Any, client: Any, apps: tuple[Spy, ScanFastPath]
) -> None:
    spy, fast = apps
    cookies = signed_in(client, study.users["member"], device_cookie("may-1"))
    assert post(fast, cookies, {"t": services.make_token(study.session)})[0] == 200
    status, _, page = post(fast, cookies, {"t": services.make_token(study.session, services.OUT)})
    assert (status, spy.calls) == (200, 0) and "Ra về lúc" in page
    assert Attendance.objects.get(session=study.session).checked_out_at is not None


@postgresql_only
def test_a_group_writes_each_member_once(study: Any, client: Any) -> None:
    from django.contrib.auth import get_user_model

    from tuyengiao.study.fastscan import _NOT_HERE, _Scan

    second = get_user_model().objects.create_user(username="binh", password="x-x-x-x-x-1")
    study.members[1].user = second
    study.members[1].save(update_fields=["user"])
    from django.test import Client

    first_key = signed_in(Client(), study.users["member"], "")["sessionid"]
    other_phone_key = signed_in(Client(), study.users["member"], "")["sessionid"]
    second_key = signed_in(Client(), second, "")["sessionid"]
    from django.utils import timezone

    now = timezone.now()
    scans = [
        _Scan(first_key, "may-1", now),
        _Scan(second_key, "may-2", now),
        _Scan(other_phone_key, "may-3", now),  # the first member again, another phone
        _Scan("khong-co-phien", "may-4", now),
    ]
    answers = write_group(study.session.pk, scans)
    assert answers[2] is _NOT_HERE and answers[3] is _NOT_HERE
    assert [answers[0][0].pk, answers[1][0].pk] == [study.users["member"].pk, second.pk]
    assert all(isinstance(a[1], services.CheckinResult) and a[1].changed for a in answers[:2])
    assert SessionFact.objects.get(session_id=study.session.pk).present == 2
    assert sorted(Attendance.objects.values_list("member_id", flat=True)) == sorted(
        [study.members[0].pk, study.members[1].pk]
    )


def test_queue_groups_the_scans_that_wait_and_answers_each() -> None:
    """While a group is being written the next scans wait; the writer then takes
    them together (one device once per group; another session in its own)."""
    written: list[list[Any]] = []
    first_started, release = threading.Event(), threading.Event()

    def write(session_id: int, scans: list[Any]) -> list[Any]:
        written.append([session_id, *scans])
        if len(written) == 1:
            first_started.set()
            release.wait(10)
        return [f"ok {scan}" for scan in scans]

    queue = ScanQueue(write)
    answers: dict[str, Any] = {}

    def scan(session_id: int, name: str, device: str) -> None:
        answers[name] = queue.submit(session_id, name, device)

    threads = [threading.Thread(target=scan, args=(1, "a", "d-a"))]
    threads[0].start()
    assert first_started.wait(10)
    for session_id, name, device in [(1, "b", "d-b"), (1, "c", "d-c"), (2, "x", "d-x")]:
        threads.append(threading.Thread(target=scan, args=(session_id, name, device)))
        threads[-1].start()
    threads.append(threading.Thread(target=scan, args=(1, "b2", "d-b")))  # same phone
    threads[-1].start()
    while len(queue._waiting) < 4:
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert written[0] == [1, "a"]
    assert written[1] == [1, "b", "c"]
    assert sorted(map(tuple, written[2:])) == [(1, "b2"), (2, "x")]
    assert answers == {name: f"ok {name}" for name in ["a", "b", "c", "x", "b2"]}


def test_a_failed_group_hands_each_scan_its_error() -> None:
    def write(session_id: int, scans: list[Any]) -> list[Any]:
        raise RuntimeError("máy chủ cơ sở dữ liệu khởi động lại")

    answer = ScanQueue(write).submit(1, "a", "d-a")
    assert isinstance(answer, RuntimeError)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_concurrent_scans_through_the_queue_lose_nothing_and_duplicate_nothing(
    world: Any, client: Any
) -> None:
    """Threads post scans at once through the fast path with its writer thread
    (committed data, as in a server): each member once, facts as a rebuild."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tuyengiao.orgs import services as org_services
    from tuyengiao.study.facts import facts_rebuild
    from tuyengiao.study.tests.conftest import CAMPAIGN_START, make_document

    campaign = services.campaign_create(
        actor=None,
        title="Hội nghị trực tuyến",
        documents=[make_document()],
        owner=world.commune,
        start=CAMPAIGN_START,
        deadline=CAMPAIGN_START.replace(month=12),
    )
    session = services.session_create(
        actor=None, campaign=campaign, code="HN-TT", host=world.commune, date=CAMPAIGN_START
    )
    people = []
    for i in range(24):
        member = org_services.member_create(
            actor=None, code=f"T{i:03d}", full_name=f"Lò Văn Thử {i}", unit=world.cell
        )
        user = get_user_model().objects.create_user(username=f"t{i}", password="x-x-x-x-x-1")
        member.user = user
        member.save(update_fields=["user"])
        people.append(signed_in(Client(), user, device_cookie(f"may-{i}")))
    spy = Spy()
    fast = ScanFastPath(spy)
    token = services.make_token(session)
    statuses: list[int] = []

    def scan(cookies: dict[str, str]) -> None:
        environ = scan_environ(cookies, {"t": token})
        try:
            b"".join(fast(environ, lambda status, headers: statuses.append(int(status[:3]))))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(c,)) for c in people + people[:6]]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        fast.queue.stop()
    assert statuses == [200] * 30
    assert spy.calls == 0 and fast.queue.scans == 30
    rows = Attendance.objects.filter(session=session)
    assert rows.count() == rows.values("member_id").distinct().count() == 24
    present = SessionFact.objects.get(session_id=session.pk).present
    facts_rebuild()
    assert present == SessionFact.objects.get(session_id=session.pk).present == 24


def test_off_on_sqlite_or_when_switched_off(settings: Any) -> None:
    settings.CHECKIN_FAST_PATH = False
    assert not ScanFastPath(WSGIHandler(), queue=None).enabled
    settings.CHECKIN_FAST_PATH = True
    assert ScanFastPath(WSGIHandler(), queue=None).enabled == (connection.vendor == "postgresql")
