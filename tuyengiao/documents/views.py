"""Document pages: list and search, detail, register and edit, references and links."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.dates import format_date, parse_date
from tuyengiao.lib.http import wants_fragment
from tuyengiao.lib.numbers import parse_id
from tuyengiao.lib.refs import parse_symbol
from tuyengiao.orgs import access

from . import access as documents_access
from . import files, selectors, services
from .forms import KIND_CHOICES, DocumentForm
from .models import Document, Relation, Status, System
from .search import search_documents

MAX_FILES = 10


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    access.require_scope(request.user)
    base = documents_access.documents_visible_to(request.user)
    filters = selectors.Filters.from_query(request.GET)
    documents, scores = selectors.document_list(base, filters)
    page = Paginator(documents, 50).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "page": page,
        "scores": scores,
        "f": filters,
        "options": selectors.filter_options(base),
        "systems": System.choices,
        "statuses": Status.choices,
        "query_string": query.urlencode(),
        "can_register": documents_access.can_register_documents(request.user),
    }
    template = "documents/list.html"
    if wants_fragment(request, "results"):
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents_access.get_document_for_user(request.user, pk)
    return render(
        request,
        "documents/detail.html",
        {
            "d": selectors.document_detail(request.user, document),
            "can_write": documents_access.can_register_documents(request.user),
            "relations": [c for c in Relation.choices if c[0] != Relation.CITES]
            + [(Relation.CITES, Relation.CITES.label)],
        },
    )


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    document = documents_access.get_document_for_user(request.user, pk)
    found = document.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404("Không tìm thấy tệp đính kèm.")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp đính kèm không còn trên máy chủ.") from exc
    return FileResponse(handle, filename=found.name, content_type=found.content_type or None)


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    uploads = request.FILES.getlist("tep")
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"Mỗi lần chỉ đính kèm tối đa {MAX_FILES} tệp.")
    for u in uploads:  # refused before its bytes are read into memory
        if (u.size or 0) > files.MAX_BYTES:
            raise ValidationError(f"Tệp '{u.name}' lớn hơn 20 MB.")
    return [(u.name or "tep", u.read()) for u in uploads]


def _save(request: HttpRequest, form: DocumentForm, document: Document | None) -> Document:
    data = form.cleaned_data
    fields = {
        "symbol": data["symbol"],
        "title": data["title"],
        "issue_date": data["issue_date"],
        "kind": data["kind"],
        "body": data["body"],
        "status": data["status"],
        "issuer_name": data["issuer_name"],
        "attachments": _files(request),
    }
    if document is None:
        return services.document_create(actor=request.user, **fields)
    return services.document_update(actor=request.user, document=document, **fields)


def _form_page(request: HttpRequest, document: Document | None) -> HttpResponse:
    if request.method == "POST":
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                saved = _save(request, form, document)
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"Đã {'cập nhật' if document else 'đăng ký'} {saved.kind} {saved.symbol}.",
                )
                return redirect("documents:detail", pk=saved.pk)
        status = 400
    else:
        initial = {}
        if document is not None:
            initial = {
                "symbol": document.symbol,
                "issue_date": document.issue_date,
                "kind": document.kind,
                "issuer_name": document.issuer_name,
                "title": document.title,
                "body": document.body,
                "status": document.status,
            }
        form = DocumentForm(initial=initial)
        status = 200
    context = {
        "form": form,
        "document": document,
        "kinds": KIND_CHOICES,
        "preview": _preview(form["symbol"].value() or "", document),
    }
    return render(request, "documents/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    documents_access.check_document_write(request.user)
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents_access.get_document_for_user(request.user, pk, write=True)
    return _form_page(request, document)


def _preview(symbol: str, document: Document | None) -> dict[str, object]:
    symbol = symbol.strip()
    if not symbol:
        return {}
    ref = parse_symbol(symbol)
    if ref is None or ref.system == "bare":
        try:
            services.parse_document_symbol(symbol)
        except ValidationError as exc:
            return {"error": exc.messages[0]}
    assert ref is not None  # noqa: S101  narrows the type for mypy; true by construction
    same = [
        d
        for d in selectors.documents_by_symbol(ref.symbol)
        if document is None or d.pk != document.pk
    ]
    return {"ref": ref, "kind": services.kind_for(ref), "same": same}


@login_required
@require_GET
def parse_symbol_view(request: HttpRequest) -> HttpResponse:
    """HTMX: the symbol as the system reads it, while the user types it."""
    documents_access.check_document_write(request.user)
    document = None
    if (pk := parse_id(request.GET.get("van_ban"))) is not None:
        document = documents_access.get_document_for_user(request.user, pk)
    return render(
        request,
        "documents/form.html#symbol-preview",
        {"preview": _preview(request.GET.get("symbol", "")[:100], document)},
    )


@login_required
@require_POST
def prefill(request: HttpRequest) -> HttpResponse:
    """HTMX, when a file is chosen on the register form: the symbol, date, kind and title
    read from its header (as ``import_documents`` does) filled into the fields the user
    left empty, for them to check and correct. Nothing is saved."""
    documents_access.check_document_write(request.user)
    data = request.POST.copy()
    upload = next(iter(request.FILES.getlist("tep")), None)
    note, error = "", ""
    if upload is None:
        error = "Chưa chọn tệp."
    elif (upload.size or 0) > files.MAX_BYTES:
        error = f"Tệp '{upload.name}' lớn hơn 20 MB."
    else:
        try:
            header = files.parse_header(files.extract_text(upload.name or "tep", upload.read()))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            found = {
                "symbol": header.ref.symbol if header.ref is not None else "",
                "issue_date": format_date(header.issue_date) if header.issue_date else "",
                "kind": header.kind or "",
                "title": header.title,
            }
            filled = [k for k, v in found.items() if v and not data.get(k, "").strip()]
            for name in filled:
                data[name] = found[name]
            labels = {"symbol": "số hiệu", "issue_date": "ngày ban hành", "kind": "loại"}
            labels["title"] = "trích yếu"
            note = (
                f"Đã điền từ phần đầu tệp '{upload.name}': "
                + ", ".join(labels[k] for k in filled)
                + ". Hãy kiểm tra và sửa nếu cần."
                if filled
                else f"Không đọc thêm được gì từ phần đầu tệp '{upload.name}'."
            )
            if header.ref is None:
                note += " Không thấy số hiệu ở phần đầu tệp: hãy nhập số hiệu."
    document = None
    if (pk := parse_id(request.GET.get("van_ban"))) is not None:
        document = documents_access.get_document_for_user(request.user, pk)
    form = DocumentForm(data)
    context = {
        "form": form,
        "document": document,
        "kinds": KIND_CHOICES,
        "preview": _preview(form["symbol"].value() or "", document),
        "prefill_note": note,
        "prefill_error": error,
        "prefill": True,  # the fields as filled, without the form's validation errors
    }
    return render(request, "documents/form.html#header-fields", context)


@login_required
@require_POST
def resolve_ref(request: HttpRequest, pk: int, ref_id: int) -> HttpResponse:
    document = documents_access.get_document_for_user(request.user, pk, write=True)
    ref = document.refs.filter(pk=ref_id).first()
    if ref is None:
        raise Http404("Không tìm thấy tham chiếu.")
    try:
        if request.POST.get("bo_qua"):
            services.ref_dismiss(actor=request.user, ref=ref)
            messages.success(request, f"Đã bỏ qua tham chiếu {ref.symbol}.")
        else:
            target_id = parse_id(request.POST.get("target"))
            target = (
                documents_access.documents_visible_to(request.user).filter(pk=target_id).first()
                if target_id is not None
                else None
            )
            if target is None:
                raise ValidationError("Hãy chọn văn bản mà tham chiếu này chỉ tới.")
            services.ref_resolve(actor=request.user, ref=ref, target=target)
            messages.success(request, f"Đã liên kết {ref.symbol} với {target.symbol}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("documents:detail", pk=document.pk)


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents_access.get_document_for_user(request.user, pk, write=True)
    try:
        relation = request.POST.get("relation", "")
        candidates = selectors.documents_by_symbol(request.POST.get("van_ban", ""))
        raw_day = request.POST.get("ngay", "").strip()
        if raw_day:
            day = parse_date(raw_day)
            candidates = [c for c in candidates if c.issue_date == day]
        candidates = [c for c in candidates if c.pk != document.pk] or candidates
        if not candidates:
            raise ValidationError(
                "Không tìm thấy văn bản có số hiệu này (và ngày ban hành, nếu đã nhập)."
            )
        if len(candidates) > 1:
            dates = ", ".join(f"{c.issue_date:%d/%m/%Y}" for c in candidates if c.issue_date)
            raise ValidationError(
                f"Có {len(candidates)} văn bản số {candidates[0].symbol} ({dates}); hãy nhập ngày ban hành."
            )
        link = services.link_add(
            actor=request.user, source=document, target=candidates[0], relation=relation
        )
        messages.success(
            request, f"Đã ghi: {link.get_relation_display().lower()} {link.target.symbol}."
        )
    except ValueError as exc:
        messages.error(request, f"Ngày không hợp lệ: {exc}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("documents:detail", pk=document.pk)


# --- the document picker (issue 11 §6) -------------------------------------------------

PICKER_LIMIT = 20


@dataclass
class DocumentPicker:
    """What ``documents/document_picker.html`` needs: the documents chosen (kept
    whatever the search) and at most ``PICKER_LIMIT`` matches, each shown with its
    date so that two documents of one symbol (35-CT/TW of two terms) differ."""

    name: str
    label: str
    selected: list[Document]
    matches: list[Document]
    more: bool
    query: str = ""

    @property
    def dom_id(self) -> str:
        return f"chon-{self.name}"

    @property
    def options_json(self) -> str:
        return json.dumps({"ten": self.name, "nhan": self.label})


def document_picker_for(
    user: User | AnonymousUser,
    *,
    name: str,
    label: str,
    query: str = "",
    selected: list[str] | None = None,
) -> DocumentPicker:
    visible = documents_access.documents_visible_to(user)
    ids = [i for i in map(parse_id, selected or []) if i is not None][:50]
    chosen = list(visible.filter(pk__in=ids))
    if query.strip():
        hits = [d for d, _score in search_documents(query, limit=PICKER_LIMIT + 1 + len(chosen))]
        allowed = set(visible.filter(pk__in=[d.pk for d in hits]).values_list("pk", flat=True))
        found = [d for d in hits if d.pk in allowed]
    else:  # nothing typed: the newest documents
        found = list(visible.order_by("-issue_date", "-id")[: PICKER_LIMIT + 1 + len(chosen)])
    chosen_ids = {d.pk for d in chosen}
    matches = [d for d in found if d.pk not in chosen_ids]
    return DocumentPicker(
        name=name,
        label=label,
        selected=chosen,
        matches=matches[:PICKER_LIMIT],
        more=len(matches) > PICKER_LIMIT,
        query=query,
    )


@login_required
@require_GET
def document_picker(request: HttpRequest) -> HttpResponse:
    """The document picker's search: symbol or title words, no diacritics needed."""
    access.require_scope(request.user)
    name = request.GET.get("ten", "documents")
    if not re.fullmatch(r"[a-z_]{1,40}", name):
        raise Http404("Không có ô chọn này.")
    picker = document_picker_for(
        request.user,
        name=name,
        label=request.GET.get("nhan", "")[:100],
        query=request.GET.get("q", "")[:100],
        selected=request.GET.getlist(name),
    )
    return render(request, "documents/document_picker.html#results", {"picker": picker})
