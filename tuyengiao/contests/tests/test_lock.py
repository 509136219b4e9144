"""The lock of reported figures (``orgs.hooks.check_figures_open``) in contests: an
attempt handed in on a day of a period whose reports are approved is refused (answers
kept); the expiry sweep leaves such attempts open instead of failing; after reopening
the attempt is handed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tuyengiao.contests import services
from tuyengiao.contests.models import Attempt
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods import services as periods
from tuyengiao.periods.models import PeriodKind
from tuyengiao.periods.tests.helpers import approve_period, reopen_down_to

from .conftest import NOW
from .test_contest import _answer_all, _contest

pytestmark = pytest.mark.django_db


def test_hand_in_into_an_approved_period_is_refused(filled: Any, world: Any) -> None:
    contest = _contest(filled, world)
    participant = services.participant_for_user(actor=world.users["member"], contest=contest)
    rnd = contest.rounds.get()
    attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=NOW)
    _answer_all(attempt)
    today = timezone.localdate(NOW)
    period = periods.period_open(
        actor=world.users["province"],
        unit=world.province,
        kind=PeriodKind.MONTH,
        name="Tháng này",
        date_from=today - dt.timedelta(days=3),
        cutoff=today + dt.timedelta(days=3),
        due_date=today + dt.timedelta(days=10),
    )
    approve_period(world, period)
    with pytest.raises(FiguresLocked, match="Tháng này"):
        services.attempt_submit(actor=SYSTEM, attempt=attempt, now=NOW)
    late = attempt.deadline_at + dt.timedelta(minutes=5)
    assert services.round_close_expired(actor=SYSTEM, round_=rnd, now=late) == 0
    assert Attempt.objects.get().submitted_at is None  # left open, answers kept

    reopen_down_to(period, participant.unit)
    assert services.round_close_expired(actor=SYSTEM, round_=rnd, now=late) == 1
    assert Attempt.objects.get().score == 5
