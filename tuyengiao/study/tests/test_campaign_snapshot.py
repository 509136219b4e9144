"""A large unit's campaign figures come from the task worker (``campaign_figures``):
the same part as computed in the request, with the time it was read; the sessions
are listed at once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.snapshots.models import Snapshot
from tuyengiao.study import services
from tuyengiao.study.models import Status

DAY = dt.date(2025, 9, 20)


def _figures(html: str) -> list[str]:
    cards = re.findall(r'<div class="grid-cards">.*?</div>', html, re.S)
    tables = re.findall(r'<table class="dense">.*?</table>', html, re.S)
    return cards + tables[:1]  # the rate cards and the children's progress


@pytest.mark.django_db(transaction=True)
def test_a_large_units_campaign_figures_come_from_the_worker(
    study: Any, client_for: Any, settings: Any
) -> None:
    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.PRESENT
    )
    client = client_for("commune")
    url = reverse("study:campaign", args=[study.campaign.pk])
    live = client.get(url).content.decode()
    assert "Tiến độ theo đơn vị trực thuộc" in live and "25,00%" in live

    settings.DASHBOARD_SNAPSHOT_UNITS = 2  # the commune has three units
    waiting = client.get(url).content.decode()
    assert "đang được tổng hợp ở tiến trình nền" in waiting and "every 3s" in waiting
    assert "Tiến độ theo đơn vị trực thuộc" not in waiting
    assert "HN-CB1-01" in waiting  # the sessions do not wait
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    part = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="so-lieu").content.decode()
    assert "<html" not in part and "Số liệu tổng hợp lúc" in part and "every 3s" not in part
    assert _figures(part) == _figures(live) and len(_figures(live)) == 2
    assert Snapshot.objects.get().kind == "study.campaign_figures"


def test_a_large_units_sessions_are_paged_without_a_count(
    study: Any, client_for: Any, settings: Any
) -> None:
    for i in range(60):
        services.session_create(
            actor=SYSTEM, campaign=study.campaign, code=f"S{i:02d}", host=study.cell2, date=DAY
        )
    settings.DASHBOARD_SNAPSHOT_UNITS = 2
    client = client_for("commune")
    url = reverse("study:campaign", args=[study.campaign.pk])
    first = client.get(url).content.decode()
    assert "Trang 1<" in first and "Sau »" in first and "« Trước" not in first
    assert "61 hội nghị" not in first  # not counted: the figures say how many
    second = client.get(url, {"trang": "2", "don_vi": "XA1"}).content.decode()
    assert "Trang 2<" in second and "« Trước" in second and "Sau »" not in second
    codes = re.findall(r">(S\d\d|Hội nghị học tập NQ 57)</a>", first + second)
    assert len(codes) == len(set(codes)) == 61  # every session once over the two pages
