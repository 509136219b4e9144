"""A task's state on a day, from its dates alone: the one definition, in Python for a
page and as ``Q`` objects for a count (``report_section``, the unit panel, the lists).

On day D a task is

- done on time: done on or before D, and on or before its deadline (or it has none);
- done late: done on or before D, after its deadline;
- overdue: not done by D, and its deadline was before D;
- in time: not done by D, and its deadline is D or later (or it has none).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q


class State(models.TextChoices):
    DONE_ON_TIME = "dung_han", "Hoàn thành đúng hạn"
    DONE_LATE = "tre_han", "Hoàn thành trễ hạn"
    OVERDUE = "qua_han", "Quá hạn"
    IN_TIME = "trong_han", "Đang thực hiện, trong hạn"


BADGE = {
    State.DONE_ON_TIME: "ok",
    State.DONE_LATE: "warn",
    State.OVERDUE: "bad",
    State.IN_TIME: "",
}


def state_on(deadline: dt.date | None, done_on: dt.date | None, day: dt.date) -> State:
    if done_on is not None and done_on <= day:
        if deadline is None or done_on <= deadline:
            return State.DONE_ON_TIME
        return State.DONE_LATE
    if deadline is not None and deadline < day:
        return State.OVERDUE
    return State.IN_TIME


def done_q(day: dt.date) -> Q:
    return Q(done_on__isnull=False, done_on__lte=day)


def open_q(day: dt.date) -> Q:
    return Q(done_on__isnull=True) | Q(done_on__gt=day)


def state_q(state: str, day: dt.date) -> Q:
    if state == State.DONE_ON_TIME:
        return done_q(day) & (Q(deadline__isnull=True) | Q(done_on__lte=F("deadline")))
    if state == State.DONE_LATE:
        return done_q(day) & Q(deadline__isnull=False, done_on__gt=F("deadline"))
    if state == State.OVERDUE:
        return open_q(day) & Q(deadline__isnull=False, deadline__lt=day)
    if state == State.IN_TIME:
        return open_q(day) & (Q(deadline__isnull=True) | Q(deadline__gte=day))
    raise ValueError(state)
