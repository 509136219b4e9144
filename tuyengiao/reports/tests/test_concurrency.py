"""Two transactions writing one member's facts at once (PostgreSQL: SQLite
serialises writers): a QR scan that has made the member present, not yet
committed, and a grid mark making the same member present at another session of
the same campaign. Without the member lock the grid's recount would insert the
(member, campaign) row the scan had just inserted and fail on the unique key."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.facts import facts_attendance_changed
from tuyengiao.study.models import Attendance, MemberCampaignFact, MemberFact
from tuyengiao.tests.factories import document
from tuyengiao.tests.waits import wait_until

from . import factories as f


@pytest.mark.django_db(transaction=True)
def test_a_scan_and_a_grid_mark_of_one_member_do_not_collide(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    camp = f.campaign(
        world.province, document(), start=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    first = f.session("S1", camp, world.cell, dt.date(2025, 3, 1))
    second = f.session("S2", camp, world.cell, dt.date(2025, 6, 1))
    member = world.members[0]
    scanned, release, errors = threading.Event(), threading.Event(), []
    pids: dict[str, int] = {}

    def backend_pid() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])

    def scan() -> None:
        try:
            pids["scan"] = backend_pid()
            with transaction.atomic():
                Attendance.objects.create(session=first, member=member, status="co_mat")
                facts_attendance_changed(
                    session_id=first.pk, member_id=member.pk, old=None, new="co_mat"
                )
                scanned.set()
                release.wait(10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            scanned.set()
        finally:
            connection.close()

    def mark() -> None:
        try:
            scanned.wait(10)
            pids["mark"] = backend_pid()
            services.attendance_mark(actor=SYSTEM, session=second, member=member, status="co_mat")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan), threading.Thread(target=mark)]
    for t in threads:
        t.start()
    assert scanned.wait(10)

    def mark_waits_for_the_scan() -> bool:
        if "mark" not in pids:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [pids["scan"], pids["mark"]])
            return bool(cursor.fetchone()[0])

    try:  # observed, not assumed: the two transactions overlap on the member's lock
        wait_until(mark_waits_for_the_scan, "the mark to wait for the scan's lock")
    finally:
        release.set()
    for t in threads:
        t.join(20)
    assert not errors, errors
    row = MemberCampaignFact.objects.get(member_id=member.pk, campaign_id=camp.pk)
    assert (row.first_date, row.last_date, row.presences) == (
        dt.date(2025, 3, 1),
        dt.date(2025, 6, 1),
        2,
    )
    before = sorted(MemberFact.objects.values_list("member_id", "first_date", "presences"))
    call_command("rebuild_facts", verbosity=0)
    assert sorted(MemberFact.objects.values_list("member_id", "first_date", "presences")) == before
