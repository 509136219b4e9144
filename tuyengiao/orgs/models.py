"""The organisation tree over time, members and the roles of users.

Units are never deleted. A unit's identity (``Unit``) carries today's state
(name, kind, parent, materialised ``path``); every change of name, kind or
place in the tree closes the unit's current ``UnitVersion`` and opens a new one,
so the tree as it stood on any date is the set of versions valid on that date,
and a subtree is one ``path LIKE 'prefix%'`` query on SQLite and PostgreSQL alike.
Merges, splits and the other structural events are written to ``UnitLineage``;
"today's successor" of a dissolved unit follows those rows.

Every validity interval here is half-open: ``[valid_from, valid_to)``; ``None``
means open-ended (since ever / still valid). A unit dissolved "on 01/07/2025"
has ``valid_to = 2025-07-01`` and is not valid on that day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable

from tuyengiao.lib.codes import validate_code
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.worker import stalled, unclaimed


class Unit(models.Model):
    code = models.CharField("mã đơn vị", max_length=64, unique=True, validators=[validate_code])
    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.CharField("loại đơn vị", max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="đơn vị cấp trên",
    )
    # "/1/7/42/": ids of the ancestors and the unit, today's structure.
    path = models.CharField("vị trí trong cây", max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField("cấp", default=0)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hết hiệu lực từ", null=True, blank=True)
    population = models.PositiveIntegerField(
        "dân số", null=True, blank=True, help_text="để tính tỷ lệ tuyên truyền trong nhân dân"
    )
    place = models.CharField(
        "địa danh",
        max_length=100,
        blank=True,
        help_text="ghi ở dòng địa danh, ngày tháng của văn bản (ví dụ: Lai Châu); "
        "để trống thì dùng địa danh của đơn vị cấp trên",
    )
    admin_code = models.CharField(
        "mã đơn vị hành chính",
        max_length=10,
        blank=True,
        default="",
        db_default="",
        db_index=True,
        help_text="mã của xã, phường, đặc khu hoặc tỉnh trong danh mục hành chính (nếu có)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Derived from today's name and code by the services (``derive_unit_keys``):
    # Vietnamese order of siblings and search without diacritics. The database
    # default lets bulk loaders that do not know them insert rows (keys filled by
    # ``unit_keys_refresh``).
    sort_key = models.CharField(max_length=400, editable=False, default="", db_default="")
    search_key = models.CharField(max_length=400, editable=False, default="", db_default="")

    class Meta:
        ordering = ["path"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        indexes = [models.Index(fields=["parent", "sort_key"], name="unit_parent_sort_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_interval",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def path_ids(self) -> list[int]:
        """Ids along today's path, the root first and this unit last ("/1/7/42/")."""
        return ids_on_path(self.path)


class UnitVersion(models.Model):
    """The unit's name, kind and place in the tree over one interval."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=100)
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [
            models.Index(fields=["path", "valid_from", "valid_to"], name="unitversion_path_idx"),
            models.Index(fields=["unit", "valid_from"], name="unitversion_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unitversion_valid_interval",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.valid_from or '…'} – {self.valid_to or '…'})"


class LineageKind(models.TextChoices):
    CREATE = "create", "Thành lập"
    RENAME = "rename", "Đổi tên"
    MOVE = "move", "Chuyển trực thuộc"
    DISSOLVE = "dissolve", "Giải thể"
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia tách"


class UnitLineage(models.Model):
    """One structural event: ``from_unit`` became (part of) ``to_unit`` on ``date``."""

    kind = models.CharField(max_length=16, choices=LineageKind.choices)
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="lineage_out"
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="lineage_in"
    )
    date = models.DateField()
    is_primary = models.BooleanField(default=True)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["from_unit", "date"], name="lineage_from_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_unit_id}→{self.to_unit_id} {self.date}"


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class Member(models.Model):
    code = models.CharField("mã đảng viên", max_length=64, unique=True, validators=[validate_code])
    family_name = models.CharField("họ", max_length=100, blank=True)
    middle_name = models.CharField("tên đệm", max_length=100, blank=True)
    given_name = models.CharField("tên", max_length=100)
    gender = models.CharField("giới tính", max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    admission_date = models.DateField("ngày vào Đảng", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name="tài khoản",
    )
    # Derived keys, written by the services: Vietnamese order and search without marks.
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    search_key = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


def _interval(row: Membership | Exemption) -> str:
    """`` từ dd/mm/yyyy đến dd/mm/yyyy`` of a dated row, the ends it has."""
    ends = [
        f"{word} {format_date(day)}"
        for word, day in (("từ", row.valid_from), ("đến", row.valid_to))
        if day is not None
    ]
    return (" " + " ".join(ends)) if ends else ""


class Membership(models.Model):
    """The member belongs to (sinh hoạt tại) the unit over ``[valid_from, valid_to)``."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        ordering = ["member_id", "valid_from"]
        indexes = [
            models.Index(fields=["unit", "valid_from", "valid_to"], name="membership_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="membership_valid_interval",
            )
        ]

    def __str__(self) -> str:  # no read of the member or the unit: logged at every save
        return f"đảng viên #{self.member_id} tại đơn vị #{self.unit_id}{_interval(self)}"


