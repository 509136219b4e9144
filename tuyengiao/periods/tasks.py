"""Background work of reporting periods (django-tasks): two lines that call a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def submission_files(submission_id: int) -> None:
    services.submission_files_run(submission_id=submission_id)
