"""The organisation's own media output, and awards and exemplary models.

- ``MediaKind`` and ``AwardKind`` are data (seeded by migration 0002), not code:
  the kinds a province counts change (a new programme format, a new award).
- ``MediaOutput``: how many items of one kind, in one language, a unit produced
  over a period (``[date_from, date_to]``, both days included), with their
  minutes, and the document they cover where there is one (the workbook's
  ``Tin bài`` row). Identified by (unit, period, kind, language, document): the
  sheet has no code, so importing the same row again updates its figures. Only
  the organisation's own output is counted; nothing about what citizens post,
  share or say is collected (DOMAIN.md, "What this system does not do").
- ``Award``: an award or an exemplary model recognised on a day, keyed by
  ``code`` (the workbook's ``Khen thưởng`` row), for a unit (no person), a member
  or a named person who is not a member; with the decision (a registered document
  when it is one, else the symbol as typed) and the document it relates to.

Every write goes through ``services.py``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tuyengiao.lib.dates import format_date


class MediaKind(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    label = models.CharField("giá trị trong bảng tính", max_length=100)  # "Tin, bài"
    # The noun of the report's sentence: "1.234 tin, bài", "12 chương trình phát thanh".
    noun = models.CharField("cách gọi trong báo cáo", max_length=100)
    broadcast = models.BooleanField("phát sóng (tính thời lượng)", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại tin bài"
        verbose_name_plural = "loại tin bài"

    def __str__(self) -> str:
        return self.label


class MediaOutput(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="media_outputs", verbose_name="đơn vị"
    )
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày")
    kind = models.ForeignKey(
        MediaKind, on_delete=models.PROTECT, related_name="+", verbose_name="loại"
    )
    language = models.CharField("ngôn ngữ", max_length=100, blank=True)  # "": tiếng Việt
    language_key = models.CharField(max_length=100, blank=True, editable=False)
    count = models.PositiveIntegerField("số lượng")
    minutes = models.PositiveIntegerField("thời lượng (phút)", null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="văn bản",
    )
    document_symbol = models.CharField("số hiệu văn bản", max_length=100, blank=True)
    document_key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_to", "unit_id", "kind__order", "language_key"]
        verbose_name = "tin bài"
        verbose_name_plural = "tin bài"
        indexes = [models.Index(fields=["unit", "date_to"], name="media_unit_to_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "date_from", "date_to", "kind", "language_key", "document_key"],
                name="media_output_once",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="media_output_interval"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.count} (loại #{self.kind_id}) của đơn vị #{self.unit_id} từ "
            f"{format_date(self.date_from)} đến {format_date(self.date_to)}"
        )

    @property
    def language_label(self) -> str:
        return self.language or "Tiếng Việt"


class AwardKind(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    label = models.CharField("giá trị trong bảng tính", max_length=100)  # "Bằng khen"
    is_model = models.BooleanField("điển hình, mô hình (không phải hình thức khen)", default=False)
    people_only = models.BooleanField("chỉ tặng cá nhân", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại khen thưởng"
        verbose_name_plural = "loại khen thưởng"

    def __str__(self) -> str:
        return self.label


class Award(models.Model):
    code = models.CharField("mã", max_length=64, unique=True)
    kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="+", verbose_name="loại"
    )
    name = models.CharField("tên", max_length=500)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="awards", verbose_name="đơn vị"
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name="đảng viên",
    )
    person_name = models.CharField("họ và tên", max_length=255, blank=True)
    date = models.DateField("ngày")
    decision = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="quyết định",
    )
    decision_symbol = models.CharField("số quyết định", max_length=100, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="văn bản liên quan",
    )
    document_symbol = models.CharField("số hiệu văn bản liên quan", max_length=100, blank=True)
    search_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        indexes = [models.Index(fields=["unit", "date"], name="award_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def recipient(self) -> str:
        """Who is recognised, as a reader says it."""
        if self.member_id is not None:
            return self.member.full_name  # type: ignore[union-attr]
        return self.person_name or self.unit.name

    @property
    def for_person(self) -> bool:
        return self.member_id is not None or bool(self.person_name)
