"""Every write to documents: register, edit, attach, link, resolve references.

Each public function takes keyword-only arguments with a required ``actor`` (a user, or
``orgs.access.SYSTEM`` for the command line and seed data; ``None`` is refused), checks
its permission (``PermissionDenied``), runs in one transaction and raises
``ValidationError`` with a Vietnamese message on bad input, writing nothing.

Saving a document's text re-extracts its references (``tuyengiao.lib.refs``): a symbol
that names exactly one registered document becomes an automatic ``cites`` link; an
unknown symbol, a symbol used in two congress terms, and a bare reference (``Đề án
1327``) are kept as ``DocumentRef`` rows for a person to resolve on the document page.
Registering a document resolves the references other documents made to it while it was
missing. The folded search keys and the SQLite FTS5 table are kept in sync here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q

from tuyengiao.lib.actors import account_of
from tuyengiao.lib.filenames import purge_orphans, short_filename
from tuyengiao.lib.refs import KIND_CODES, Ref, date_after, extract_refs, parse_symbol
from tuyengiao.lib.text import fold, normalize

from . import files

if TYPE_CHECKING:
    from tuyengiao.orgs.services import Actor
from .models import (
    OPEN_REF_STATUSES,
    Attachment,
    Document,
    DocumentLink,
    DocumentRef,
    DocumentSearch,
    Issuer,
    RefStatus,
    Relation,
    Status,
    System,
)

# --- keys ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def symbol_key(symbol: str) -> str:
    """``57-NQ/TW`` → ``57-nq/tw``; ``30/2020/NĐ-CP`` → ``30/2020/nd-cp``."""
    return fold(symbol).replace(" ", "")


def search_words(text: str) -> str:
    """Folded words separated by single spaces: what the search indexes store."""
    return " ".join(_WORD.findall(fold(text)))


# Type code → kind word, for symbols typed without one. Party TT is a thông tri.
_KIND_OF_CODE: dict[str, str] = {}
for _kind, _code in KIND_CODES.items():
    _KIND_OF_CODE.setdefault(_code, _kind)
_KIND_OF_CODE.update(
    {"CV": "Công văn", "QĐi": "Quy định", "QyĐ": "Quy định", "CTr": "Chương trình"}
)
_PARTY_KIND_OF_CODE = {**_KIND_OF_CODE, "TT": "Thông tri", "QĐ": "Quyết định"}


def kind_for(ref: Ref) -> str:
    if ref.kind:
        return ref.kind
    table = _PARTY_KIND_OF_CODE if ref.system == System.PARTY else _KIND_OF_CODE
    if ref.type in table:
        return table[ref.type]
    if ref.issuer and ref.issuer.startswith("QH") and ref.type in ("", "L"):
        return "Luật"
    return "Văn bản"


def parse_document_symbol(symbol: str) -> Ref:
    """A full symbol (Party or State), else ``ValidationError``."""
    ref = parse_symbol(symbol or "")
    if ref is None:
        raise ValidationError(
            f"Số hiệu '{normalize(symbol or '')}' không đúng dạng. Ví dụ: 57-NQ/TW, "
            "15-KH/BTGDVTU, 30/2020/NĐ-CP, 1327/QĐ-TTg."
        )
    if ref.system == "bare":
        raise ValidationError(
            f"'{normalize(symbol)}' chỉ có loại và số, thiếu ký hiệu cơ quan ban hành "
            "(ví dụ 57-NQ/TW)."
        )
    return ref


# --- permission ---------------------------------------------------------------------------


def check_document_write(actor: Actor) -> None:
    """Only province and commune staff register and edit documents (``access.SYSTEM``:
    command line and seed data; ``None`` is refused)."""
    from tuyengiao.orgs import access

    from . import access as documents_access

    if access.is_system(actor):
        return
    if not documents_access.can_register_documents(actor):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được đăng ký, sửa văn bản.")


# --- issuers ------------------------------------------------------------------------------


def issuer_for(*, system: str, code: str, on: dt.date | None) -> Issuer | None:
    """The issuer with ``code`` valid on ``on``; an unknown code is added as data."""
    if not code:
        return None
    candidates = list(Issuer.objects.filter(system=system, code=code))
    if on is not None:
        for issuer in candidates:
            if (issuer.valid_from is None or issuer.valid_from <= on) and (
                issuer.valid_to is None or on < issuer.valid_to
            ):
                return issuer
    if candidates:
        return candidates[0]
    return Issuer.objects.create(system=system, code=code)


# --- register and edit --------------------------------------------------------------------


NO_SYMBOL_KIND = "Văn bản"


def _clean_fields(
    *, symbol: str, title: str, kind: str, issue_date: dt.date | None, status: str
) -> tuple[Ref | None, str, str]:
    """The parsed symbol (``None`` for a document without one: the services accept it, the
    web form insists on one), the title and the kind."""
    ref = parse_document_symbol(symbol) if normalize(symbol or "") else None
    title = normalize(title or "")
    if not title:
        raise ValidationError("Trích yếu không được để trống.")
    if status not in Status.values:
        raise ValidationError("Trạng thái không hợp lệ.")
    if (
        issue_date is not None
        and ref is not None
        and ref.year is not None
        and issue_date.year != ref.year
    ):
        raise ValidationError(
            f"Ngày ban hành {issue_date:%d/%m/%Y} không cùng năm với số hiệu {ref.symbol}."
        )
    if issue_date is not None and issue_date.year < 1930:
        raise ValidationError("Ngày ban hành không hợp lệ (trước năm 1930).")
    kind = normalize(kind or "") or (kind_for(ref) if ref is not None else NO_SYMBOL_KIND)
    return ref, title, kind


def _identity(ref: Ref | None, issue_date: dt.date | None) -> dict[str, Any]:
    """The identity columns of a document with this symbol (none: a Party-side document
    with no number, told apart by its title and date)."""
    if ref is None:
        return {
            "system": System.PARTY,
            "type_code": "",
            "number": 0,
            "issuer": None,
            "issuer_code": "",
            "year": None,
            "symbol": "",
            "symbol_key": "",
        }
    return {
        "system": ref.system,
        "type_code": ref.type,
        "number": ref.number,
        "issuer": issuer_for(system=ref.system, code=ref.issuer or "", on=issue_date),
        "issuer_code": ref.issuer or "",
        "year": ref.year,
        "symbol": ref.symbol,
        "symbol_key": symbol_key(ref.symbol),
    }


def _unnumbered_clash(title: str, issue_date: dt.date | None, exclude: int | None) -> None:
    same = Document.objects.filter(symbol_key="", title=title, issue_date=issue_date)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        when = f" ngày {issue_date:%d/%m/%Y}" if issue_date else ""
        raise ValidationError(f"Đã có văn bản không số hiệu “{title}”{when} trong hệ thống.")


def _identity_clash(ref: Ref, issue_date: dt.date | None, exclude: int | None) -> Document | None:
    """Same issuer, type, number (and year) and, for Party documents, the same date or an
    unknown one: Party numbers restart each term, so only the date tells them apart."""
    same = Document.objects.filter(symbol_key=symbol_key(ref.symbol))
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if ref.system == System.STATE:
        return same.first()
    if issue_date is None:
        return same.first()
    return same.filter(Q(issue_date=issue_date) | Q(issue_date__isnull=True)).first()


def _clash_error(ref: Ref, other: Document) -> ValidationError:
    when = f" ngày {other.issue_date:%d/%m/%Y}" if other.issue_date else ""
    hint = (
        " Nếu đây là văn bản cùng số của nhiệm kỳ khác, hãy nhập ngày ban hành."
        if ref.system == System.PARTY
        else ""
    )
    return ValidationError(f"Đã có văn bản số {other.symbol}{when} trong hệ thống.{hint}")


@transaction.atomic
def document_create(
    *,
    actor: Actor,
    symbol: str,
    title: str,
    issue_date: dt.date | None = None,
    kind: str = "",
    body: str = "",
    status: str = Status.IN_FORCE,
    issuer_name: str = "",
    attachments: Sequence[tuple[str, bytes]] = (),
) -> Document:
    """Register a document (and its files: an unreadable file fails the whole call)."""
    check_document_write(actor)
    ref, title, kind = _clean_fields(
        symbol=symbol, title=title, kind=kind, issue_date=issue_date, status=status
    )
    if ref is None:
        _unnumbered_clash(title, issue_date, exclude=None)
    else:
        other = _identity_clash(ref, issue_date, exclude=None)
        if other is not None:
            raise _clash_error(ref, other)
    document = Document(
        **_identity(ref, issue_date),
        kind=kind,
        issuer_name=normalize(issuer_name or ""),
        issue_date=issue_date,
        title=title,
        body=files.clean_text(body or ""),
        status=status,
        created_by=account_of(actor),
    )
    document.save()
    for name, data in attachments:
        attachment_add(actor=actor, document=document, name=name, data=data)
    reindex(document)
    relink(document)
    if document.symbol_key:
        _resolve_waiting_refs(document)
    return document


@transaction.atomic
def document_update(
    *,
    actor: Actor,
    document: Document,
    symbol: str,
    title: str,
    issue_date: dt.date | None,
    kind: str = "",
    body: str = "",
    status: str = Status.IN_FORCE,
    issuer_name: str = "",
    attachments: Sequence[tuple[str, bytes]] = (),
) -> Document:
    check_document_write(actor)
    ref, title, kind = _clean_fields(
        symbol=symbol, title=title, kind=kind, issue_date=issue_date, status=status
    )
    if ref is None:
        _unnumbered_clash(title, issue_date, exclude=document.pk)
    else:
        other = _identity_clash(ref, issue_date, exclude=document.pk)
        if other is not None:
            raise _clash_error(ref, other)
    identity = _identity(ref, issue_date)
    symbol_changed = identity["symbol_key"] != document.symbol_key
    body = files.clean_text(body or "")
    body_changed = body != document.body
    for name, value in identity.items():
        setattr(document, name, value)
    document.kind = kind
    document.issuer_name = normalize(issuer_name or "")
    document.issue_date = issue_date
    document.title = title
    document.body = body
    document.status = status
    document.save()
    for name, data in attachments:
        attachment_add(actor=actor, document=document, name=name, data=data)
    reindex(document)
    if body_changed or symbol_changed or attachments:
        relink(document)
    if symbol_changed and document.symbol_key:
        _resolve_waiting_refs(document)
    return document


# --- attachments --------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: Actor, document: Document, name: str, data: bytes) -> Attachment:
    """Attach a .pdf/.docx/.txt file; its text is extracted, searched and scanned for
    references. An unreadable file raises ``ValidationError`` and nothing is stored."""
    check_document_write(actor)
    name = short_filename(normalize(name or "").replace("/", "_").replace("\\", "_") or "tep")
    text = files.extract_text(name, data)
    suffix = name.rsplit(".", 1)[-1].lower()
    attachment = Attachment(
        document=document,
        name=name[:255],
        content_type=files.CONTENT_TYPES.get(f".{suffix}", "application/octet-stream"),
        size=len(data),
        text=text,
        uploaded_by=account_of(actor),
    )
    attachment.file.save(name, ContentFile(data), save=False)  # mode 0600: FILE_UPLOAD_PERMISSIONS
    try:
        attachment.save()
        reindex(document)
        relink(document)
    except BaseException:
        attachment.file.delete(save=False)  # the row is rolled back: so is the file
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    check_document_write(actor)
    document = attachment.document
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    reindex(document)
    relink(document)


# --- search keys --------------------------------------------------------------------------


def _full_text(document: Document) -> str:
    texts = [document.body]
    texts.extend(
        attachment.text
        for attachment in document.attachments.all()
        if attachment.text and attachment.text != document.body
    )
    return "\n".join(t for t in texts if t)


def reindex(document: Document) -> None:
    """Recompute the folded keys of one document (and its FTS5 row on SQLite)."""
    row = DocumentSearch(
        document=document,
        symbol_fold=symbol_key(document.symbol),
        title_fold=search_words(document.title),
        body_fold=search_words(_full_text(document)),
    )
    row.save()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document.pk])
            cursor.execute(
                "INSERT INTO documents_fts(rowid, symbol, title, body) VALUES (%s, %s, %s, %s)",
                [document.pk, row.symbol_fold, row.title_fold, row.body_fold],
            )


def rebuild_search_index(documents: Iterable[Document] | None = None) -> int:
    """Recompute every document's keys in bulk (after ``bulk_create``, or to repair)."""
    docs = list(documents) if documents is not None else list(Document.objects.all())
    rows = [
        DocumentSearch(
            document=d,
            symbol_fold=symbol_key(d.symbol),
            title_fold=search_words(d.title),
            body_fold=search_words(d.body),
        )
        for d in docs
    ]
    with transaction.atomic():
        DocumentSearch.objects.filter(document__in=[d.pk for d in docs]).delete()
        DocumentSearch.objects.bulk_create(rows, batch_size=500)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(
                    "DELETE FROM documents_fts WHERE rowid = %s", [[d.pk] for d in docs]
                )
                cursor.executemany(
                    "INSERT INTO documents_fts(rowid, symbol, title, body) VALUES (%s, %s, %s, %s)",
                    [[r.document_id, r.symbol_fold, r.title_fold, r.body_fold] for r in rows],
                )
    return len(rows)


