"""Who may see or change documents, built on the core in ``orgs.access``.

Documents are the organisation's shared library: everyone with an assignment reads every
document; only province and commune staff register, edit, attach, link and resolve.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.orgs.access import require_scope, scope_of

from .models import Document


def documents_visible_to(user: Any) -> QuerySet[Document]:
    if scope_of(user) is None:
        return Document.objects.none()
    return Document.objects.all()


def can_register_documents(user: Any) -> bool:
    scope = scope_of(user)
    return bool(scope and scope.is_staff)


def check_document_write(user: Any) -> None:
    """404 without an assignment, 403 for a reader who is not province or commune staff."""
    require_scope(user)
    if not can_register_documents(user):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh và cấp xã được đăng ký, sửa văn bản.")


def get_document_for_user(user: Any, pk: int, *, write: bool = False) -> Document:
    document = documents_visible_to(user).select_related("issuer").filter(pk=pk).first()
    if document is None:
        raise Http404("Không tìm thấy văn bản.")
    if write:
        check_document_write(user)
    return document
