"""Question banks, quizzes and contests (issue 15, items 4 and 5).

- ``QuestionBank``: owned by a unit, keyed by ``code``; ``Question``: a stem, its
  choices (a JSON list of texts), the key (index into the choices), and the place it
  comes from: a registered ``Document`` and the number of the paragraph of its text
  (``paragraphs.split``), draft or approved. A question is the same question when its
  folded stem is (``stem_key``), so importing a file again updates, never doubles.
- ``Contest``: owned by a unit; a contest or a practice quiz; who may take part
  (``Audience``: members of listed units, listed members, or the public giving a name
  and a unit); the bank it draws from and how many questions an attempt gets.
- ``Round``: open and close times, attempts allowed, the time limit (kept by the server:
  ``Attempt.deadline_at``).
- ``Participant``: one person in one contest: a member, or a public participant known
  only by the name and unit they gave and a random token in a cookie (nothing else is
  kept: no account, no telephone, no address).
- ``Attempt``: one try at a round; its questions and their choice order are drawn once
  and frozen (``layout``); ``key`` is the secret in its URL.
- ``Answer``: one row per attempt and question, written by one upsert that keeps the
  newest (``seq``, the client's counter) however often the client resends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuyengiao.documents.models import Document
from tuyengiao.lib.codes import validate_code
from tuyengiao.lib.worker import stalled, unclaimed
from tuyengiao.orgs.models import Member, Unit


class QuestionStatus(models.TextChoices):
    DRAFT = "nhap", "Nháp"
    APPROVED = "da_duyet", "Đã duyệt"


class QuestionBank(models.Model):
    code = models.CharField("mã ngân hàng", max_length=64, unique=True, validators=[validate_code])
    name = models.CharField("tên", max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="question_banks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "ngân hàng câu hỏi"
        verbose_name_plural = "ngân hàng câu hỏi"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField("số thứ tự")
    text = models.TextField("câu hỏi")
    stem_key = models.CharField(max_length=255, editable=False)
    choices = models.JSONField("phương án", default=list)
    answer = models.PositiveSmallIntegerField("đáp án")  # index into ``choices``
    explanation = models.TextField("giải thích", blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    paragraph = models.PositiveIntegerField("đoạn", null=True, blank=True)  # 1-based
    status = models.CharField(
        "trạng thái", max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    source = models.CharField("nguồn nhập", max_length=16, blank=True)

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        ordering = ["bank", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "stem_key"], name="contests_question_stem"),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="contests_question_status"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Kind(models.TextChoices):
    CONTEST = "cuoc_thi", "Cuộc thi"
    PRACTICE = "luyen_tap", "Luyện tập"


class Audience(models.TextChoices):
    UNITS = "don_vi", "Đảng viên của các đơn vị"
    MEMBERS = "dang_vien", "Đảng viên được chọn"
    PUBLIC = "cong_khai", "Mọi người (ghi họ tên và đơn vị)"


class Contest(models.Model):
    code = models.CharField("mã cuộc thi", max_length=64, unique=True, validators=[validate_code])
    title = models.CharField("tên", max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contests")
    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.CONTEST)
    audience = models.CharField(
        "đối tượng", max_length=16, choices=Audience.choices, default=Audience.UNITS
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="+")  # eligible / public units
    members = models.ManyToManyField(Member, blank=True, related_name="+")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="contests")
    questions_per_attempt = models.PositiveSmallIntegerField("số câu mỗi lượt", default=10)
    ask_guess = models.BooleanField("câu dự đoán", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cuộc thi"
        verbose_name_plural = "cuộc thi"
        ordering = ["-created_at", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="contests_kind"),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="contests_audience"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("vòng")
    opens_at = models.DateTimeField("mở lúc")
    closes_at = models.DateTimeField("đóng lúc")
    attempts_allowed = models.PositiveSmallIntegerField("số lượt", default=1)
    time_limit_seconds = models.PositiveIntegerField("thời gian mỗi lượt (giây)", default=600)

    class Meta:
        verbose_name = "vòng thi"
        verbose_name_plural = "vòng thi"
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contests_round_number"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="contests_round_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest} — vòng {self.number}"


class Participant(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    full_name = models.CharField("họ và tên", max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)  # the public participant's cookie
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "member"],
                condition=Q(member__isnull=False),
                name="contests_participant_member",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Attempt(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attempts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField("lượt")
    key = models.CharField(max_length=64, unique=True)
    layout = models.JSONField(default=list)  # [[question id, [choice order...]], ...]
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    guess = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["round", "participant", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "number"], name="contests_attempt_number"
            )
        ]
        indexes = [models.Index(fields=["round", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.participant} — lượt {self.number}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField(default=0)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="contests_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.choice}"


class QuestionImport(models.Model):
    """A file uploaded on the web, parsed and written by the task worker."""

    class Status(models.TextChoices):
        QUEUED = "cho", "Đang chờ"
        RUNNING = "dang", "Đang nhập"
        DONE = "xong", "Đã nhập"
        FAILED = "loi", "Có lỗi, chưa nhập gì"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    errors = models.JSONField(default=list)
    imported = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.file_name

    @property
    def unclaimed(self) -> bool:
        """Still queued a minute after it was asked for: no task worker is running."""
        return self.status == self.Status.QUEUED and unclaimed(self.created_at)

    @property
    def stalled(self) -> bool:
        """Being imported, but its worker died (``lib.worker``): the import is one
        transaction, so no question was written."""
        return self.status == self.Status.RUNNING and stalled(self.started_at)