def _drop_from_index(document_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])


@transaction.atomic
def document_delete(*, actor: Actor, document: Document) -> None:
    check_document_write(actor)
    pk = document.pk
    document.delete()
    _drop_from_index(pk)


# --- references and links -----------------------------------------------------------------


def ref_candidates(ref_row: DocumentRef | Ref, *, exclude: int | None = None) -> list[Document]:
    """Registered documents a reference may name: by symbol, or for a bare reference by
    type and number."""
    if isinstance(ref_row, DocumentRef):
        system, key, type_code, number = (
            ref_row.system,
            ref_row.symbol_key,
            ref_row.type_code,
            ref_row.number,
        )
    else:
        system, key, type_code, number = (
            ref_row.system,
            symbol_key(ref_row.symbol),
            ref_row.type,
            ref_row.number,
        )
    if system == "bare":
        # "Đề án 06" is often approved by a decision (06/QĐ-TTg): when no document of the
        # same type has the number, offer every document with it (a person confirms).
        found = Document.objects.filter(number=number)
        codes = {type_code} | ({"QĐi", "QyĐ"} if type_code == "QĐ" else set())
        same_type = found.filter(type_code__in=codes)
        if exclude is not None:
            same_type = same_type.exclude(pk=exclude)
        if same_type.exists():
            found = same_type
    else:
        found = Document.objects.filter(symbol_key=key)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found.order_by("-issue_date", "-pk")[:20])


