"""Post-study essays (bài thu hoạch): what a campaign requires, the essays, their
grading and the copy check.

- ``EssayRequirement``: one per campaign that requires an essay (a row of this app
  pointing at ``study.Campaign``; study is not changed): the document studied, the
  deadline, how it is graded (the simple grades or a rubric of criteria × levels ×
  points, kept as JSON) and whether marking is blind.
- ``Marker``: a user who marks the essays of a unit's subtree for a requirement.
- ``Essay``: one per (member, document). Written in the browser (a draft saved as
  the member types; ``version`` counts the saves), uploaded as a file, or handed in
  on paper and imported from the ``Bài thu hoạch`` sheet. ``submitted_at`` is set
  once, when it is handed in; ``late`` compares it with the deadline. The marking
  state goes ``not_marked → in_marking → ready → released``; the member sees the
  grade only when it is released.
- ``SimilarityRun`` and ``SimilarPair``: the copy check of a requirement's essays
  (advisory: a score and the matching passages, never a grade).

Every write goes through ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuyengiao.lib.worker import stalled, unclaimed


class Grade(models.TextChoices):
    EXCELLENT = "xuat_sac", "Xuất sắc"
    GOOD = "tot", "Tốt"
    FAIR = "kha", "Khá"
    PASS = "dat", "Đạt"
    FAIL = "chua_dat", "Chưa đạt"


class Mode(models.TextChoices):
    SIMPLE = "simple", "Xếp loại (Xuất sắc / Tốt / Khá / Đạt / Chưa đạt)"
    RUBRIC = "rubric", "Thang điểm theo tiêu chí"


class EssayRequirement(models.Model):
    campaign = models.OneToOneField(
        "study.Campaign", on_delete=models.CASCADE, related_name="essay_requirement"
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="essay_requirements",
        verbose_name="văn bản thu hoạch",
    )
    deadline = models.DateTimeField("hạn nộp")
    instructions = models.TextField("yêu cầu", blank=True)
    mode = models.CharField("cách chấm", max_length=8, choices=Mode.choices, default=Mode.SIMPLE)
    # [{"name": "Nội dung", "levels": [{"label": "Tốt", "points": 4}, ...]}, ...]
    rubric = models.JSONField("thang điểm", default=list, blank=True)
    blind = models.BooleanField("chấm ẩn danh", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu bài thu hoạch"
        verbose_name_plural = "yêu cầu bài thu hoạch"
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=[m.value for m in Mode]), name="essay_req_mode_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Bài thu hoạch: {self.campaign}"


class Marker(models.Model):
    requirement = models.ForeignKey(
        EssayRequirement, on_delete=models.CASCADE, related_name="markers"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "người chấm"
        verbose_name_plural = "người chấm"
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "unit", "user"], name="essay_marker_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit}"


class Source(models.TextChoices):
    BROWSER = "browser", "Viết trên hệ thống"
    UPLOAD = "upload", "Tải tệp lên"
    PAPER = "paper", "Nộp bản giấy"


class State(models.TextChoices):
    NOT_MARKED = "not_marked", "Chưa chấm"
    IN_MARKING = "in_marking", "Đang chấm"
    READY = "ready", "Chờ công bố"
    RELEASED = "released", "Đã công bố"


MAX_CHARS = 40_000  # ~8.000 words; two side by side stay under 200 KB


class Essay(models.Model):
    requirement = models.ForeignKey(
        EssayRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="essays",
    )
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="essays")
    # The member's unit when the essay was begun (its scope: who marks and who sees it).
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="essays")
    source = models.CharField(
        "cách nộp", max_length=8, choices=Source.choices, default=Source.BROWSER
    )
    text = models.TextField("nội dung", blank=True)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_on = models.DateField("ngày nộp", null=True, blank=True)
    late = models.BooleanField("nộp muộn", default=False)
    state = models.CharField(
        "trạng thái chấm", max_length=12, choices=State.choices, default=State.NOT_MARKED
    )
    grade = models.CharField("xếp loại", max_length=10, choices=Grade.choices, blank=True)
    points = models.DecimalField("điểm", max_digits=6, decimal_places=2, null=True, blank=True)
    scores = models.JSONField("điểm theo tiêu chí", default=dict, blank=True)
    comment = models.TextField("nhận xét", blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "bài thu hoạch"
        verbose_name_plural = "bài thu hoạch"
        constraints = [
            models.UniqueConstraint(fields=["member", "document"], name="essay_one_per_document"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="essay_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(grade__in=[g.value for g in Grade]),
                name="essay_grade_valid",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_on__isnull=False),
                name="essay_submitted_has_day",
            ),
        ]
        indexes = [
            models.Index(fields=["requirement", "unit"], name="essay_req_unit_idx"),
            models.Index(fields=["unit", "submitted_on"], name="essay_unit_day_idx"),
        ]

    def __str__(self) -> str:
        return f"Bài thu hoạch {self.pk} ({self.member_id})"

    @property
    def handed_in(self) -> bool:
        return self.submitted_on is not None


class SimilarityRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Xong"
        FAILED = "failed", "Lỗi"

    requirement = models.ForeignKey(
        EssayRequirement, on_delete=models.CASCADE, related_name="similarity_runs"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    essays = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Kiểm tra trùng lặp {self.pk}"

    @property
    def stalled(self) -> bool:
        """Running, but its worker died (``lib.worker``): the pairs are written at the
        end in one transaction, so those of the run before are still shown."""
        return self.status == self.Status.RUNNING and stalled(self.started_at)

    @property
    def unclaimed(self) -> bool:
        """Still queued a minute after it was asked for: no task worker is running."""
        return self.status == self.Status.QUEUED and unclaimed(self.created_at)


class SimilarPair(models.Model):
    """Two essays of a requirement whose text overlaps: ``score`` is the share of the
    shorter essay's shingles (quotations of the documents removed) found in the other;
    ``passages`` the matching stretches as character ranges of each text."""

    requirement = models.ForeignKey(
        EssayRequirement, on_delete=models.CASCADE, related_name="similar_pairs"
    )
    a = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    flagged = models.BooleanField(default=False)
    passages = models.JSONField(default=list)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="similar_pair_once"),
            models.CheckConstraint(condition=Q(a__lt=models.F("b")), name="similar_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id}: {self.score:.2f}"
