"""A report whose building fails unexpectedly (a defect, a lost database) ends as
failed, with a sentence on its page, instead of saying "Đang tạo" forever."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NoReturn

import pytest
from django.urls import reverse

from tuyengiao.reports import selectors, services
from tuyengiao.reports.models import ReportRequest, RequestStatus

if TYPE_CHECKING:
    from conftest import ClientFor, World
    from tuyengiao.reports.tests.conftest import ReportWorld


def test_an_unexpected_failure_marks_the_report_failed_and_the_page_stops_waiting(
    data: ReportWorld, world: World, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> NoReturn:
        raise RuntimeError("lost the database")

    monkeypatch.setattr(selectors, "report_figures", broken)
    job = ReportRequest.objects.create(
        requested_by=world.users["commune"],
        unit=world.commune,
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
    )
    with pytest.raises(RuntimeError):  # re-raised: the task's result keeps the traceback
        services.report_request_run(request_id=job.pk)

    job.refresh_from_db()
    assert job.status == RequestStatus.FAILED
    assert job.message == services.SYSTEM_ERROR
    assert job.finished_at is not None
    page = client_for("commune").get(reverse("reports:request", kwargs={"pk": job.pk}))
    text = page.content.decode()
    assert services.SYSTEM_ERROR in text
    assert "every 2s" not in text  # no longer polling
    assert reverse("reports:new") in text
