"""Figures computed ahead by the task worker (``services.py``)."""

from __future__ import annotations

from django.db import models


class Snapshot(models.Model):
    """One computation's result: a registered ``kind`` (``reports.dashboard``) for its
    parameters (``key``: their JSON with sorted keys), with the time its figures were
    read and how long it took. ``content`` is what the kind's function returned ({}
    until first computed)."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=255)
    params = models.JSONField(default=dict)
    content = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)  # when its figures were read
    seconds = models.FloatField(null=True, blank=True)  # how long the last computation took
    refresh_asked_at = models.DateTimeField(null=True, blank=True)  # set while one is due
    refresh_started_at = models.DateTimeField(null=True, blank=True)  # a worker took it
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="snapshot_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
