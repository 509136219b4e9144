from __future__ import annotations

import datetime as dt

import pytest

from conftest import reseed_data_migrations
from tuyengiao.documents import demo as document_demo
from tuyengiao.followup import demo, selectors
from tuyengiao.followup.models import Inspection, Task
from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.models import Unit


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_plan_and_rounds_are_believable_and_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    document_demo.build()
    message = demo.build()
    assert message.startswith("Chương trình hành động:")
    province = Unit.objects.get(code="TU-LC")
    ids = list(Unit.objects.filter(path__startswith=province.path).values_list("pk", flat=True))
    tasks = selectors.task_figures(ids, dt.date(2025, 6, 1), dt.date(2025, 12, 31))
    t = tasks.totals
    assert t.total > 20 and t.done_on_time and t.done_late and t.overdue and t.in_time
    rounds = selectors.inspection_figures(ids, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert all(k.rounds and k.organisations and k.members for k in rounds.by_kind.values())
    assert Task.objects.filter(inspection__code="KT-TU-2025-01").exists()
    counts = (Task.objects.count(), Inspection.objects.count())
    assert demo.build() == "" and (Task.objects.count(), Inspection.objects.count()) == counts