def _context(text: str, ref: Ref) -> str:
    start = max(0, ref.start - 80)
    end = min(len(text), ref.end + 80)
    return normalize(text[start:end])[:300]


def relink(document: Document) -> None:
    """Re-extract the references of a document's text and rebuild its automatic links.

    Rows a person resolved or dismissed are kept while their symbol is still in the text.
    """
    from tuyengiao.lib.refs import normalize_for_refs

    text = normalize_for_refs(_full_text(document))
    found: dict[str, tuple[Ref, int]] = {}
    dates: dict[str, dt.date] = {}  # the first date written next to each symbol
    own = document.symbol_key
    for ref in extract_refs(text):
        key = symbol_key(ref.symbol) if ref.system != "bare" else "bare:" + fold(ref.symbol)
        if key == own:
            continue  # the document's own header ("Số 57-NQ/TW")
        if key not in dates and ref.system == "party":
            day = date_after(text, ref.end)
            if day is not None:
                dates[key] = day
        if key in found:
            found[key] = (found[key][0], found[key][1] + 1)
        else:
            found[key] = (ref, 1)
    existing = {r.symbol_key: r for r in document.refs.all()}
    kept_decisions = {
        k: r
        for k, r in existing.items()
        if r.status in (RefStatus.RESOLVED, RefStatus.DISMISSED) and r.resolved_by_id is not None
    }
    # start again from the text: automatic rows and links go, decisions stay if still cited
    DocumentLink.objects.filter(source=document, automatic=True).delete()
    stale = [r.pk for k, r in existing.items() if k not in found or k not in kept_decisions]
    DocumentRef.objects.filter(pk__in=stale).delete()
    for k, r in kept_decisions.items():
        if k not in found:
            DocumentLink.objects.filter(
                source=document, target_id=r.target_id, relation=Relation.CITES, automatic=False
            ).delete()
    for key, (ref, count) in found.items():
        if key in kept_decisions:
            row = kept_decisions[key]
            if row.occurrences != count:
                row.occurrences = count
                row.save(update_fields=["occurrences"])
            continue
        row = DocumentRef(
            document=document,
            symbol=ref.symbol,
            symbol_key=key,
            system=ref.system,
            number=ref.number,
            type_code=ref.type or "",
            issuer_code=ref.issuer or "",
            year=ref.year,
            kind=ref.kind or "",
            context=_context(text, ref),
            issue_date=dates.get(key),
            occurrences=count,
            status=RefStatus.UNRESOLVED,
        )
        _auto_resolve(document, row)
        row.save()


