from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.signing import TimestampSigner
from django.db import connection
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import selectors, services
from tuyengiao.study.models import Attendance, Status


def _member_user(world: Any, member: Any, name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=name, password="mat-khau-dai-123")
    member.user = user
    member.save(update_fields=["user"])
    return user


def test_checkin_marks_present_once(study: Any) -> None:
    user = study.users["member"]  # DV0, CB1
    token = services.make_token(study.session)
    first = services.checkin(actor=user, token=token, device_id="may-1")
    assert first.changed and first.attendance.status == Status.PRESENT
    stamp = first.attendance.checked_in_at
    again = services.checkin(
        actor=user, token=services.make_token(study.session), device_id="may-1"
    )
    assert not again.changed and again.attendance.checked_in_at == stamp
    assert Attendance.objects.count() == 1


def test_checkin_overrides_an_absent_mark(study: Any) -> None:
    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.ABSENT
    )
    r = services.checkin(
        actor=study.users["member"], token=services.make_token(study.session), device_id="d"
    )
    assert r.changed and r.attendance.status == Status.PRESENT and r.attendance.source == "qr"


def test_expired_forged_and_wrong_direction_tokens(study: Any, settings: Any) -> None:
    user = study.users["member"]
    old = timezone.now() - dt.timedelta(seconds=settings.CHECKIN_TOKEN_SECONDS + 5)
    signer = TimestampSigner(salt=services.TOKEN_SALT)
    with mock.patch.object(time, "time", return_value=old.timestamp()):  # signed 35 s ago
        expired_token = signer.sign(f"{study.session.pk}.in")
    with pytest.raises(ValidationError, match="hết hạn"):
        services.checkin(actor=user, token=expired_token, device_id="d")
    forged = TimestampSigner(key="khoa-gia-mao", salt=services.TOKEN_SALT).sign(
        f"{study.session.pk}.in"
    )
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.checkin(actor=user, token=forged, device_id="d")
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.checkin(actor=user, token="", device_id="d")
    with pytest.raises(ValidationError, match="ra về"):
        services.checkin(actor=user, token=services.make_token(study.session, "out"), device_id="d")
    assert Attendance.objects.count() == 0


def test_member_outside_host_scope_is_refused(study: Any) -> None:
    user = _member_user(study, study.sibling_members[0], "xuan")
    with pytest.raises(ValidationError, match="không sinh hoạt trong phạm vi"):
        services.checkin(actor=user, token=services.make_token(study.session), device_id="d")
    with pytest.raises(ValidationError, match="chưa gắn với hồ sơ"):
        services.checkin(
            actor=study.users["secretary"], token=services.make_token(study.session), device_id="d"
        )
    assert Attendance.objects.count() == 0


def test_one_device_cannot_check_in_two_members(study: Any, settings: Any) -> None:
    other = _member_user(study, study.members[1], "binh")
    token = services.make_token(study.session)
    services.checkin(actor=study.users["member"], token=token, device_id="chung")
    with pytest.raises(ValidationError, match="Thiết bị này vừa điểm danh"):
        services.checkin(actor=other, token=token, device_id="chung")
    assert Attendance.objects.filter(member=study.members[1]).count() == 0
    first = Attendance.objects.get(member=study.members[0]).checked_in_at
    assert first is not None
    window = dt.timedelta(seconds=settings.CHECKIN_DEVICE_WINDOW_SECONDS)
    with pytest.raises(ValidationError, match="Thiết bị này vừa điểm danh"):
        services.checkin(actor=other, token=token, device_id="chung", now=first + window / 2)
    # the same member scanning again from the same phone is not refused
    assert not services.checkin(actor=study.users["member"], token=token, device_id="chung").changed
    later = timezone.now() + window + dt.timedelta(seconds=1)
    services.checkin(actor=other, token=token, device_id="chung", now=later)
    assert Attendance.objects.filter(member=study.members[1], status=Status.PRESENT).count() == 1


def test_checkout_and_early_leavers(study: Any) -> None:
    a = _member_user(study, study.members[1], "binh")
    b = study.users["member"]
    for user, device in ((a, "d1"), (b, "d2")):
        services.checkin(actor=user, token=services.make_token(study.session), device_id=device)
    assert selectors.left_early(study.session).count() == 0  # check-out not opened yet
    services.checkout_open(actor=study.users["secretary"], session=study.session)
    out = services.make_token(study.session, "out")
    r = services.checkout(actor=a, token=out, device_id="d1")
    assert r.changed and r.attendance.checked_out_at is not None
    assert not services.checkout(actor=a, token=out, device_id="d1").changed
    assert [x.member for x in selectors.left_early(study.session)] == [study.members[0]]
    assert selectors.session_counts(study.session)["left_early"] == 1
    c = _member_user(study, study.members[2], "cuong")
    with pytest.raises(ValidationError, match="chưa được điểm danh có mặt"):
        services.checkout(actor=c, token=out, device_id="d3")


