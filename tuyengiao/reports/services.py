"""Writes of the reports app: report requests (the page's background reports).

The roll-up facts are not here: each app keeps its own facts from its own services
(study: ``study/facts.py``) and reports read them through the registered sections.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ReportRequest, RequestStatus

# --- report requests (the page's background reports) --------------------------------


def validate_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is None or date_to is None:
        raise ValidationError("Cần nhập đủ từ ngày và đến ngày (dd/mm/yyyy).")
    if date_to < date_from:
        raise ValidationError(
            f"Khoảng thời gian không hợp lệ: 'đến ngày' ({date_to:%d/%m/%Y}) đứng trước "
            f"'từ ngày' ({date_from:%d/%m/%Y})."
        )


@transaction.atomic
def report_request_create(
    *, actor: Any, unit: Any, date_from: dt.date, date_to: dt.date, structure: str, format: str
) -> ReportRequest:
    """A report file asked for by staff or a cell's secretary who can see ``unit``; a
    member, or a unit out of scope, is refused. Producing a report reads the figures:
    an API key that only reads may ask for one (``Scope.read_only``), its role decides."""
    from tuyengiao.orgs import access

    scope = access.scope_of(actor)
    if (
        scope is None
        or scope.role not in access.WRITER_ROLES
        or not access.can_see_unit(actor, unit)
    ):
        raise PermissionDenied("Bạn không có quyền lập báo cáo cho đơn vị này.")
    validate_period(date_from, date_to)
    return ReportRequest.objects.create(
        requested_by=actor,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        structure=structure,
        format=format,
    )


def _progress(request: ReportRequest, percent: int, message: str = "") -> None:
    request.progress = percent
    request.message = message
    request.save(update_fields=["progress", "message", "status", "updated_at"])


SYSTEM_ERROR = "Lỗi hệ thống khi tạo báo cáo; hãy thử lại hoặc báo quản trị viên."


def _failed(request: ReportRequest, text: str) -> None:
    request.status = RequestStatus.FAILED
    # The empty period's message names every section's empty sentence; it grows with
    # the sections and must fit the column (PostgreSQL refuses a longer value).
    limit = ReportRequest._meta.get_field("message").max_length or 500
    request.message = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "message", "finished_at"])


def report_request_run(*, request_id: int) -> ReportRequest:
    """Compute the figures and build the file; progress is saved between the steps
    so the page can show it."""
    from .builders import build_report
    from .selectors import EmptyPeriod, report_figures

    request = ReportRequest.objects.select_related("unit").get(pk=request_id)
    request.status = RequestStatus.RUNNING
    _progress(request, 10, "Đang tổng hợp số liệu")
    try:
        figures = report_figures(
            unit=request.unit,
            date_from=request.date_from,
            date_to=request.date_to,
            structure=request.structure,
        )
        _progress(request, 60, "Đang tạo tệp báo cáo")
        content, filename = build_report(figures, request.format)
    except (EmptyPeriod, ValidationError) as exc:
        _failed(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return request
    except Exception:  # the page says so; the worker's log keeps the traceback
        _failed(request, SYSTEM_ERROR)
        raise
    request.content = content
    request.filename = filename
    request.status = RequestStatus.DONE
    request.progress = 100
    request.message = "Đã tạo xong báo cáo"
    request.finished_at = timezone.now()
    request.save(
        update_fields=["content", "filename", "status", "progress", "message", "finished_at"]
    )
    return request