def _auto_resolve(document: Document, row: DocumentRef) -> None:
    """Link a reference that names exactly one other document; else mark it for review."""
    candidates = ref_candidates(row, exclude=document.pk)
    if row.system == "bare":
        row.status = RefStatus.BARE
        return
    if row.issue_date is not None and len(candidates) > 0:
        # a date next to the symbol decides between terms; a document with another date
        # is not the one meant (it waits for the right one to be registered)
        same_day = [c for c in candidates if c.issue_date == row.issue_date]
        candidates = same_day or [c for c in candidates if c.issue_date is None]
    if len(candidates) == 1:
        row.status = RefStatus.RESOLVED
        row.target = candidates[0]
        _link(document, candidates[0], Relation.CITES, automatic=True, actor=None)
    elif len(candidates) > 1:
        row.status = RefStatus.AMBIGUOUS
    else:
        row.status = RefStatus.UNRESOLVED


def _resolve_waiting_refs(document: Document) -> None:
    """References other documents made to this symbol while it was not registered (or
    that are now ambiguous because a second term's document with it arrived)."""
    waiting = DocumentRef.objects.filter(
        symbol_key=document.symbol_key,
        status__in=[RefStatus.UNRESOLVED, RefStatus.RESOLVED],
        resolved_by__isnull=True,
    ).exclude(document=document)
    for row in waiting.select_related("document"):
        if row.status == RefStatus.RESOLVED and row.target_id is not None:
            DocumentLink.objects.filter(
                source=row.document, target_id=row.target_id, automatic=True
            ).delete()
            row.target = None
        _auto_resolve(row.document, row)
        row.save()


