"""Anonymous sociological surveys (điều tra xã hội học), defined by an XLSForm.

Anonymity is designed into the tables, not promised:

- ``Response`` holds the survey, the unit where the answer was given, the **date**
  (no time) and where it came from (web or sheet); nothing else. No user, no
  address, no device, no cookie or session key, no timestamp. Its key is a random
  UUID, so the order of arrival is not in the key either.
- ``Answer`` holds one answer of a response (one row per chosen choice of a
  ``select_multiple``), keyed by a random UUID as well.
- ``SurveyCode`` is the ledger of single-use codes for one-response-per-person:
  a code and a ``used`` flag, with no link to the response it allowed and no
  time of use.
- ``import_key`` of a response read from a ``Phiếu khảo sát`` sheet is a digest
  of its own content (unit, date, answers and how many identical rows came before
  it in the file): a re-import adds nothing, and it holds nothing that is not
  already in the row.

None of these three models is registered with the audit log (``trust/audit.py``):
the audit entries carry the request's user and address.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Survey(models.Model):
    code = models.CharField("mã khảo sát", max_length=64, unique=True)  # settings.form_id
    title = models.CharField("tên", max_length=300)
    version = models.CharField("phiên bản", max_length=64, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="surveys", verbose_name="đơn vị"
    )
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày")
    threshold = models.PositiveSmallIntegerField("ngưỡng ẩn (k)", default=5)
    single_use = models.BooleanField("mỗi người một lần (mã dùng một lần)", default=False)
    is_open = models.BooleanField("đang nhận trả lời", default=True)
    source_name = models.CharField("tệp XLSForm", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người tạo",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_from", "code"]
        verbose_name = "cuộc khảo sát"
        verbose_name_plural = "cuộc khảo sát"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="survey_period"
            ),
            models.CheckConstraint(condition=Q(threshold__gte=2), name="survey_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Kind(models.TextChoices):
    SELECT_ONE = "select_one", "Chọn một"
    SELECT_MULTIPLE = "select_multiple", "Chọn nhiều"
    INTEGER = "integer", "Số nguyên"
    TEXT = "text", "Văn bản"
    NOTE = "note", "Ghi chú"


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    name = models.CharField("tên trường", max_length=100)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    label = models.TextField("câu hỏi")
    hint = models.TextField("gợi ý", blank=True)
    group = models.CharField("nhóm", max_length=300, blank=True)  # the group's label
    required = models.BooleanField("bắt buộc", default=False)
    order = models.PositiveSmallIntegerField("thứ tự")

    class Meta:
        ordering = ["survey_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="question_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_select(self) -> bool:
        return self.kind in (Kind.SELECT_ONE, Kind.SELECT_MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    name = models.CharField("giá trị", max_length=100)
    label = models.CharField("nhãn", max_length=500)
    order = models.PositiveSmallIntegerField("thứ tự")

    class Meta:
        ordering = ["question_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "name"], name="choice_name_once")
        ]

    def __str__(self) -> str:
        return self.label


class Source(models.TextChoices):
    WEB = "web", "Trả lời trên mạng"
    SHEET = "sheet", "Phiếu giấy / Kobo / ODK"


class Response(models.Model):
    """One respondent's answers: unit, date, source. Nothing about the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("ngày")
    source = models.CharField(max_length=8, choices=Source.choices)
    import_key = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "unit"], name="survey_response_unit_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "import_key"],
                condition=~Q(import_key=""),
                name="survey_response_import_once",
            )
        ]

    def __str__(self) -> str:
        return f"phiếu {self.survey_id}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, related_name="+")
    number = models.BigIntegerField(null=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"], name="survey_answer_q_idx")]

    def __str__(self) -> str:
        return f"trả lời {self.question_id}"


class SurveyCode(models.Model):
    """A single-use code: handed out on paper, typed by the respondent. ``used`` is
    all that is kept of its use; nothing points at the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="survey_code_once")]

    def __str__(self) -> str:
        return self.code
