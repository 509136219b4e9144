from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from conftest import reseed_data_migrations
from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.models import Unit
from tuyengiao.presenters import demo, selectors
from tuyengiao.presenters.models import Presenter, SessionPresenter
from tuyengiao.study import demo as study_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_roster_is_believable_and_idempotent(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # the demo's material file
    reseed_data_migrations()
    org_demo.build()
    study_demo.build()
    message = demo.build()
    assert message.startswith("Đã tạo đội ngũ báo cáo viên mẫu")
    province = Unit.objects.get(code="TU-LC")
    day = dt.date(2025, 10, 31)
    serving = Presenter.objects.filter(selectors.serving_q(day))
    assert 30 <= serving.count() <= 80
    assert serving.filter(level__is_communicator=True).exists()
    assert not serving.filter(level__code="huyen").exists()  # relieved with the districts
    assert Presenter.objects.filter(level__code="huyen").exists()
    missing = {v.unit.code for v in selectors.communes_without_presenter(province, day)}
    assert missing == demo.WITHOUT
    assert SessionPresenter.objects.filter(session__code="HN-TU-57").count() == 2
    # dissemination, courses, materials; languages leave some communes with a gap
    from tuyengiao.presenters.models import Course, DisseminationEvent, Learner, Material

    assert DisseminationEvent.objects.count() >= 30
    assert DisseminationEvent.objects.exclude(language="").exists()
    assert Course.objects.exists() and Learner.objects.exists()
    assert Material.objects.filter(code="TL-TU-57-DC").exclude(file="").exists()
    assert selectors.communes_missing_languages(province, day)
    f = selectors.figures(
        list(Unit.objects.values_list("pk", flat=True)), dt.date(2025, 7, 1), dt.date(2025, 12, 31)
    )
    assert f.totals.events == DisseminationEvent.objects.count() and f.totals.courses >= 2
    count = Presenter.objects.count()
    events = DisseminationEvent.objects.count()
    assert demo.build() == "" and Presenter.objects.count() == count
    assert DisseminationEvent.objects.count() == events