def _link(
    source: Document, target: Document, relation: str, *, automatic: bool, actor: Actor | None
) -> DocumentLink:
    link, _ = DocumentLink.objects.get_or_create(
        source=source,
        target=target,
        relation=relation,
        defaults={
            "automatic": automatic,
            "created_by": account_of(actor),
        },
    )
    if link.automatic and not automatic:
        link.automatic = False  # a person confirmed it: it survives re-extraction
        link.save(update_fields=["automatic"])
    return link


@transaction.atomic
def ref_resolve(*, actor: Actor, ref: DocumentRef, target: Document) -> DocumentRef:
    """A person says which registered document a reference names."""
    check_document_write(actor)
    if target.pk == ref.document_id:
        raise ValidationError("Văn bản không thể dẫn chiếu chính nó.")
    if ref.target_id and ref.target_id != target.pk:
        DocumentLink.objects.filter(
            source_id=ref.document_id, target_id=ref.target_id, relation=Relation.CITES
        ).delete()
    ref.target = target
    ref.status = RefStatus.RESOLVED
    ref.resolved_by = account_of(actor)
    ref.save()
    _link(ref.document, target, Relation.CITES, automatic=False, actor=actor)
    return ref


@transaction.atomic
def ref_dismiss(*, actor: Actor, ref: DocumentRef) -> DocumentRef:
    """Not a document reference, or a document the organisation does not keep."""
    check_document_write(actor)
    if ref.target_id:
        DocumentLink.objects.filter(
            source_id=ref.document_id, target_id=ref.target_id, relation=Relation.CITES
        ).delete()
    ref.target = None
    ref.status = RefStatus.DISMISSED
    ref.resolved_by = account_of(actor)
    ref.save()
    return ref


