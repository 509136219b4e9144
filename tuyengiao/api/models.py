"""API keys: how another system (a script of the province, the members' handbook
exchange) reads and writes through ``/api/v1/`` (``api.keys``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tuyengiao.orgs.models import Unit


class ApiKey(models.Model):
    """A key acts as the account that made it, narrowed to ``unit``'s subtree and,
    unless ``can_write``, to reading. Only the key's ``prefix`` (to find it) and a
    keyed digest of its secret are stored; the whole key is shown once."""

    name = models.CharField("tên", max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name="tài khoản",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="api_keys", verbose_name="đơn vị"
    )
    can_write = models.BooleanField("được ghi", default=False)
    prefix = models.CharField("tiền tố", max_length=16, unique=True)
    digest = models.CharField("khóa (băm)", max_length=64)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
