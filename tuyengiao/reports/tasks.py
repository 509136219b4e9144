"""Background work of the reports app (django-tasks): two lines that call a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def report_generate(request_id: int) -> None:
    services.report_request_run(request_id=request_id)