class Exemption(models.Model):
    """Miễn sinh hoạt: the member is outside participation-rate denominators."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="exemptions")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "miễn sinh hoạt"
        verbose_name_plural = "miễn sinh hoạt"
        ordering = ["member_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="exemption_valid_interval",
            )
        ]

    def __str__(self) -> str:
        return f"miễn sinh hoạt của đảng viên #{self.member_id}{_interval(self)}"


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", "Cán bộ Ban Tuyên giáo tỉnh"
    COMMUNE_STAFF = "commune_staff", "Cán bộ cấp xã"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    MEMBER = "member", "Đảng viên"


class Assignment(models.Model):
    """A user is bound to exactly one unit with one role (see ``access.py``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name="tài khoản",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name="đơn vị"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    can_export_personal_data = models.BooleanField("được xuất dữ liệu cá nhân", default=False)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"


class AccountCode(models.Model):
    """The activation code of a member's account, handed out on a printed slip by the
    unit that issued it (``orgs.accounts``): the member types it with their username
    to choose a password, on first sign-in or after forgetting it. Only its keyed
    digest is kept; one live code an account, used once, void after
    ``accounts.FAILURE_LIMIT`` wrong tries or at ``expires_at``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_code",
        verbose_name="tài khoản",
    )
    digest = models.CharField("mã (băm)", max_length=64)
    issued_at = models.DateTimeField("cấp lúc")
    expires_at = models.DateTimeField("hết hạn lúc")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người cấp",
    )
    failures = models.PositiveSmallIntegerField("số lần nhập sai", default=0)

    class Meta:
        verbose_name = "mã kích hoạt"
        verbose_name_plural = "mã kích hoạt"

    def __str__(self) -> str:
        return f"Mã kích hoạt của {self.user}"


def ids_on_path(path: str) -> list[int]:
    """The unit ids a materialised path lists, the root first ("/1/7/42/" → [1, 7, 42])."""
    return [int(part) for part in path.split("/") if part]


def valid_on_q(day: dt.date | Combinable, prefix: str = "") -> Q:
    """``Q`` for rows whose ``[valid_from, valid_to)`` contains ``day`` (a date, or an
    expression such as ``OuterRef("date")``)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def valid_on_sql(alias: str, day: str = "%s") -> str:
    """The SQL twin of ``valid_on_q`` for hand-written statements: row ``alias``'s
    ``[valid_from, valid_to)`` contains ``day`` (a column, or a placeholder used twice)."""
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= {day}) AND "
        f"({alias}.valid_to IS NULL OR {alias}.valid_to > {day})"
    )


class OfficialListRun(models.Model):
    """A request to create a province's commune committees from the official list.

    Made by the page, carried out by a background task (``orgs.tasks``); the page
    polls it. ``codes`` are the administrative codes the user left ticked.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tạo"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không thực hiện được"

    parent = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    province_code = models.CharField(max_length=4)
    codes = models.JSONField(default=list)
    valid_from = models.DateField("hiệu lực từ")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lượt tạo đơn vị từ danh mục hành chính"

    def __str__(self) -> str:
        return f"danh mục {self.province_code} → {self.parent_id} ({self.status})"

    @property
    def unclaimed(self) -> bool:
        """Still queued a minute after it was asked for: no task worker is running."""
        return self.status == self.Status.QUEUED and unclaimed(self.created_at)

    @property
    def stalled(self) -> bool:
        """Running, but its worker died (``lib.worker``): the run is one transaction,
        so nothing was created."""
        return self.status == self.Status.RUNNING and stalled(self.started_at)
