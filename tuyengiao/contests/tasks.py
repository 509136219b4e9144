"""Background work of the contests app (django-tasks): question files uploaded on the web."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def question_import(job_id: int) -> None:
    services.question_import_run(job_id=job_id)
