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
        verbose_name = "báo cáo viên của hội nghị"
        verbose_name_plural = "báo cáo viên của hội nghị"
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "presenter"], name="session_presenter_once")
        ]

    def __str__(self) -> str:
        return f"báo cáo viên #{self.presenter_id} tại hội nghị #{self.session_id}"


# --- dissemination to the public, training, materials, languages of units (issue 14) ---
#
# - ``DisseminationForm``: the forms of dissemination (chuyên đề, lồng ghép, lưu động,
#   trực tuyến) as data (seeded by migration 0004), like levels and statuses.
# - ``DisseminationEvent``: one event of oral dissemination to the public at a unit on a
#   day (the workbook's ``Buổi tuyên truyền``): its listeners are a count, never names.
# - ``Course`` and ``Learner``: a training course (tập huấn, bồi dưỡng) with the people
#   listed (a roster presenter or a member) and their result, plus participants counted
#   without names (``extra_participants``).
# - ``Material``: an outline, Q&A booklet, leaflet, slides or video for a document, with
#   its file, copies and the units it was distributed to; ``MaterialView`` counts the
#   opens per unit of the reader (a counter, never who read what).
# - ``UnitLanguage``: a language the population of a unit speaks (kept here so the
#   unit model of ``orgs`` does not change).


class DisseminationForm(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=100)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "hình thức tuyên truyền"
        verbose_name_plural = "hình thức tuyên truyền"

    def __str__(self) -> str:
        return self.name


class DisseminationEvent(models.Model):
    code = models.CharField("mã buổi", max_length=64, unique=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="dissemination_events",
        verbose_name="đơn vị",
    )
    date = models.DateField("ngày")
    form = models.ForeignKey(
        DisseminationForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="hình thức",
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="văn bản",
    )
    language = models.CharField("ngôn ngữ", max_length=50, blank=True)  # blank: Vietnamese
    listeners = models.PositiveIntegerField("số lượt người nghe")
    presenters = models.ManyToManyField(Presenter, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "buổi tuyên truyền"
        verbose_name_plural = "buổi tuyên truyền"
        indexes = [models.Index(fields=["unit", "date"], name="dissemination_unit_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def language_label(self) -> str:
        return self.language or "Tiếng Việt"


class Course(models.Model):
    code = models.CharField("mã lớp", max_length=64, unique=True)
    title = models.CharField("tên lớp", max_length=255)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="courses", verbose_name="đơn vị tổ chức"
    )
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày", null=True, blank=True)
    extra_participants = models.PositiveIntegerField("số lượt học viên không ghi tên", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_from", "-id"]
        verbose_name = "lớp tập huấn, bồi dưỡng"
        verbose_name_plural = "lớp tập huấn, bồi dưỡng"
        indexes = [models.Index(fields=["unit", "date_from"], name="course_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=models.F("date_from")),
                name="course_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class CourseResult(models.TextChoices):
    DONE = "hoan_thanh", "Hoàn thành"
    NOT_DONE = "khong_hoan_thanh", "Không hoàn thành"
    EXCELLENT = "gioi", "Giỏi"
    GOOD = "kha", "Khá"
    PASSED = "dat", "Đạt"


class Learner(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="learners")
    presenter = models.ForeignKey(
        Presenter, on_delete=models.PROTECT, null=True, blank=True, related_name="courses_taken"
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.CharField("kết quả", max_length=20, choices=CourseResult.choices, blank=True)

    class Meta:
        ordering = ["course_id", "id"]
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        constraints = [
            models.CheckConstraint(
                condition=Q(presenter__isnull=False) | Q(member__isnull=False),
                name="learner_is_someone",
            ),
            models.UniqueConstraint(
                fields=["course", "presenter"],
                condition=Q(presenter__isnull=False),
                name="learner_presenter_once",
            ),
            models.UniqueConstraint(
                fields=["course", "member"],
                condition=Q(presenter__isnull=True),
                name="learner_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.presenter_id or self.member_id}"


class MaterialKind(models.TextChoices):
    OUTLINE = "de_cuong", "Đề cương"
    QA = "hoi_dap", "Tài liệu hỏi đáp"
    LEAFLET = "to_gap", "Tờ gấp"
    SLIDES = "bai_giang", "Bài giảng"
    VIDEO = "video", "Video"
    OTHER = "khac", "Khác"


def material_path(instance: Material, filename: str) -> str:
    return f"tai-lieu/{instance.code}/{filename}"


class Material(models.Model):
    code = models.CharField("mã tài liệu", max_length=64, unique=True)
    title = models.CharField("tên tài liệu", max_length=255)
    kind = models.CharField("loại", max_length=16, choices=MaterialKind.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="materials",
        verbose_name="đơn vị phát hành",
    )
    date = models.DateField("ngày phát hành")
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="văn bản",
    )
    copies = models.PositiveIntegerField("số bản in, phát hành", default=0)
    file = models.FileField(upload_to=material_path, max_length=300, blank=True)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    distributed_to = models.ManyToManyField(
        "orgs.Unit", blank=True, related_name="+", verbose_name="phát hành tới"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "tài liệu tuyên truyền"
        verbose_name_plural = "tài liệu tuyên truyền"

    def __str__(self) -> str:
        return self.title


class MaterialView(models.Model):
    """How many times readers of ``unit`` opened ``material``: a counter, no names."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="views")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["material", "unit"], name="material_view_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.material_id}@{self.unit_id}: {self.count}"


class UnitLanguage(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    language = models.CharField("ngôn ngữ", max_length=50)
    key = models.CharField(max_length=50, editable=False)  # folded, for matching

    class Meta:
        ordering = ["unit_id", "language"]
        verbose_name = "ngôn ngữ của nhân dân trên địa bàn"
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="unit_language_once")]

    def __str__(self) -> str:
        return self.language
