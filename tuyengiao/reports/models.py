"""Report requests: a report asked for from the page, produced in the background.

The roll-up facts the study section reads are the study app's (``study/models.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportFormat(models.TextChoices):
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    JSON = "json", "JSON"


class Structure(models.TextChoices):
    TODAY = "today", "Theo cơ cấu tổ chức hiện nay"
    ASOF = "asof", "Theo cơ cấu tổ chức tại ngày cuối kỳ"


class RequestStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class ReportRequest(models.Model):
    """A report asked for from the page, produced by a background task."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày")
    structure = models.CharField(max_length=8, choices=Structure.choices, default=Structure.TODAY)
    format = models.CharField(max_length=8, choices=ReportFormat.choices, default=ReportFormat.DOCX)
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__gte=models.F("date_from")),
                name="reportrequest_period",
            )
        ]

    def __str__(self) -> str:
        return f"báo cáo {self.unit_id} {self.date_from}–{self.date_to} ({self.status})"


class DashboardSnapshot(models.Model):
    """A large unit's dashboard, computed by the task worker (``snapshots.py``):
    what every section showed for the unit, the period and the structure, rendered
    once for each of the variants a section offers (study: one per campaign), with
    the time the figures were read. A request serves it and asks for a new one when
    it is older than ``DASHBOARD_SNAPSHOT_MAX_AGE``; it never computes the figures."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField()
    date_to = models.DateField()
    structure = models.CharField(max_length=8, choices=Structure.choices)
    # {"unit_name", "period_label", "is_empty", "parts": [{"key", "title", "empty",
    #  "empty_sentence", "param", "html": {variant: html}}]}; {} until first computed
    content = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)  # when its figures were read
    seconds = models.FloatField(null=True, blank=True)  # how long the last computation took
    refresh_asked_at = models.DateTimeField(null=True, blank=True)  # set while one is due
    refresh_started_at = models.DateTimeField(null=True, blank=True)  # a worker took it
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "date_from", "date_to", "structure"], name="dashboardsnapshot_key"
            )
        ]

    def __str__(self) -> str:
        return f"tổng hợp {self.unit_id} {self.date_from}–{self.date_to} ({self.structure})"
