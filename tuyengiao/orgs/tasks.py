"""Background work of the org tree (django-tasks): two lines that call a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def official_list_create(run_id: int) -> None:
    services.official_list_run(run_id=run_id)
