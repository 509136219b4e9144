"""The roster of presenters (báo cáo viên) and grassroots communicators (tuyên
truyền viên), per Quy định 973-QĐ/BTGTW (2021), and who presented which session.

- ``PresenterLevel`` and ``PresenterStatus`` are data (seeded by migration 0002),
  not code: the regulation will change (the district level ended on 01/07/2025; a
  new quy chế may add others). A level is itself effective-dated: a recognition
  at a level must start while the level exists.
- ``Presenter``: one person's recognition at one level by one unit's committee,
  keyed by ``code`` (the workbook's ``Mã báo cáo viên``). The person is a member
  or not (``member`` optional; the name is kept either way). Recognised over
  ``[valid_from, valid_until]`` (both days included, as the decision says;
  ``None`` open-ended). "Serving on D" is one query: status that serves, and D in
  the interval (``selectors.serving_q``).
- ``SessionPresenter``: a study session names presenters from the roster (the
  session's free-text ``outside_presenters`` stays for speakers not on it).

Every write goes through ``services.py``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PresenterLevel(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=100)  # "Báo cáo viên cấp tỉnh"
    label = models.CharField("giá trị trong bảng tính", max_length=50)  # "Tỉnh"
    is_communicator = models.BooleanField("tuyên truyền viên", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hết hiệu lực từ", null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "cấp báo cáo viên"
        verbose_name_plural = "cấp báo cáo viên"

    def __str__(self) -> str:
        return self.name


class PresenterStatus(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=100)
    # Counted as serving over the recognition's interval (recognised; relieved
    # ones served until their last day).
    serving = models.BooleanField("được tính là đang hoạt động trong thời hạn", default=False)
    needs_until = models.BooleanField("phải có ngày kết thúc", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "trạng thái báo cáo viên"
        verbose_name_plural = "trạng thái báo cáo viên"

    def __str__(self) -> str:
        return self.name


class Theory(models.TextChoices):
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


class Presenter(models.Model):
    code = models.CharField("mã báo cáo viên", max_length=64, unique=True)
    family_name = models.CharField("họ", max_length=100, blank=True)
    middle_name = models.CharField("tên đệm", max_length=100, blank=True)
    given_name = models.CharField("tên", max_length=100)
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presenter_records",
        verbose_name="đảng viên",
    )
    level = models.ForeignKey(
        PresenterLevel, on_delete=models.PROTECT, related_name="+", verbose_name="cấp"
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="presenters",
        verbose_name="đơn vị công nhận",
    )
    status = models.ForeignKey(
        PresenterStatus, on_delete=models.PROTECT, related_name="+", verbose_name="trạng thái"
    )
    decision = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="quyết định công nhận",
    )
    decision_symbol = models.CharField("số quyết định", max_length=100, blank=True)
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    theory = models.CharField(
        "lý luận chính trị", max_length=16, choices=Theory.choices, blank=True
    )
    degree = models.CharField("chuyên môn", max_length=100, blank=True)
    topics = models.CharField("lĩnh vực", max_length=500, blank=True)
    languages = models.CharField("ngôn ngữ", max_length=255, blank=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    search_key = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name = "báo cáo viên"
        verbose_name_plural = "báo cáo viên"
        indexes = [models.Index(fields=["unit", "valid_from"], name="presenter_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="presenter_valid_interval",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(";") if x.strip()]


class SessionPresenter(models.Model):
    session = models.ForeignKey(
        "study.Session", on_delete=models.CASCADE, related_name="roster_presenters"
    )
    presenter = models.ForeignKey(Presenter, on_delete=models.PROTECT, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "presenter"], name="session_presenter_once")
        ]

    def __str__(self) -> str:
        return f"{self.presenter_id}@{self.session_id}"