@transaction.atomic
def link_add(*, actor: Actor, source: Document, target: Document, relation: str) -> DocumentLink:
    """``source`` implements / guides / supersedes / cites ``target``. Superseding marks
    the target as superseded."""
    check_document_write(actor)
    if relation not in Relation.values:
        raise ValidationError("Quan hệ giữa hai văn bản không hợp lệ.")
    if source.pk == target.pk:
        raise ValidationError("Không thể liên kết văn bản với chính nó.")
    if DocumentLink.objects.filter(
        source=target, target=source, relation=relation
    ).exists() and relation in (Relation.SUPERSEDES, Relation.IMPLEMENTS, Relation.GUIDES):
        raise ValidationError(
            f"Văn bản {target.symbol} đã được ghi là {Relation(relation).label.lower()} "
            f"văn bản {source.symbol}; không thể ghi chiều ngược lại."
        )
    link = _link(source, target, relation, automatic=False, actor=actor)
    if relation == Relation.SUPERSEDES and target.status != Status.SUPERSEDED:
        target.status = Status.SUPERSEDED
        target.save(update_fields=["status", "updated_at"])
    return link


@transaction.atomic
def link_remove(*, actor: Actor, link: DocumentLink) -> None:
    check_document_write(actor)
    link.delete()


def open_refs_of(document: Document) -> list[DocumentRef]:
    return list(document.refs.filter(status__in=OPEN_REF_STATUSES))


# --- files --------------------------------------------------------------------------------


@transaction.atomic
def document_from_file(*, actor: Actor, name: str, data: bytes) -> Document:
    """Register a document from a .txt/.docx/.pdf file: symbol, date and title from its
    header (title: the line(s) under the kind heading, else the first non-empty line); a
    file without a symbol is registered without one. The file becomes its attachment.
    Raises ``ValidationError``; nothing is written then."""
    check_document_write(actor)
    text = files.extract_text(name, data)
    header = files.parse_header(text)
    try:
        document = document_create(
            actor=actor,
            symbol=header.ref.symbol if header.ref is not None else "",
            title=header.title,
            issue_date=header.issue_date,
            kind=header.kind or "",
            body=text,
        )
    except ValidationError as exc:
        raise ValidationError(f"Tệp '{name}': {' '.join(exc.messages)}") from exc
    attachment_add(actor=actor, document=document, name=name, data=data)
    return document


def attachments_purge_orphans(*, older_than: float) -> int:
    """Delete attachment files that no attachment row names, older than ``older_than``
    (a POSIX time): what a transaction rolled back after the file was written (a later
    file of the same document failed, say). Run by ``purge_uploads``."""
    return purge_orphans(
        "van-ban",
        lambda: Attachment.objects.values_list("file", flat=True).iterator(),
        older_than=older_than,
    )
