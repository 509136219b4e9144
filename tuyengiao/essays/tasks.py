"""Background work of essays (django-tasks): the copy check of a requirement."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def similarity_check(run_id: int) -> None:
    services.similarity_run(run_id=run_id)
