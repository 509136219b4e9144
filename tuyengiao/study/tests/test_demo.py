from __future__ import annotations

import pytest

from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.models import Unit
from tuyengiao.study import demo, selectors
from tuyengiao.study.models import Attendance, Campaign, Session


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_campaign_is_believable_and_idempotent() -> None:
    org_demo.build()
    message = demo.build()
    assert message.startswith("Đã tạo đợt học tập")
    campaign = Campaign.objects.get(title=demo.TITLE)
    main = Session.objects.get(code="HN-TU-57")
    assert main.bridge_points.count() >= 10
    assert Session.objects.filter(campaign=campaign, is_makeup=True).exists()
    count = Attendance.objects.count()
    assert demo.build() == "" and Attendance.objects.count() == count
    province = Unit.objects.get(code="TU-LC")
    fig = selectors.campaign_rate(campaign, province)
    assert 70 < fig["rate"].rate < 100  # some units below the 95% target
    assert selectors.units_below_target(campaign, province)
    assert fig["public_reached"] > 0
