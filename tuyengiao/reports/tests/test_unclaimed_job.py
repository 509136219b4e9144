"""A report queued with no background worker running says so on its page (issue 11.2),
and so does one whose worker died while making it."""

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


def test_a_job_whose_worker_died_says_it_stopped_and_stops_polling(
    data: ReportWorld, world: World, client_for: ClientFor
) -> None:
    from tuyengiao.reports.services import _progress

    stopped = "Tiến trình nền đã dừng khi đang tạo báo cáo này"
    job = _job(world)
    job.status = "running"
    _progress(job, 10, "Đang tổng hợp số liệu")
    url = reverse("reports:request", kwargs={"pk": job.pk})
    client = client_for("commune")
    alive = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" in alive and stopped not in alive
    ReportRequest.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=16)
    )
    dead = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert stopped in dead and "every 2s" not in dead
    assert reverse("reports:new") in dead
