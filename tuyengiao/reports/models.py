"""Roll-up facts and report requests.

Facts are derived rows, never edited by hand: ``services.facts_refresh_sessions``
rewrites the facts of the sessions a study service has just written, in the same
transaction, and ``rebuild_facts`` recomputes them all from the raw rows. Reports
read only facts plus the org tree, so any unit's figures are a few indexed
``GROUP BY`` queries whatever its depth.

- ``SessionFact``: one row per session row (a main session or one of its bridge
  points) with its attendance counts. "Sessions held" counts rows that are not
  bridge points; bridge points are counted separately (1 hội nghị, N điểm cầu).
- ``PresenceFact``: one row per ``Có mặt`` attendance, denormalised with the
  campaign and date (the detail the two facts below fall back on).
- ``MemberCampaignFact``: one row per (member, campaign) with at least one
  ``Có mặt``: the first and last date present and how many times. A member
  attended the campaign in ``[from, to]`` when the first or the last date falls
  in it; when both fall outside it the answer is no, unless the presence span
  straddles the whole period (first before it, last after it), and only then
  ``PresenceFact`` is asked. So a report reads ~5 rows per member instead of
  every presence.
- ``MemberFact``: the same per member over all campaigns ("attended at least
  one session in the period").

Study ids are plain integers rather than foreign keys: the facts are disposable
and must not block a change of the study tables (a rebuild repairs them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SessionFact(models.Model):
    session_id = models.BigIntegerField(unique=True)
    main_session_id = models.BigIntegerField()
    is_bridge = models.BooleanField(default=False)
    campaign_id = models.BigIntegerField()
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    present = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    other_attendees = models.PositiveIntegerField(default=0)
    public_reached = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "date"], name="sessionfact_unit_date"),
            models.Index(fields=["date"], name="sessionfact_date"),
            models.Index(fields=["campaign_id", "date"], name="sessionfact_campaign"),
        ]

    def __str__(self) -> str:
        return f"hội nghị {self.session_id} @ {self.unit_id} {self.date}"


class PresenceFact(models.Model):
    session_id = models.BigIntegerField()
    member_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()  # host unit of the session row
    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_id", "member_id"], name="presencefact_unique")
        ]
        indexes = [
            models.Index(fields=["campaign_id", "member_id", "date"], name="presencefact_campaign"),
            models.Index(fields=["member_id", "date"], name="presencefact_member"),
            models.Index(fields=["unit_id", "date"], name="presencefact_unit"),
        ]

    def __str__(self) -> str:
        return f"có mặt {self.member_id} @ {self.session_id}"


class MemberCampaignFact(models.Model):
    member_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    first_date = models.DateField()
    last_date = models.DateField()
    presences = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member_id", "campaign_id"], name="membercampaignfact_unique"
            )
        ]
        # for the rare spans that straddle a report's period (last after its end)
        indexes = [models.Index(fields=["last_date", "first_date"], name="membercampaignfact_span")]

    def __str__(self) -> str:
        return f"{self.member_id} @ đợt {self.campaign_id}: {self.first_date}–{self.last_date}"


class MemberFact(models.Model):
    member_id = models.BigIntegerField(unique=True)
    first_date = models.DateField()
    last_date = models.DateField()
    presences = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["last_date", "first_date"], name="memberfact_span")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.first_date}–{self.last_date}"


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
