"""Carrying a resolution out, and overseeing it.

- ``Programme``: an action programme or implementation plan (chương trình hành động,
  kế hoạch thực hiện). It *is* a registered document (``documents.Document``, one
  programme per document); what it carries out is the registry's own ``implements``
  link (``documents.DocumentLink``), not a copy here. ``unit`` is the committee that
  issued it and follows it up.
- ``Task``: one task of a programme, or a follow-up of an inspection's
  recommendations (exactly one of the two). A responsible unit, cooperating units,
  the day it was given (``assigned_on``), a deadline and the day it was done. Whether
  a task is done on time, done late, overdue or still in time is computed from those
  dates (``status.py``), never stored.
- ``TaskReport`` and ``Evidence``: a unit's progress note on a task and its files.
- ``Inspection``: a round of inspection, supervision or field review (kiểm tra, giám
  sát, khảo sát) conducted by a unit; ``InspectionTarget`` is one Party organisation
  it covered, with the members covered (a count and optionally named members).

Every write goes through ``services.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tuyengiao.lib.codes import validate_code
from tuyengiao.lib.dates import format_date


class Programme(models.Model):
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="programme",
        verbose_name="văn bản chương trình, kế hoạch",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="đơn vị ban hành",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "chương trình hành động"
        verbose_name_plural = "chương trình hành động"

    def __str__(self) -> str:
        return str(self.document_id and self.document.symbol)


class Kind(models.TextChoices):
    INSPECTION = "kiem_tra", "Kiểm tra"
    SUPERVISION = "giam_sat", "Giám sát"
    REVIEW = "khao_sat", "Khảo sát"


class Inspection(models.Model):
    code = models.CharField("mã cuộc", max_length=64, unique=True, validators=[validate_code])
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="inspections_conducted",
        verbose_name="đơn vị thực hiện",
    )
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày", null=True, blank=True)
    subject = models.TextField("nội dung", blank=True)
    findings = models.TextField("kết luận", blank=True)
    recommendations = models.TextField("kiến nghị", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_from", "code"]
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "cuộc kiểm tra, giám sát"
        indexes = [models.Index(fields=["unit", "date_from"], name="inspection_unit_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")),
                name="inspection_interval",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="inspection_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class InspectionTarget(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="inspections_received",
        verbose_name="tổ chức đảng được kiểm tra",
    )
    members = models.PositiveIntegerField("số đảng viên", default=0)
    named = models.ManyToManyField(
        "orgs.Member", blank=True, related_name="+", verbose_name="đảng viên được nêu tên"
    )

    class Meta:
        verbose_name = "đơn vị được kiểm tra, giám sát"
        verbose_name_plural = "đơn vị được kiểm tra, giám sát"
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], name="inspection_target_once")
        ]

    def __str__(self) -> str:
        return f"đơn vị #{self.unit_id} trong cuộc kiểm tra, giám sát #{self.inspection_id}"


class Task(models.Model):
    code = models.CharField("mã nhiệm vụ", max_length=64, unique=True, validators=[validate_code])
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    content = models.TextField("nội dung")
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="tasks", verbose_name="đơn vị chủ trì"
    )
    partners = models.ManyToManyField(
        "orgs.Unit", blank=True, related_name="tasks_cooperating", verbose_name="đơn vị phối hợp"
    )
    assigned_on = models.DateField("ngày giao")
    deadline = models.DateField("hạn", null=True, blank=True)
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "code"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        indexes = [
            models.Index(fields=["unit", "deadline"], name="task_unit_deadline_idx"),
            models.Index(fields=["unit", "done_on"], name="task_unit_done_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=False) & Q(inspection__isnull=True))
                | (Q(programme__isnull=True) & Q(inspection__isnull=False)),
                name="task_one_origin",
            )
        ]

    def __str__(self) -> str:
        return self.code


def evidence_path(instance: Any, filename: str) -> str:
    return f"nhiem-vu/{instance.report.task_id}/{filename}"


class TaskReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị báo cáo"
    )
    day = models.DateField("ngày")
    note = models.TextField("tiến độ")
    marked_done = models.BooleanField("báo cáo hoàn thành", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = "báo cáo tiến độ"

    def __str__(self) -> str:
        return f"tiến độ nhiệm vụ #{self.task_id} ngày {format_date(self.day)}"


class Evidence(models.Model):
    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "minh chứng"

    def __str__(self) -> str:
        return self.name
