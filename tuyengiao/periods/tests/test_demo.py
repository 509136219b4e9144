from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import reseed_data_migrations
from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Assignment
from tuyengiao.periods import demo, selectors
from tuyengiao.periods.models import ReportingPeriod, Submission, SubmissionStatus
from tuyengiao.study import demo as study_demo
from tuyengiao.study import services as study
from tuyengiao.study.models import Attendance, Session, Status


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_period_is_locked_for_the_demo_commune_and_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    study_demo.build()
    message = demo.build()
    assert message.startswith("Kỳ báo cáo Quý III năm 2025:"), message
    period = ReportingPeriod.objects.get(name=demo.NAME)
    commune = Assignment.objects.get(user__username="xa").unit
    c = selectors.completeness(period)
    cells = selectors.expected_children(period, commune).count()
    assert c.approved == cells + 1 and c.actual == cells + 1 + 6
    assert 0 < c.on_time < c.actual and c.expected > c.actual
    assert Submission.objects.get(period=period, unit=commune).status == (SubmissionStatus.APPROVED)
    # an attendance of the demo commune's Q3 sessions is locked
    row = (
        Attendance.objects.filter(
            session__host__path__startswith=commune.path,
            session__date__range=(period.date_from, period.cutoff),
        )
        .select_related("session__host", "member")
        .first()
    )
    assert row is not None
    with pytest.raises(ValidationError, match="Quý III năm 2025"):
        study.attendance_mark(
            actor=SYSTEM,
            session=Session.objects.select_related("host").get(pk=row.session_id),
            member=row.member,
            status=Status.ABSENT if row.status != Status.ABSENT else Status.PRESENT,
        )
    count = Submission.objects.count()
    assert demo.build() == "" and Submission.objects.count() == count
