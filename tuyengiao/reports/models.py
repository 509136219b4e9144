"""Report requests: a report asked for from the page, produced in the background.

The roll-up facts the study section reads are the study app's (``study/models.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tuyengiao.lib.worker import stalled, unclaimed


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
    updated_at = models.DateTimeField(auto_now=True)  # the worker's last saved progress

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

    @property
    def running(self) -> bool:
        """Queued, or running and heard of lately: its page asks again."""
        return self.status == RequestStatus.QUEUED or (
            self.status == RequestStatus.RUNNING and not self.stalled
        )

    @property
    def stalled(self) -> bool:
        """Running, but its worker died (``lib.worker``)."""
        return self.status == RequestStatus.RUNNING and stalled(self.updated_at)

    @property
    def unclaimed(self) -> bool:
        """Still queued a minute after it was asked for: no task worker is running."""
        return self.status == RequestStatus.QUEUED and unclaimed(self.created_at)
