"""Append-only record of every workbook import that was committed or rejected."""

from django.conf import settings
from django.db import models

from tuyengiao.lib.worker import stalled, unclaimed


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


class ImportJob(models.Model):
    """One preview (dry run) or commit of an uploaded file, run by a background task.

    The uploaded file waits in ``MEDIA_ROOT/imports/<token>`` (mode 0600) between the
    preview and the confirmation; it is deleted when the commit has run (written or not),
    when the preview found errors, or after ``IMPORT_UPLOAD_TTL_HOURS`` (``purge_uploads``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không thành công"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40)
    remote_addr = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    file_name = models.CharField("tệp", max_length=255)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the worker's last saved progress

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lượt xử lý tệp nhập"

    def __str__(self) -> str:
        kind = "kiểm tra" if self.dry_run else "ghi"
        return f"{kind} {self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        """Queued, or running and heard of lately: its page asks again."""
        return self.status == self.Status.QUEUED or (
            self.status == self.Status.RUNNING and not self.stalled
        )

    @property
    def stalled(self) -> bool:
        """Running, but its worker died (``lib.worker``)."""
        return self.status == self.Status.RUNNING and stalled(self.updated_at)

    @property
    def unclaimed(self) -> bool:
        """Still queued a minute after it was asked for: no task worker is running."""
        return self.status == self.Status.QUEUED and unclaimed(self.created_at)
