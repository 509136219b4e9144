"""A quarter of study in the test world (``conftest.World``) and a reporting period
for it: sessions in CB1, CB2 and CB3 with attendance, dated inside the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.periods import services
from tuyengiao.periods.models import PeriodKind, ReportingPeriod, Submission, SubmissionStatus
from tuyengiao.study import services as study
from tuyengiao.study.models import Session, Status
from tuyengiao.tests import factories

FROM = dt.date(2025, 7, 1)
CUTOFF = dt.date(2025, 9, 30)
DAY = dt.date(2025, 9, 10)


@dataclass
class Quarter:
    period: ReportingPeriod
    session: Session  # in CB1
    session2: Session  # in CB2
    sibling_session: Session  # in CB3


def quarter(world: Any, *, due: dt.date | None = None) -> Quarter:
    document = factories.document("57-NQ/TW", "về đột phá phát triển khoa học, công nghệ")
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57",
        documents=[document],
        owner=world.province,
        start=FROM,
        deadline=CUTOFF,
    )
    sessions = [
        study.session_create(actor=SYSTEM, campaign=campaign, code=code, host=host, date=DAY)
        for code, host in (
            ("HN-CB1", world.cell),
            ("HN-CB2", world.cell2),
            ("HN-CB3", world.sibling_cell),
        )
    ]
    for member in world.members[:3]:
        study.attendance_mark(
            actor=SYSTEM, session=sessions[0], member=member, status=Status.PRESENT
        )
    study.attendance_mark(
        actor=SYSTEM, session=sessions[1], member=world.members[3], status=Status.PRESENT
    )
    study.attendance_mark(
        actor=SYSTEM, session=sessions[2], member=world.sibling_members[0], status=Status.PRESENT
    )
    return Quarter(open_quarter(world, due=due), *sessions)


def open_quarter(world: Any, *, due: dt.date | None = None) -> ReportingPeriod:
    """The province's period for the third quarter of 2025 (no figures made)."""
    return services.period_open(
        actor=world.users["province"],
        unit=world.province,
        kind=PeriodKind.QUARTER,
        name="Quý III năm 2025",
        date_from=FROM,
        cutoff=CUTOFF,
        due_date=due or timezone.localdate() + dt.timedelta(days=10),
    )


def send(*, actor: Any, period: ReportingPeriod, unit: Any) -> Submission:
    """``services.submission_submit``, then the worker's part (the figures frozen) when
    the test's task backend did not run it at once."""
    sent = services.submission_submit(actor=actor, period=period, unit=unit)
    if not sent.sha256:
        sent = services.submission_figures_freeze(submission_id=sent.pk)[0] or sent
    return sent


def approve_all(world: Any, q: Quarter) -> None:
    """Cells submit, communes approve and submit, the province approves the communes,
    then submits and approves its own report."""
    approve_period(world, q.period)


def approve_period(world: Any, p: ReportingPeriod) -> None:
    users = world.users
    s1 = send(actor=users["secretary"], period=p, unit=world.cell)
    s2 = send(actor=users["commune"], period=p, unit=world.cell2)
    s3 = send(actor=users["outsider"], period=p, unit=world.sibling_cell)
    for s in (s1, s2):
        services.submission_approve(actor=users["commune"], submission=s)
    services.submission_approve(actor=users["outsider"], submission=s3)
    x1 = send(actor=users["commune"], period=p, unit=world.commune)
    x2 = send(actor=users["outsider"], period=p, unit=world.sibling_commune)
    for x in (x1, x2):
        services.submission_approve(actor=users["province"], submission=x)
    top = send(actor=users["province"], period=p, unit=world.province)
    services.submission_approve(actor=users["province"], submission=top)


def locked_quarter(world: Any) -> Quarter:
    """The quarter approved bottom-up up to the province: every unit's figures of
    ``[FROM, CUTOFF]`` are locked."""
    q = quarter(world)
    approve_all(world, q)
    return q


def reopen_down_to(q: Quarter | ReportingPeriod, unit: Any) -> None:
    """Reopen the reports from the province down to ``unit`` (the one above first)."""
    from tuyengiao.orgs.models import Unit

    period = q.period if isinstance(q, Quarter) else q
    for above in Unit.objects.filter(pk__in=unit.path_ids).order_by("depth"):
        submission = Submission.objects.get(period=period, unit=above)
        if submission.status != SubmissionStatus.APPROVED:
            continue  # reopened already
        services.submission_reopen(actor=SYSTEM, submission=submission, reason="Sửa số liệu")
