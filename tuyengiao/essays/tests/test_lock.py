"""The lock of reported figures (``orgs.hooks.check_figures_open``) in essays: an
essay handed in (recorded, on paper) or a grade released in a period whose reports are
approved is refused through the service and the sheet; an unchanged re-import is not;
after reopening the write goes through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tuyengiao.essays import services
from tuyengiao.essays.models import Essay, State
from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods.tests.helpers import approve_period, open_quarter, reopen_down_to

from .conftest import essay_text, record

pytestmark = pytest.mark.django_db

HEADER = "Mã đảng viên,Số hiệu văn bản,Ngày nộp,Xếp loại\n"


def _import(ew: Any, grade: str) -> Any:
    text = HEADER + f"DV1,57-NQ/TW,15/09/2025,{grade}\n"
    return run_import(
        [("Bài thu hoạch.csv", text.encode())], actor=ew.w.users["province"], dry_run=False
    )


def test_essays_lock_through_the_sheet_and_the_service(ew: Any) -> None:
    w = ew.w
    assert _import(ew, "Tốt").committed
    september = dt.datetime(2025, 9, 10, 9, tzinfo=timezone.get_current_timezone())
    ready = record(ew.req, w.members[3], essay_text(40), at=september)  # in CB2
    services.essay_mark(actor=SYSTEM, essay=ready, scores={"0": 0, "1": 0}, ready=True)
    period = open_quarter(w)
    approve_period(w, period)

    again = _import(ew, "Tốt")
    assert again.committed and not again.changed, [e.as_text() for e in again.errors]
    changed = _import(ew, "Khá")
    assert not changed.committed
    assert [(e.sheet, e.row, e.value) for e in changed.errors] == [("Bài thu hoạch", 2, "DV1")]
    assert "Quý III năm 2025" in changed.errors[0].message
    assert Essay.objects.get(member__code="DV1").grade == "tot"

    with pytest.raises(FiguresLocked, match="ngày 12/09/2025"):
        record(ew.req, w.members[2], essay_text(41), at=september + dt.timedelta(days=2))
    with pytest.raises(FiguresLocked, match="Chi bộ bản Hai"):
        services.essays_release(actor=SYSTEM, essays=[Essay.objects.get(pk=ready.pk)])
    assert Essay.objects.get(pk=ready.pk).state == State.READY

    reopen_down_to(period, w.cell)
    assert _import(ew, "Khá").committed
    reopen_down_to(period, w.cell2)
    assert services.essays_release(actor=SYSTEM, essays=[Essay.objects.get(pk=ready.pk)]) == 1
