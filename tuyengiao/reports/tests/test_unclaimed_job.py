"""A report queued with no background worker running says so on its page (issue 11.2)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from tuyengiao.reports.models import ReportRequest

if TYPE_CHECKING:
    from conftest import ClientFor, World
    from tuyengiao.reports.tests.conftest import ReportWorld

WARNING = "Chưa có tiến trình nền nào nhận yêu cầu này sau 1 phút"


def _job(world: World) -> ReportRequest:
    return ReportRequest.objects.create(
        requested_by=world.users["commune"],
        unit=world.commune,
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
    )


def test_a_job_queued_for_over_a_minute_says_no_worker_took_it(
    data: ReportWorld, world: World, client_for: ClientFor
) -> None:
    job = _job(world)
    url = reverse("reports:request", kwargs={"pk": job.pk})
    client = client_for("commune")
    fresh = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang chờ" in fresh and WARNING not in fresh

    ReportRequest.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=61)
    )
    stale = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert WARNING in stale and "make run" in stale
    assert "every 2s" in stale  # still polling: the page finishes once a worker starts
    assert WARNING in client.get(url).content.decode()  # the full page too


def test_a_running_job_is_not_flagged_however_long_it_takes(
    data: ReportWorld, world: World, client_for: ClientFor
) -> None:
    job = _job(world)
    ReportRequest.objects.filter(pk=job.pk).update(
        status="running", created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    page = client_for("commune").get(reverse("reports:request", kwargs={"pk": job.pk}))
    assert WARNING not in page.content.decode()
