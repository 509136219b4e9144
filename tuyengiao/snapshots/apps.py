from __future__ import annotations

from django.apps import AppConfig


class SnapshotsConfig(AppConfig):
    name = "tuyengiao.snapshots"
    label = "snapshots"
    verbose_name = "Số liệu tính sẵn"
