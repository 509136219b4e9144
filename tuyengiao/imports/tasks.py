"""Background work of the imports app (django-tasks): previews and commits of uploads."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def import_run(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
