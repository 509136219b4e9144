from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.surveys import services
from tuyengiao.surveys.forms_demo import xlsform
from tuyengiao.surveys.models import Survey

FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
DAY = dt.date(2026, 3, 15)
_PARSED: dict[str, Any] = {}


def parsed_form() -> dict[str, Any]:
    """The test form read once through the child process (pyxform)."""
    if not _PARSED:
        _PARSED.update(services.read_form("ks.xlsx", xlsform()))
    return _PARSED


def make_survey(unit: Any, **kwargs: Any) -> Survey:
    values: dict[str, Any] = {"date_from": FROM, "date_to": TO}
    values.update(kwargs)
    survey, _ = services.survey_save(actor=SYSTEM, form=parsed_form(), unit=unit, **values)
    return survey


def answer(survey: Survey, unit: Any, n: int = 1, *, day: dt.date = DAY, **raw: Any) -> None:
    spec = services.FormSpec.of(survey)
    values = {"vai_tro": "tot"}
    values.update(raw)
    for _ in range(n):
        services.response_submit(actor=SYSTEM, spec=spec, unit=unit, raw=values, day=day)


@pytest.fixture
def survey(world: Any) -> Survey:
    return make_survey(world.province)
