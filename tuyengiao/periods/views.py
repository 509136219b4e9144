"""Pages of reporting periods. Thin: scoped objects from ``access``, one service or
selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.orgs import access as core
from tuyengiao.orgs.selectors import today, unit_and_below
from tuyengiao.snapshots.services import is_large

from . import access, live_changes, selectors, services
from .forms import PeriodForm, ReasonForm
from .models import FilesStatus, ReportingPeriod, Submission, SubmissionStatus

PAGE = 50


@login_required
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    periods = access.periods_visible_to(request.user).select_related("unit")
    page = Paginator(periods.order_by("-cutoff", "-id"), PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "periods/list.html",
        {"page": page, "can_open": access.can_open(request.user, scope.unit), "unit": scope.unit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_new(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    if not access.can_open(request.user, scope.unit):
        raise PermissionDenied("Chỉ cán bộ tuyên giáo cấp tỉnh hoặc cấp xã được mở kỳ báo cáo.")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_open(actor=request.user, unit=scope.unit, **data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"Đã mở kỳ báo cáo {period.name}.")
            return redirect("periods:detail", pk=period.pk)
    return render(
        request,
        "periods/new.html",
        {"form": form, "unit": scope.unit, "who": unit_and_below(scope.unit)},
    )


def _root(request: HttpRequest, period: ReportingPeriod) -> Any:
    """The unit whose subtree the period page shows: ``?don_vi=``, else the user's
    unit when it lies in the period's subtree, else the opening unit."""
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    if code:
        return access.get_period_unit_for_user(request.user, period, code)
    if access.in_period(period, scope.unit):
        return scope.unit
    return period.unit


def _children(request: HttpRequest, period: ReportingPeriod, unit: Any) -> Any:
    page = Paginator(selectors.expected_children(period, unit), PAGE).get_page(
        request.GET.get("trang")
    )
    found = selectors.statuses_of(period, list(page.object_list))
    page.rows = [(u, found.get(u.pk)) for u in page.object_list]  # type: ignore[attr-defined]
    return page


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for_user(request.user, pk)
    root = _root(request, period)
    late = Paginator(selectors.late_units(period, root), PAGE).get_page(
        request.GET.get("trang_cham")
    )
    day = today()
    return render(
        request,
        "periods/detail.html",
        {
            "period": period,
            "root": root,
            "c": selectors.completeness(period, root),
            "children": _children(request, period, root),
            "late": late,
            "overdue_days": (day - period.due_date).days if day > period.due_date else 0,
            "own": selectors.submission_of(period, root),
        },
    )


@login_required
@require_GET
def unit_report(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    period = access.get_period_for_user(request.user, pk)
    unit = access.get_period_unit_for_user(request.user, period, code)
    submission = selectors.submission_of(period, unit)
    decided = submission is not None and submission.status in (
        SubmissionStatus.APPROVED,
        SubmissionStatus.REOPENED,
    )
    context: dict[str, Any] = {"period": period, "unit": unit, "s": submission}
    if decided and submission is not None:
        if is_large(unit):  # a province's live figures: computed ahead by the worker
            context["shown"] = live_changes.from_snapshot(submission)
        else:
            context["changes"] = selectors.changes_since(submission)
    if request.headers.get("HX-Target") == "so-lieu":  # the page asking again
        return render(request, "periods/unit.html#changes_part", context)
    context |= {
        "approver": access.approver_unit(period, unit),
        "can_submit": access.can_submit(request.user, unit),
        "can_decide": submission is not None and access.can_decide(request.user, submission),
        "events": [
            (e, services.person(e.actor))
            for e in (submission.events.select_related("actor")[:20] if submission else [])
        ],
        "decided_by": services.person(submission.decided_by) if submission else "",
        "children": _children(request, period, unit),
        "waiting": selectors.children_not_approved(period, unit),
        "reason_form": ReasonForm(),
        "on_time": submission is not None and selectors.on_time(submission),
        "files_done": submission is not None and submission.files_status == FilesStatus.DONE,
        "unclaimed": selectors.freeze_unclaimed(submission),
        "broken": BROKEN,
        "files_stalled": selectors.files_stalled(submission),
    }
    return render(request, "periods/unit.html", context)


BROKEN = (
    "Lỗi hệ thống khi chốt số liệu hoặc tạo tệp DOCX, XLSX của báo cáo; hãy nộp lại báo cáo "
    "(báo cáo đã phê duyệt thì mở lại trước), nếu vẫn lỗi thì báo quản trị viên."
)


def _decide(
    request: HttpRequest, pk: int, code: str, act: Callable[[Submission], Submission], done: str
) -> HttpResponse:
    period = access.get_period_for_user(request.user, pk)
    unit = access.get_period_unit_for_user(request.user, period, code)
    if not core.is_system(request.user) and not core.can_write_unit(
        request.user, access.approver_unit(period, unit)
    ):
        raise PermissionDenied(f"Bạn không có quyền quyết định về báo cáo của {unit.name}.")
    submission = selectors.submission_of(period, unit)
    if submission is None:
        messages.error(request, f"{unit.name} chưa nộp báo cáo {period.name}.")
    else:
        try:
            act(submission)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    return redirect("periods:unit", pk=period.pk, code=unit.code)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    period = access.get_period_for_user(request.user, pk)
    unit = access.get_period_unit_for_user(request.user, period, code)
    try:
        services.submission_submit(actor=request.user, period=period, unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã nộp báo cáo {period.name} của {unit.name}.")
    return redirect("periods:unit", pk=period.pk, code=unit.code)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The submitting unit takes back a report not yet decided (recorded)."""
    period = access.get_period_for_user(request.user, pk)
    unit = access.get_period_unit_for_user(request.user, period, code)
    submission = selectors.submission_of(period, unit)
    if submission is None:
        messages.error(request, f"{unit.name} chưa nộp báo cáo {period.name}.")
        return redirect("periods:unit", pk=period.pk, code=unit.code)
    try:
        services.submission_withdraw(
            actor=request.user, submission=submission, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã rút lại báo cáo {period.name} của {unit.name}.")
    return redirect("periods:unit", pk=period.pk, code=unit.code)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _decide(
        request,
        pk,
        code,
        lambda s: services.submission_approve(actor=request.user, submission=s),
        "Đã phê duyệt báo cáo.",
    )


@login_required
@require_POST
def return_report(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        code,
        lambda s: services.submission_return(actor=request.user, submission=s, reason=reason),
        "Đã trả lại báo cáo.",
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        code,
        lambda s: services.submission_reopen(actor=request.user, submission=s, reason=reason),
        "Đã mở lại báo cáo; số liệu của kỳ này có thể sửa cho đến khi được phê duyệt lại.",
    )


TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_GET
def download(request: HttpRequest, pk: int, code: str, fmt: str) -> HttpResponse:
    period = access.get_period_for_user(request.user, pk)
    unit = access.get_period_unit_for_user(request.user, period, code)
    submission = selectors.submission_of(period, unit)
    content = getattr(submission, fmt, None) if fmt in TYPES and submission else None
    if not content:
        raise Http404("Chưa có tệp báo cáo này.")
    response = HttpResponse(bytes(content), content_type=TYPES[fmt])
    name = f"bao-cao-{unit.code}-ky-{period.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
