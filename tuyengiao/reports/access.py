"""Who may see reports and ask for them, built on the core in ``orgs.access``.

Dashboards are readable by anyone who can see the unit; producing a report file is for
the roles that write (staff and secretaries); a member gets 403. A report request (the
background job and its file) is visible only to the user who asked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.orgs.access import filter_by_unit, get_unit_for_user, require_scope
from tuyengiao.orgs.models import Unit

from .models import ReportRequest


def get_report_unit_for_user(user: Any, code: str | None = None, *, produce: bool = False) -> Unit:
    scope = require_scope(user)
    unit = scope.unit if code is None else get_unit_for_user(user, code)
    if produce and not scope.can_write:
        raise PermissionDenied("Bạn không có quyền lập báo cáo.")
    return unit


def report_requests_visible_to(user: Any) -> QuerySet[ReportRequest]:
    return filter_by_unit(user, ReportRequest.objects.filter(requested_by=user), "unit")


def get_report_request_for_user(user: Any, pk: int) -> ReportRequest:
    request = report_requests_visible_to(user).select_related("unit").filter(pk=pk).first()
    if request is None:
        raise Http404("Không tìm thấy yêu cầu báo cáo.")
    return request
