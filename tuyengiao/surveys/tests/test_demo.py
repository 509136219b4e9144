from __future__ import annotations

import pytest

from conftest import reseed_data_migrations
from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.models import Unit
from tuyengiao.surveys import demo, selectors
from tuyengiao.surveys.models import Response, Survey


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_survey_has_shown_and_hidden_figures_and_is_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    message = demo.build()
    assert message.startswith("Đã tạo khảo sát mẫu KS-2025-NQ57")
    survey = Survey.objects.get(code=demo.CODE)
    count = Response.objects.filter(survey=survey).count()
    assert 200 <= count <= 1500
    res = selectors.results(survey)
    province = Unit.objects.get(code="TU-LC")
    root = res.node_of(province)
    assert root is not None and res.responses[root] == count
    assert root not in res.responses_hidden
    assert res.responses_hidden  # some small cells are hidden
    assert Survey.objects.filter(code=demo.OPEN_CODE, is_open=True).exists()
    assert demo.build() == "" and Response.objects.count() == count
