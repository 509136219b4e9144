"""Study campaigns (học tập, quán triệt), sessions, bridge points and attendance.

- ``Campaign``: one or more documents studied across the subtree of its owner
  unit between ``start`` and ``deadline``, with target rates (members 95%,
  public 85% by default).
- ``Session``: one conference (hội nghị) hosted by a unit, keyed by ``code``
  (the workbook's ``Mã hội nghị``). **A bridge point (điểm cầu) is a Session
  row whose ``main`` points at the main session**: it has its own host unit,
  place and attendance, the same campaign, date and format as its main session.
  A report counts a main session and its bridge points once ("1 hội nghị, N
  điểm cầu") by counting rows with ``main IS NULL`` and, separately, rows with
  ``main IS NOT NULL``. Bridge points do not nest (``main`` of a bridge point
  is always a main session; enforced by the services).
  ``is_makeup`` marks a make-up session (học bù): it counts towards the rate.
- ``Attendance``: one row per (session, member), status enforced by a
  ``CheckConstraint``; ``checked_in_at`` / ``checked_out_at`` come from the QR
  flow; ``source`` says how the row was written (grid, QR, import).

Every write goes through ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuyengiao.lib.codes import validate_code


class Audience(models.TextChoices):
    MEMBERS = "members", "Đảng viên"
    KEY_CADRES = "key_cadres", "Cán bộ chủ chốt"
    MASS_ORGS = "mass_orgs", "Đoàn viên, hội viên"
    PUBLIC = "public", "Nhân dân"


DEFAULT_MEMBER_TARGET = 95
DEFAULT_PUBLIC_TARGET = 85


class Campaign(models.Model):
    title = models.CharField("tên đợt học tập", max_length=255)
    documents = models.ManyToManyField(
        "documents.Document", related_name="campaigns", verbose_name="văn bản"
    )
    owner = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="đơn vị chủ trì",
    )
    # Comma-separated ``Audience`` values, e.g. "members,public".
    audiences = models.CharField("đối tượng", max_length=100, default="members")
    start = models.DateField("ngày bắt đầu")
    deadline = models.DateField("hạn hoàn thành")
    member_target = models.DecimalField(
        "chỉ tiêu đảng viên (%)", max_digits=5, decimal_places=2, default=DEFAULT_MEMBER_TARGET
    )
    public_target = models.DecimalField(
        "chỉ tiêu nhân dân (%)", max_digits=5, decimal_places=2, default=DEFAULT_PUBLIC_TARGET
    )
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "đợt học tập"
        verbose_name_plural = "đợt học tập"
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")), name="campaign_deadline_after_start"
            ),
            models.CheckConstraint(
                condition=Q(member_target__gte=0, member_target__lte=100)
                & Q(public_target__gte=0, public_target__lte=100),
                name="campaign_targets_percent",
            ),
        ]
        indexes = [models.Index(fields=["owner", "start"], name="campaign_owner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split(",") if a]

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(a, a)) for a in self.audience_list]


class Format(models.TextChoices):
    IN_PERSON = "truc_tiep", "Trực tiếp"
    ONLINE = "truc_tuyen", "Trực tuyến"
    HYBRID = "ket_hop", "Kết hợp"


class Session(models.Model):
    """A conference, or a bridge point of one when ``main`` is set."""

    code = models.CharField("mã hội nghị", max_length=64, unique=True, validators=[validate_code])
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="sessions")
    host = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name="đơn vị tổ chức",
    )
    main = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bridge_points",
        verbose_name="hội nghị chính",
    )
    title = models.CharField("tên hội nghị", max_length=255, blank=True)
    date = models.DateField("ngày")
    start_time = models.TimeField("giờ bắt đầu", null=True, blank=True)
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    format = models.CharField(
        "hình thức", max_length=16, choices=Format.choices, default=Format.IN_PERSON
    )
    is_makeup = models.BooleanField("học bù", default=False)
    presenters = models.ManyToManyField(
        "orgs.Member", blank=True, related_name="presented_sessions", verbose_name="báo cáo viên"
    )
    outside_presenters = models.CharField(
        "báo cáo viên ngoài danh sách", max_length=500, blank=True
    )
    other_attendees = models.PositiveIntegerField("số lượt người khác tham dự", default=0)
    public_reached = models.PositiveIntegerField("số lượt nhân dân được tuyên truyền", default=0)
    # Set by checkout_open: from then on a check-out QR is shown, and members
    # present without a check-out are "left early".
    checkout_opened_at = models.DateTimeField("mở điểm danh ra về lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = "hội nghị"
        verbose_name_plural = "hội nghị"
        constraints = [
            models.CheckConstraint(
                condition=Q(main__isnull=True) | ~Q(main=models.F("id")),
                name="session_main_not_self",
            ),
            models.CheckConstraint(
                condition=Q(format__in=[f.value for f in Format]), name="session_format_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "date"], name="session_campaign_idx"),
            models.Index(fields=["host", "date"], name="session_host_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.code} ({self.code})"

    @property
    def is_bridge_point(self) -> bool:
        return self.main_id is not None


class Status(models.TextChoices):
    PRESENT = "co_mat", "Có mặt"
    EXCUSED = "vang_co_ly_do", "Vắng có lý do"
    ABSENT = "vang_khong_ly_do", "Vắng không lý do"


class Source(models.TextChoices):
    GRID = "grid", "Bảng điểm danh"
    QR = "qr", "Mã QR"
    IMPORT = "import", "Nhập từ tệp"
    API = "api", "Hệ thống khác (API)"


class Attendance(models.Model):
    # No index of their own: ``attendance_one_per_member`` (session, member) and
    # ``attendance_member_idx`` (member, status) lead with them, and every index is
    # written on each QR check-in.
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, related_name="attendance", db_index=False
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    checked_in_at = models.DateTimeField("giờ vào", null=True, blank=True)
    checked_out_at = models.DateTimeField("giờ ra", null=True, blank=True)
    source = models.CharField("nguồn", max_length=8, choices=Source.choices, default=Source.GRID)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "member_id"]
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_one_per_member"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in Source]), name="attendance_source_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="attendance_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.member_id}: {self.get_status_display()}"


class CheckinDevice(models.Model):
    """The last QR check-in made from one device (a signed cookie id), so that
    one phone cannot check in several members within the window."""

    device_id = models.CharField(max_length=64)
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    last_at = models.DateTimeField()

    class Meta:
        # A constraint rather than ``unique=True``, which on PostgreSQL adds a second
        # index for LIKE that no query uses and every check-in would write.
        constraints = [models.UniqueConstraint(fields=["device_id"], name="checkindevice_one")]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.member_id}"


# --- roll-up facts (derived rows, kept by study/facts.py) ---------------------------
#
# Facts are never edited by hand: ``facts.refresh_sessions`` rewrites the facts of the
# sessions a service has just written, in the same transaction, and ``rebuild_facts``
# recomputes them all from the raw rows. Report figures read only facts plus the org
# tree, so any unit's figures are a few indexed ``GROUP BY`` queries whatever its depth.
#
# - ``SessionFact``: one row per session row (a main session or one of its bridge
#   points) with its attendance counts.
# - ``PresenceFact``: one row per ``Có mặt`` attendance, with campaign, host and date.
# - ``MemberCampaignFact``: one row per (member, campaign) with at least one ``Có mặt``:
#   first and last date present and how many times. A member attended the campaign in
#   ``[from, to]`` when the first or the last date falls in it; when the span straddles
#   the whole period only then ``PresenceFact`` is asked.
# - ``MemberFact``: the same per member over all campaigns.
#
# Session and campaign ids are plain integers rather than foreign keys: the facts are
# disposable and must not block a change of the study tables (a rebuild repairs them).
# The tables keep the names the reports app created them under.


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
        db_table = "reports_sessionfact"  # created by the reports app before the facts moved here
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
        db_table = "reports_presencefact"  # created by the reports app before the facts moved here
        constraints = [
            models.UniqueConstraint(fields=["session_id", "member_id"], name="presencefact_unique")
        ]
        indexes = [
            models.Index(fields=["campaign_id", "member_id", "date"], name="presencefact_campaign"),
            models.Index(fields=["member_id", "date"], name="presencefact_member"),
            # No index on (unit_id, date): no query reads presences by host, and every
            # check-in wrote it (study migration 0006).
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
        db_table = (
            "reports_membercampaignfact"  # created by the reports app before the facts moved here
        )
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
        db_table = "reports_memberfact"  # created by the reports app before the facts moved here
        indexes = [models.Index(fields=["last_date", "first_date"], name="memberfact_span")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.first_date}–{self.last_date}"


class UnitMemberFact(models.Model):
    """Members per unit over time: over ``[valid_from, valid_to)`` the unit had
    ``members`` memberships (members sinh hoạt there directly), ``exempt`` of them
    exempt (miễn sinh hoạt) at the same time. Only intervals with members are kept.
    Kept by ``unit_members.py`` whenever ``orgs`` changes memberships or exemptions
    (``orgs.hooks.members_changed``); a subtree's counts on a day are one sum over
    its units' rows valid that day."""

    unit_id = models.BigIntegerField()
    valid_from = models.DateField(null=True)
    valid_to = models.DateField(null=True)
    members = models.PositiveIntegerField()
    exempt = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit_id", "valid_from"], name="unitmemberfact_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} [{self.valid_from} – {self.valid_to}): {self.members}"
