"""Reporting periods (kỳ báo cáo) and the units' reports for them.

A committee opens a ``ReportingPeriod`` for its subtree; every unit of the subtree
existing on the cut-off date is expected to report. A unit's ``Submission`` freezes
the figures of every report section for ``[date_from, cutoff]`` (the JSON of the
report, its summary rows, a SHA-256 of the canonical figures) with the DOCX and XLSX
built in the background. The unit above approves it or returns it with a reason,
bottom-up (DHIS2's data approval); the approver may reopen it, and the unit may
withdraw a report not yet decided. Every step is a
``SubmissionEvent`` (and the audit trail's entry of the submission).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PeriodKind(models.TextChoices):
    MONTH = "thang", "Tháng"
    QUARTER = "quy", "Quý"
    HALF_YEAR = "sau_thang", "6 tháng"
    YEAR = "nam", "Năm"
    TERM = "nhiem_ky", "Nhiệm kỳ"


class ReportingPeriod(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị mở kỳ"
    )
    kind = models.CharField("loại kỳ", max_length=12, choices=PeriodKind.choices)
    name = models.CharField("tên kỳ báo cáo", max_length=200)
    date_from = models.DateField("từ ngày")
    cutoff = models.DateField("số liệu tính đến ngày")
    due_date = models.DateField("hạn nộp")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-cutoff", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cutoff__gte=F("date_from")), name="period_cutoff_after_start"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("cutoff")), name="period_due_after_cutoff"
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "date_from", "cutoff"], name="period_unique"
            ),
        ]
        indexes = [models.Index(fields=["date_from", "cutoff"], name="period_dates_idx")]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "da_nop", "Đã nộp, chờ duyệt"
    RETURNED = "tra_lai", "Bị trả lại"
    APPROVED = "da_duyet", "Đã phê duyệt"
    REOPENED = "mo_lai", "Đã mở lại"
    WITHDRAWN = "rut_lai", "Đã rút lại"


# A report in one of these states holds its figures still (``services.figures_guard``):
# submitted and awaiting the decision, or approved.
LOCKING = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


class FilesStatus(models.TextChoices):
    PENDING = "cho", "Đang tạo tệp"
    DONE = "xong", "Đã có tệp"
    FAILED = "loi", "Lỗi tạo tệp"  # the figures moved since they were frozen
    BROKEN = "hong", "Lỗi hệ thống khi tạo tệp"  # the task failed unexpectedly


class Submission(models.Model):
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    # The figures as submitted: {"figures": <the report's JSON>, "summary": {...}}.
    snapshot = models.JSONField(default=dict)
    sha256 = models.CharField("SHA-256 của số liệu", max_length=64)
    first_submitted_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("lý do", max_length=1000, blank=True)
    approved_sha256 = models.CharField(max_length=64, blank=True)
    files_status = models.CharField(
        max_length=4, choices=FilesStatus.choices, default=FilesStatus.PENDING
    )
    docx = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "báo cáo nộp theo kỳ"
        verbose_name_plural = "báo cáo nộp theo kỳ"
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="submission_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values), name="submission_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "unit"], name="submission_status_unit_idx")]

    def __str__(self) -> str:
        # a few saves a unit and period: the two names are worth their reads
        return f"báo cáo {self.period.name} của {self.unit.name} ({self.get_status_display()})"


class Action(models.TextChoices):
    SUBMIT = "nop", "Nộp báo cáo"
    APPROVE = "duyet", "Phê duyệt"
    RETURN = "tra_lai", "Trả lại"
    REOPEN = "mo_lai", "Mở lại"
    WITHDRAW = "rut_lai", "Rút lại"


class SubmissionEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=1000, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.submission_id}"
