"""The lock of reported figures (``orgs.hooks.check_figures_open``) in surveys: answers
brought in through the sheet on a day of a period whose reports are approved are
refused (an unchanged re-import is not); an anonymous respondent's answer through the
link is deliberately not refused (``services`` explains why); after reopening the
import goes through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods import services as periods
from tuyengiao.periods.models import PeriodKind
from tuyengiao.periods.tests.helpers import approve_period, reopen_down_to
from tuyengiao.surveys import services
from tuyengiao.surveys.models import Response, Survey

from .conftest import answer

pytestmark = pytest.mark.django_db

HEAD = "Mã khảo sát,Mã đơn vị,Ngày,vai_tro\n"
ROWS = "KS-2026,CB1,15/03/2026,tot\n"


def _import(world: Any, text: str) -> Any:
    return run_import(
        [("Phiếu khảo sát.csv", text.encode())], actor=world.users["commune"], dry_run=False
    )


def test_imported_answers_lock_and_anonymous_ones_do_not(world: Any, survey: Survey) -> None:
    assert _import(world, HEAD + ROWS).committed
    period = periods.period_open(
        actor=world.users["province"],
        unit=world.province,
        kind=PeriodKind.QUARTER,
        name="Quý I năm 2026",
        date_from=dt.date(2026, 1, 1),
        cutoff=dt.date(2026, 3, 31),
        due_date=dt.date(2026, 4, 10),
    )
    approve_period(world, period)

    again = _import(world, HEAD + ROWS)
    assert again.committed and again.counts["Phiếu khảo sát"].unchanged == 1
    more = _import(world, HEAD + ROWS + "KS-2026,CB1,16/03/2026,chua_tot\n")
    assert not more.committed
    assert [(e.sheet, e.row) for e in more.errors] == [("Phiếu khảo sát", 3)]
    assert "Quý I năm 2026" in more.errors[0].message
    spec = services.FormSpec.of(survey)
    with pytest.raises(FiguresLocked):
        services.response_import(
            actor=SYSTEM, spec=spec, unit=world.cell, day=dt.date(2026, 3, 20),
            raw={"vai_tro": "tot"}, key="k-1",
        )  # fmt: skip
    assert Response.objects.count() == 1
    answer(survey, world.cell, day=dt.date(2026, 3, 20))  # a respondent: taken
    assert Response.objects.count() == 2

    reopen_down_to(period, world.cell)
    assert _import(world, HEAD + ROWS + "KS-2026,CB1,16/03/2026,chua_tot\n").committed
    assert Response.objects.count() == 3
