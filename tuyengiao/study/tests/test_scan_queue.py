"""Concurrent check-ins grouped per process (``study/scan_queue.py`` and
``services.checkin_group``): the scan goes through Django's whole stack like every
other request, and only its write waits in the queue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.models import Attendance, SessionFact
from tuyengiao.study.scan_queue import ScanQueue
from tuyengiao.tests import factories
from tuyengiao.tests.waits import wait_until

from .conftest import CAMPAIGN_START

CSRF = "k" * 32


def device_cookie(name: str) -> str:
    return signing.get_cookie_signer(salt=services.DEVICE_COOKIE + services.DEVICE_SALT).sign(name)


def test_the_wsgi_application_is_djangos_own() -> None:
    """No second way in: every request, the scan included, goes through the
    middleware stack."""
    from config import wsgi

    assert type(wsgi.application) is WSGIHandler


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
    wait_until(lambda: len(queue._waiting) == 4, "the four scans to wait", timeout=10)
    release.set()
    for thread in threads:
        thread.join(10)
    queue.stop()
    assert written[0] == [1, "a"]
    assert written[1] == [1, "b", "c"]
    assert sorted(map(tuple, written[2:])) == [(1, "b2"), (2, "x")]
    assert answers == {name: f"ok {name}" for name in ["a", "b", "c", "x", "b2"]}


def test_a_failed_group_hands_each_scan_its_error() -> None:
    def write(session_id: int, scans: list[Any]) -> list[Any]:
        raise RuntimeError("máy chủ cơ sở dữ liệu khởi động lại")

    queue = ScanQueue(write)
    answer = queue.submit(1, "a", "d-a")
    queue.stop()
    assert isinstance(answer, RuntimeError)


def _member_user(member: Any, name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=name, password="x-x-x-x-x-1")
    member.user = user
    member.save(update_fields=["user"])
    return user


def test_a_group_writes_each_member_once(study: Any) -> None:
    """A member scanning from two phones in one group is written once (the second
    scan is answered by the general path); a user without a member record is
    refused with the service's message."""
    from django.contrib.auth import get_user_model

    first = study.users["member"]
    second = _member_user(study.members[1], "binh")
    stranger = get_user_model().objects.create_user(username="la", password="x-x-x-x-x-1")
    now = timezone.now()
    scans = [
        services.Scan(first.pk, "may-1", now),
        services.Scan(second.pk, "may-2", now),
        services.Scan(first.pk, "may-3", now),  # the first member again, another phone
        services.Scan(stranger.pk, "may-4", now),
    ]
    answers = services.checkin_group(study.session.pk, scans)
    assert all(isinstance(a, services.CheckinResult) and a.changed for a in answers[:2])
    assert answers[2] is None or not answers[2].changed  # type: ignore[union-attr]
    assert isinstance(answers[3], ValidationError)
    assert SessionFact.objects.get(session_id=study.session.pk).present == 2
    assert sorted(Attendance.objects.values_list("member_id", flat=True)) == sorted(
        [study.members[0].pk, study.members[1].pk]
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_a_sqlite_group_is_written_in_its_turn(study: Any, monkeypatch: Any) -> None:
    """The group's write transaction runs inside the writers' turn (so the writers
    of a server's processes take turns), once per group."""
    turns: list[int] = []

    @contextmanager
    def turn() -> Iterator[None]:
        turns.append(len(connection.atomic_blocks))
        yield

    monkeypatch.setattr(services, "sqlite_writers_take_turns", turn)
    now = timezone.now()
    second = _member_user(study.members[1], "binh")
    answers = services.checkin_group(
        study.session.pk,
        [
            services.Scan(study.users["member"].pk, "may-1", now),
            services.Scan(second.pk, "may-2", now),
        ],
    )
    assert all(isinstance(a, services.CheckinResult) for a in answers)
    # one turn, taken before the group's transaction begins (the test's own is outside)
    assert turns == [len(connection.atomic_blocks)]


@pytest.mark.django_db(transaction=True)
def test_a_failed_group_writes_the_scan_alone(world: Any, monkeypatch: Any) -> None:
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Hội nghị",
        documents=[factories.document()],
        owner=world.commune,
        start=CAMPAIGN_START,
        deadline=CAMPAIGN_START.replace(month=12),
    )
    session = services.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-L", host=world.commune, date=CAMPAIGN_START
    )
    user = _member_user(world.members[0], "loi")

    def write(session_id: int, scans: list[Any]) -> list[Any]:
        raise RuntimeError("máy chủ cơ sở dữ liệu khởi động lại")

    failing = ScanQueue(write)
    monkeypatch.setattr(services, "_queue", failing)
    try:
        result = services.checkin(
            actor=user, token=services.make_token(session), device_id="may-loi"
        )
    finally:
        failing.stop()
    assert failing.groups == 1 and result.changed
    assert Attendance.objects.filter(session=session).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_through_django_lose_nothing_and_duplicate_nothing(
    world: Any,
) -> None:
    """Threads post scans at once through the whole middleware stack (CSRF
    enforced), the writes grouped by the process's queue on committed data, as
    in a server: each member once, facts as a rebuild, on both databases."""
    from tuyengiao.orgs import services as org_services
    from tuyengiao.study.facts import facts_rebuild

    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Hội nghị trực tuyến",
        documents=[factories.document()],
        owner=world.commune,
        start=CAMPAIGN_START,
        deadline=CAMPAIGN_START.replace(month=12),
    )
    session = services.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-TT", host=world.commune, date=CAMPAIGN_START
    )
    clients = []
    for i in range(24):
        member = org_services.member_create(
            actor=SYSTEM, code=f"T{i:03d}", full_name=f"Lò Văn Thử {i}", unit=world.cell
        )
        client = Client(enforce_csrf_checks=True)
        client.force_login(_member_user(member, f"t{i}"))
        client.cookies[services.DEVICE_COOKIE] = device_cookie(f"may-{i}")
        client.cookies["csrftoken"] = CSRF
        clients.append(client)
    token = services.make_token(session)
    groups_before, scans_before = services._queue.groups, services._queue.scans
    statuses: list[int] = []
    start = threading.Barrier(30)

    def scan(client: Any) -> None:
        try:
            start.wait(10)
            response = client.post(reverse("study:scan"), {"t": token}, HTTP_X_CSRFTOKEN=CSRF)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(c,)) for c in clients + clients[:6]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 30
    assert services._queue.scans - scans_before == 30  # every scan went through the queue
    assert services._queue.groups - groups_before <= 30
    rows = Attendance.objects.filter(session=session)
    assert rows.count() == rows.values("member_id").distinct().count() == 24
    present = SessionFact.objects.get(session_id=session.pk).present
    facts_rebuild()
    assert present == SessionFact.objects.get(session_id=session.pk).present == 24
