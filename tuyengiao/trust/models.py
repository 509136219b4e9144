"""Who looked at or took away personal data, and when (append-only)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW_MEMBER = "view_member", "Xem hồ sơ đảng viên"
        EXPORT_MEMBERS = "export_members", "Xuất danh sách đảng viên"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="người xem",
    )
    action = models.CharField("thao tác", max_length=32, choices=Action.choices)
    object_type = models.CharField("loại đối tượng", max_length=64)
    object_key = models.CharField("mã đối tượng", max_length=64)
    object_repr = models.CharField("đối tượng", max_length=255)
    row_count = models.PositiveIntegerField("số dòng", null=True, blank=True)
    remote_addr = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "lượt truy cập dữ liệu cá nhân"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân"
        indexes = [models.Index(fields=["object_type", "object_key"], name="accesslog_object_idx")]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} {self.object_repr} "
            f"({timezone.localtime(self.at):%d/%m/%Y %H:%M})"
        )
