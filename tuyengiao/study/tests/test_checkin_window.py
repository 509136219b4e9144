"""QR check-in and check-out are open only around the session (issue 10, item 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tuyengiao.study import services
from tuyengiao.study.models import Attendance, Status

pytestmark = pytest.mark.django_db


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


@pytest.fixture
def timed(study: Any, settings: Any) -> Any:
    settings.CHECKIN_OPENS_MINUTES_BEFORE = 60
    settings.CHECKIN_CLOSES_MINUTES_AFTER = 120
    session = study.session
    session.start_time, session.end_time = dt.time(8, 0), dt.time(10, 0)
    session.save(update_fields=["start_time", "end_time"])
    return session


def scan(study: Any, session: Any, now: dt.datetime) -> Any:
    return services.checkin(
        actor=study.users["member"],
        token=services.make_token(session),
        device_id="may-1",
        now=now,
    )


def test_two_and_a_half_hours_before_the_start_is_refused(study: Any, timed: Any) -> None:
    with pytest.raises(ValidationError, match=r"Chưa đến giờ điểm danh.*07:00 ngày 10/09/2025"):
        scan(study, timed, at(timed.date, 5, 30))
    with pytest.raises(ValidationError, match="Chưa đến giờ"):
        scan(study, timed, at(timed.date, 6, 59))
    assert not Attendance.objects.exists()
    assert scan(study, timed, at(timed.date, 7, 0)).changed


def test_after_the_close_is_refused(study: Any, timed: Any) -> None:
    with pytest.raises(ValidationError, match=r"Đã hết giờ điểm danh.*12:00 ngày 10/09/2025"):
        scan(study, timed, at(timed.date, 12, 1))
    with pytest.raises(ValidationError, match="Đã hết giờ"):
        scan(study, timed, at(timed.date + dt.timedelta(days=1), 9))
    assert not Attendance.objects.exists()
    assert scan(study, timed, at(timed.date, 12, 0)).changed


def test_checkout_is_refused_outside_the_window(study: Any, timed: Any) -> None:
    scan(study, timed, at(timed.date, 8, 5))

    def out(now: dt.datetime) -> Any:
        return services.checkout(
            actor=study.users["member"],
            token=services.make_token(timed, "out"),
            device_id="may-1",
            now=now,
        )

    with pytest.raises(ValidationError, match="Đã hết giờ"):
        out(at(timed.date, 12, 30))
    assert Attendance.objects.get().checked_out_at is None
    assert out(at(timed.date, 10, 5)).changed


def test_a_session_without_times_is_open_all_day_plus_the_margins(
    study: Any, settings: Any
) -> None:
    settings.CHECKIN_OPENS_MINUTES_BEFORE = 60
    settings.CHECKIN_CLOSES_MINUTES_AFTER = 120
    session = study.session
    assert session.start_time is None and session.end_time is None
    opens, closes = services.checkin_window(session.date, None, None)
    assert opens == at(session.date - dt.timedelta(days=1), 23)
    assert closes == at(session.date + dt.timedelta(days=1), 2)
    with pytest.raises(ValidationError, match="Chưa đến giờ"):
        scan(study, session, at(session.date - dt.timedelta(days=1), 22))
    assert scan(study, session, at(session.date, 6)).changed


def test_grouped_scans_refuse_only_those_outside(study: Any, timed: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("checkin_many is the PostgreSQL statement")
    user = study.users["member"]
    late, ok = services.checkin_many(
        timed.pk,
        [
            services.Scan(user.pk, "may-1", at(timed.date, 5, 30)),
            services.Scan(user.pk, "may-2", at(timed.date, 8, 0)),
        ],
    )
    assert isinstance(late, ValidationError) and "Chưa đến giờ" in late.messages[0]
    assert isinstance(ok, services.CheckinResult) and ok.changed


def test_a_secretary_marks_the_grid_after_the_window(study: Any, timed: Any) -> None:
    services.attendance_mark(
        actor=study.users["secretary"],
        session=timed,
        member=study.members[0],
        status=Status.PRESENT,
    )
    assert Attendance.objects.get().status == Status.PRESENT
