"""Party and State documents: the things that are studied and reported on.

A Party symbol repeats across congress terms (Chỉ thị 35-CT/TW exists from 2019
and from 2024), so a document's identity is (issuer, type, number, issue date),
never the symbol alone. Issuers are data, effective-dated like units (BTGTU until
2025, BTGDVTU since).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class System(models.TextChoices):
    PARTY = "party", "Văn bản của Đảng"
    STATE = "state", "Văn bản của Nhà nước"


class Issuer(models.Model):
    code = models.CharField("ký hiệu cơ quan", max_length=32)  # TW, TU, BTGDVTU, CP, TTg...
    name = models.CharField("tên cơ quan", max_length=255, blank=True)
    system = models.CharField("hệ thống", max_length=8, choices=System.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["system", "code", "valid_from"]
        verbose_name = "cơ quan ban hành"
        verbose_name_plural = "cơ quan ban hành"
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code", "valid_from"], name="issuer_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}" if self.name else self.code


class Status(models.TextChoices):
    IN_FORCE = "in_force", "Còn hiệu lực"
    SUPERSEDED = "superseded", "Đã được thay thế"


class Document(models.Model):
    system = models.CharField("hệ thống", max_length=8, choices=System.choices)
    kind = models.CharField("loại văn bản", max_length=64)  # Nghị quyết, Chỉ thị, ...
    type_code = models.CharField("mã loại", max_length=16)  # NQ, CT, NĐ, TT, ...
    number = models.PositiveIntegerField("số")
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, null=True, blank=True)
    issuer_code = models.CharField("cơ quan (ký hiệu)", max_length=32, blank=True)
    # the issuing body as written (Bộ Chính trị, Ban Bí thư, Chính phủ); added in 0002
    issuer_name = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    year = models.PositiveSmallIntegerField("năm trong số hiệu", null=True, blank=True)
    issue_date = models.DateField("ngày ban hành", null=True, blank=True)
    symbol = models.CharField("số hiệu", max_length=64)  # canonical: 57-NQ/TW, 30/2020/NĐ-CP
    symbol_key = models.CharField(max_length=64, db_index=True, editable=False)
    title = models.TextField("trích yếu")
    body = models.TextField("nội dung", blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=Status.choices, default=Status.IN_FORCE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["system", "issuer_code", "type_code", "number", "year", "issue_date"],
                name="document_identity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.symbol}"


# --- added for issue 3: search keys, attachments, links, references -------------------
#
# The columns above (and migration 0001) are shared with other apps (campaigns point at
# documents and read ``symbol``, ``title``, ``kind``); what follows lives in later migrations.


class DocumentSearch(models.Model):
    """The folded search keys of one document (``tuyengiao.lib.text.fold``), computed in
    Python by the services whenever the document or its attachments change.

    SQLite searches them through an FTS5 table (``documents_fts``) kept in sync by the
    services; PostgreSQL through full-text (``simple``) and trigram GIN indexes on these
    columns (see migration 0003). Kept out of ``Document`` so that list pages never load
    the folded body.
    """

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    symbol_fold = models.CharField(max_length=64)
    title_fold = models.TextField()
    body_fold = models.TextField(blank=True)

    class Meta:
        verbose_name = "khoá tìm kiếm văn bản"

    def __str__(self) -> str:
        return self.symbol_fold


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"van-ban/{instance.document_id}/{filename}"


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    content_type = models.CharField("kiểu tệp", max_length=100, blank=True)
    size = models.PositiveIntegerField("dung lượng (byte)", default=0)
    text = models.TextField("nội dung trích xuất", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.name


class Relation(models.TextChoices):
    IMPLEMENTS = "implements", "Thực hiện"
    GUIDES = "guides", "Hướng dẫn"
    SUPERSEDES = "supersedes", "Thay thế"
    CITES = "cites", "Dẫn chiếu"


class DocumentLink(models.Model):
    """``source`` implements / guides / supersedes / cites ``target``."""

    source = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="links_out", verbose_name="văn bản"
    )
    target = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="links_in",
        verbose_name="văn bản được dẫn chiếu",
    )
    relation = models.CharField("quan hệ", max_length=16, choices=Relation.choices)
    # made from an extracted reference
    automatic = models.BooleanField("nhận diện tự động", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "liên kết văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "relation"], name="document_link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="document_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        what = self.get_relation_display().lower()
        return f"văn bản #{self.source_id} {what} văn bản #{self.target_id}"


class RefStatus(models.TextChoices):
    UNRESOLVED = "unresolved", "Chưa có trong hệ thống"
    AMBIGUOUS = "ambiguous", "Cần chọn văn bản"
    BARE = "bare", "Tham chiếu không đủ số hiệu, cần xác nhận"
    RESOLVED = "resolved", "Đã xác định"
    DISMISSED = "dismissed", "Đã bỏ qua"


OPEN_REF_STATUSES = (RefStatus.UNRESOLVED, RefStatus.AMBIGUOUS, RefStatus.BARE)


class DocumentRef(models.Model):
    """A reference found in a document's text (one row per distinct symbol), and what it
    points at once known. Rows a person resolved or dismissed survive re-extraction."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="refs")
    symbol = models.CharField("tham chiếu", max_length=128)
    symbol_key = models.CharField(max_length=128, db_index=True)
    system = models.CharField(max_length=8)  # party | state | bare
    number = models.PositiveIntegerField()
    type_code = models.CharField(max_length=16, blank=True)
    issuer_code = models.CharField(max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=64, blank=True)
    context = models.CharField("đoạn văn", max_length=300, blank=True)
    # the date written next to the symbol ("35-CT/TW ngày 14/6/2024"): tells apart a
    # Party symbol reused across terms (added in 0005)
    issue_date = models.DateField("ngày ghi kèm", null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=RefStatus.choices)
    target = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = "tham chiếu trong văn bản"
        constraints = [
            models.UniqueConstraint(fields=["document", "symbol_key"], name="document_ref_unique")
        ]

    def __str__(self) -> str:
        return self.symbol
