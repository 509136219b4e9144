"""Background work of the snapshots app (django-tasks): two lines that call a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def snapshot_refresh(snapshot_id: int) -> None:
    services.snapshot_refresh(snapshot_id=snapshot_id)