def test_who_left_early_is_named_to_the_hosts_writers_only(study: Any, client: Any) -> None:
    b = study.users["member"]
    services.checkin(actor=b, token=services.make_token(study.session), device_id="d2")
    services.checkout_open(actor=study.users["secretary"], session=study.session)
    url = f"/hoc-tap/hoi-nghi/{study.session.code}/"
    name = study.members[0].full_name
    client.force_login(study.users["secretary"])
    assert "Về sớm" in (html := client.get(url).content.decode()) and name in html
    client.force_login(study.users["member"])
    page = client.get(url)
    assert page.status_code == 200 and "Về sớm" not in page.content.decode()
    assert "về sớm (chưa điểm danh ra)" in page.content.decode()  # the count stays


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkins_lose_nothing_and_duplicate_nothing(world: Any) -> None:
    """Many threads, each its own connection: distinct members checking in at
    once, and each member scanning twice concurrently."""
    from tuyengiao.orgs import services as org_services
    from tuyengiao.tests import factories

    from .conftest import CAMPAIGN_START

    document = factories.document()
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Đồng thời",
        documents=[document],
        owner=world.commune,
        start=CAMPAIGN_START,
        deadline=CAMPAIGN_START + dt.timedelta(days=60),
    )
    session = services.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code="HN-DT",
        host=world.commune,
        date=CAMPAIGN_START,
    )

    users = []
    for i in range(12):
        m = org_services.member_create(
            actor=SYSTEM,
            code=f"DT{i}",
            full_name=f"Người Thứ {i}",
            unit=world.cell,
            since=dt.date(2024, 1, 1),
        )
        users.append(_member_user(world, m, f"dt{i}"))
    token = services.make_token(session)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(users) * 2)

    def scan(user: Any, device: str) -> None:
        try:
            barrier.wait(timeout=10)
            # Outside a transaction: the scan waits in the process's queue and
            # only its writer thread writes (no "database is locked" on SQLite).
            services.checkin(actor=user, token=token, device_id=device)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=scan, args=(u, f"dev-{u.pk}")) for u in users for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = Attendance.objects.filter(session=session)
    assert rows.count() == len(users)  # 0 lost, 0 duplicated
    assert set(rows.values_list("member__user_id", flat=True)) == {u.pk for u in users}
    assert all(r.status == Status.PRESENT and r.checked_in_at for r in rows)
    # reports: the in-place fact updates of concurrent check-ins equal a full recount
    from tuyengiao.study.models import PresenceFact, SessionFact

    assert SessionFact.objects.get(session_id=session.pk).present == len(users)
    assert PresenceFact.objects.filter(session_id=session.pk).count() == len(users)


def test_checkin_facts_equal_a_rebuild(study: Any) -> None:
    """QR check-in adjusts the roll-up in place: new row, an absent mark overridden,
    a repeat scan; the result equals recomputing the facts from the raw rows."""
    from tuyengiao.study.facts import facts_rebuild
    from tuyengiao.study.models import (
        MemberCampaignFact,
        MemberFact,
        PresenceFact,
        SessionFact,
    )

    def snapshot() -> tuple[list[Any], ...]:
        return (
            list(
                SessionFact.objects.order_by("session_id").values_list(
                    "session_id", "present", "excused", "absent", "other_attendees"
                )
            ),
            list(
                PresenceFact.objects.order_by("session_id", "member_id").values_list(
                    "session_id", "member_id", "campaign_id", "unit_id", "date"
                )
            ),
            list(
                MemberCampaignFact.objects.order_by("member_id", "campaign_id").values_list(
                    "member_id", "campaign_id", "first_date", "last_date", "presences"
                )
            ),
            list(
                MemberFact.objects.order_by("member_id").values_list(
                    "member_id", "first_date", "last_date", "presences"
                )
            ),
        )

    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[1], status=Status.EXCUSED
    )
    secretary_member = study.members[1]
    user2 = _member_user(study, secretary_member, "dv-hai")
    services.checkin(
        actor=study.users["member"], token=services.make_token(study.session), device_id="a"
    )
    services.checkin(actor=user2, token=services.make_token(study.session), device_id="b")
    services.checkin(actor=user2, token=services.make_token(study.session), device_id="b")
    # Two more sessions of the campaign, one earlier and one later: the member's
    # facts widen on both sides.
    for code, day in (("HN-CB1-00", dt.date(2025, 9, 5)), ("HN-CB1-02", dt.date(2025, 10, 1))):
        other = services.session_create(
            actor=SYSTEM,
            campaign=study.campaign,
            code=code,
            host=study.cell,
            date=day,
            format="truc_tiep",
        )
        services.checkin(actor=user2, token=services.make_token(other), device_id="b")
    incremental = snapshot()
    assert incremental[0][0][1:4] == (2, 0, 0)
    assert [f[1:] for f in incremental[3] if f[0] == secretary_member.pk] == [
        (dt.date(2025, 9, 5), dt.date(2025, 10, 1), 3)
    ]
    facts_rebuild()
    assert snapshot() == incremental


def test_checkin_over_an_absent_mark_recounts_a_session_without_facts(study: Any) -> None:
    """A session whose facts are missing (deleted, or written before the roll-up
    existed) is recounted from the saved row, so the scan is counted."""
    from tuyengiao.study.models import SessionFact

    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.ABSENT
    )
    SessionFact.objects.filter(session_id=study.session.pk).delete()
    services.checkin(
        actor=study.users["member"], token=services.make_token(study.session), device_id="a"
    )
    fact = SessionFact.objects.get(session_id=study.session.pk)
    assert (fact.present, fact.absent) == (1, 0)
