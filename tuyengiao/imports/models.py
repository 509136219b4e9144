"""Append-only record of every workbook import that was committed or rejected."""

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        COMMITTED = "committed", "Đã ghi"
        REJECTED = "rejected", "Bị từ chối do lỗi"

    file_name = models.CharField("tệp", max_length=255)
    file_hash = models.CharField("mã băm SHA-256", max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "các lần nhập dữ liệu"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()}, {self.created_at:%d/%m/%Y %H:%M})"
