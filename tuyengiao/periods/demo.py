"""The periods' part of ``seed_demo``: the province's "Quý III năm 2025" reporting
period. The demo commune (account ``xa``) has every cell's report approved and its
own report approved by the province (so its figures are locked: try changing an
attendance there); a few cells of other communes have sent theirs; the rest are the
late units of the reminder list. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Assignment, Unit

from . import selectors, services
from .models import PeriodKind, ReportingPeriod, Submission

# ``seed_demo`` runs this after every other app's demo: the reports it sends and
# approves lock the figures those demos write into the quarter.
ORDER = 100
NAME = "Quý III năm 2025"
DUE = dt.date(2025, 10, 15)


def _user(username: str) -> object:
    return get_user_model().objects.filter(username=username).first() or SYSTEM


def _sent_on(submission: Submission, day: dt.date) -> None:
    """Demo history: the report sent on ``day`` rather than today."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    Submission.objects.filter(pk=submission.pk).update(
        first_submitted_at=moment, submitted_at=moment
    )


def _send(actor: Any, period: ReportingPeriod, unit: Unit) -> Submission:
    """Sent, and its figures frozen at once, as the worker would (the demo approves
    reports right after)."""
    sent = services.submission_submit(actor=actor, period=period, unit=unit)
    services.submission_figures_freeze(submission_id=sent.pk)
    return sent


@transaction.atomic
def build() -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or ReportingPeriod.objects.filter(unit=province, name=NAME).exists():
        return ""
    period = services.period_open(
        actor=_user("tinh"),
        unit=province,
        kind=PeriodKind.QUARTER,
        name=NAME,
        date_from=dt.date(2025, 7, 1),
        cutoff=dt.date(2025, 9, 30),
        due_date=DUE,
    )
    xa = Assignment.objects.filter(user__username="xa").select_related("unit").first()
    commune = xa.unit if xa else None
    if commune is None:
        return f"Kỳ báo cáo: đã mở {NAME}."
    cells = list(selectors.expected_children(period, commune))
    secretary = Assignment.objects.filter(user__username="chibo").values_list("unit_id", flat=True)
    for n, cell in enumerate(cells):
        sender = _user("chibo") if cell.pk in set(secretary) else _user("xa")
        sent = _send(sender, period, cell)
        services.submission_approve(actor=_user("xa"), submission=sent)
        _sent_on(sent, DUE - dt.timedelta(days=5) if n % 4 else DUE + dt.timedelta(days=3))
    sent = _send(_user("xa"), period, commune)
    services.submission_approve(actor=_user("tinh"), submission=sent)
    _sent_on(sent, DUE - dt.timedelta(days=1))
    others = [
        cell
        for other in selectors.expected_children(period, province).exclude(pk=commune.pk)[:3]
        for cell in selectors.expected_children(period, other)[:2]
    ]
    for cell in others:
        _sent_on(_send(SYSTEM, period, cell), DUE)
    c = selectors.completeness(period)
    return (
        f"Kỳ báo cáo {NAME}: {c.actual}/{c.expected} đơn vị đã gửi, {c.on_time} đúng hạn, "
        f"{c.approved} đã phê duyệt."
    )
