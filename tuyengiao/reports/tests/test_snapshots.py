"""A large unit's dashboard comes from a snapshot the task worker computes
(``reports/dashboard.py`` on ``snapshots``): the same parts as the live dashboard, with the time its
figures were read, asked again once when too old, never computed in the request."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from pytest_django.fixtures import Settings

from tuyengiao.reports import dashboard
from tuyengiao.reports.tests import factories as f
from tuyengiao.snapshots.models import Snapshot
from tuyengiao.snapshots.services import snapshot_refresh
from tuyengiao.tests.factories import document

if TYPE_CHECKING:
    from conftest import ClientFor
    from tuyengiao.reports.tests.conftest import ReportWorld

PERIOD = {"tu": "01/01/2025", "den": "31/12/2025"}
URL = reverse("reports:dashboard")


def _work() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="report-section".*?</section>', html, re.S)


def _queued() -> int:
    return DBTaskResult.objects.filter(status="READY").count()


@pytest.mark.django_db(transaction=True)
def test_a_large_units_dashboard_is_computed_by_the_worker_and_shown_as_live(
    data: ReportWorld, client_for: ClientFor, settings: Settings
) -> None:
    other = f.campaign(
        data.province,
        document("66-NQ/TW", "Nghị quyết về đổi mới công tác xây dựng pháp luật"),
        start=dt.date(2025, 5, 1),
        deadline=dt.date(2025, 6, 30),
    )
    f.session("HN9", other, data.cell, dt.date(2025, 5, 5), attendance={data.members[0]: "co_mat"})
    client = client_for("province")
    live = client.get(URL, PERIOD).content.decode()
    live_other = client.get(URL, {**PERIOD, "dot": str(other.pk)}).content.decode()
    assert "Đảng ủy xã Một" in live and len(_sections(live)) > 1

    settings.DASHBOARD_SNAPSHOT_UNITS = 2  # the province has six units under it
    waiting = client.get(URL, PERIOD).content.decode()
    assert "đang được tổng hợp ở tiến trình nền" in waiting
    assert 'hx-trigger="every 3s"' in waiting  # the page asks again by itself
    assert _sections(waiting) == []  # nothing computed in the request
    assert _queued() == 1
    client.get(URL, PERIOD)  # a second look does not ask twice
    assert _queued() == 1

    _work()
    done = client.get(
        URL, PERIOD, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="so-lieu"
    ).content.decode()
    assert "<html" not in done  # the part the page swaps in
    assert "Số liệu tổng hợp lúc" in done and "every 3s" not in done
    assert _sections(done) == _sections(live)
    chosen = client.get(URL, {**PERIOD, "dot": str(other.pk)}).content.decode()
    assert _sections(chosen) == _sections(live_other) != _sections(live)
    snapshot = Snapshot.objects.get()
    assert snapshot.seconds is not None and snapshot.computed_at is not None

    # too old: shown with its time while one new computation is asked for
    old = timezone.now() - dt.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_MAX_AGE + 1)
    Snapshot.objects.update(computed_at=old)
    stale = client.get(URL, PERIOD).content.decode()
    assert "đang tổng hợp lại" in stale and _sections(stale) == _sections(live)
    client.get(URL, PERIOD)
    assert _queued() == 1
    _work()
    assert Snapshot.objects.get().computed_at > old  # type: ignore[operator]


def test_a_small_units_dashboard_is_computed_in_the_request(
    data: ReportWorld, client_for: ClientFor
) -> None:
    html = client_for("commune").get(URL, PERIOD).content.decode()
    assert "Chi bộ bản Một" in html and "Số liệu tổng hợp lúc" not in html
    assert not Snapshot.objects.exists()


def test_the_page_says_when_no_worker_took_the_computation(
    data: ReportWorld, client_for: ClientFor, settings: Settings
) -> None:
    settings.DASHBOARD_SNAPSHOT_UNITS = 2
    client = client_for("province")
    client.get(URL, PERIOD)
    assert "Chưa có tiến trình nền" not in client.get(URL, PERIOD).content.decode()
    asked = timezone.now() - dt.timedelta(minutes=2)
    Snapshot.objects.update(refresh_asked_at=asked)
    assert "Chưa có tiến trình nền nào" in client.get(URL, PERIOD).content.decode()


def test_a_failed_computation_is_said_and_not_asked_again_at_every_look(
    data: ReportWorld, client_for: ClientFor, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DASHBOARD_SNAPSHOT_UNITS = 2
    client = client_for("province")
    client.get(URL, PERIOD)
    snapshot = Snapshot.objects.get()

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(dashboard, "report_figures", broken)
    snapshot_refresh(snapshot_id=snapshot.pk)
    page = client.get(URL, PERIOD).content.decode()
    assert "Không tổng hợp được số liệu" in page
    snapshot.refresh_from_db()
    assert snapshot.refresh_asked_at is None  # within the max age, not asked again


def test_a_reversed_period_is_refused_before_any_snapshot(
    data: ReportWorld, client_for: ClientFor, settings: Settings
) -> None:
    settings.DASHBOARD_SNAPSHOT_UNITS = 2
    html = client_for("province").get(URL, {"tu": "31/12/2025", "den": "01/01/2025"})
    assert "đứng trước" in html.content.decode()
    assert not Snapshot.objects.exists()


def test_a_unit_outside_ones_scope_gets_no_snapshot(
    data: ReportWorld, client_for: ClientFor, settings: Settings
) -> None:
    settings.DASHBOARD_SNAPSHOT_UNITS = 0
    page = client_for("commune").get(reverse("reports:unit", args=["XA2"]), PERIOD)
    assert page.status_code == 404
    assert not Snapshot.objects.exists()
