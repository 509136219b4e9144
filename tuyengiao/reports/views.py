"""Dashboard and report pages. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tuyengiao.lib.dates import format_date, parse_date
from tuyengiao.lib.http import wants_fragment
from tuyengiao.orgs import access
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import today
from tuyengiao.snapshots.services import is_large

from . import access as reports_access
from . import dashboard as dashboard_parts
from . import services
from .forms import ReportForm
from .models import ReportRequest, RequestStatus, Structure
from .selectors import latest_activity_date, report_figures
from .tasks import report_generate


def _default_period(unit: Unit) -> tuple[dt.date, dt.date, str]:
    """The period a dashboard opens on: this year, or, when nothing happened in the
    unit's subtree this year, the latest year that has sessions (with a note saying so)."""
    now = today()
    latest = latest_activity_date(unit, now)
    if latest is None:
        return dt.date(now.year, 1, 1), now, "Chưa có hội nghị nào được ghi nhận."
    if latest.year < now.year:
        return (
            dt.date(latest.year, 1, 1),
            dt.date(latest.year, 12, 31),
            f"Năm {now.year} chưa có hội nghị nào; đang xem năm {latest.year}, năm gần nhất "
            "có số liệu.",
        )
    return dt.date(now.year, 1, 1), now, ""


def _period(request: HttpRequest, unit: Unit) -> tuple[dt.date, dt.date, str, list[str], str]:
    errors: list[str] = []
    note = ""
    if request.GET.get("tu", "").strip() or request.GET.get("den", "").strip():
        now = today()
        start, end = dt.date(now.year, 1, 1), now
    else:
        start, end, note = _default_period(unit)
    values = {"tu": start, "den": end}
    for name in values:
        raw = request.GET.get(name, "").strip()
        if raw:
            try:
                values[name] = parse_date(raw)
            except ValueError as exc:
                errors.append(f"{'Từ ngày' if name == 'tu' else 'Đến ngày'}: {exc}")
    structure = request.GET.get("co_cau", Structure.TODAY)
    if structure not in Structure.values:
        structure = Structure.TODAY
    return values["tu"], values["den"], structure, errors, note


def _dashboard(request: HttpRequest, code: str | None) -> HttpResponse:
    unit = reports_access.get_report_unit_for_user(request.user, code)
    date_from, date_to, structure, errors, note = _period(request, unit)
    context: dict[str, object] = {
        "unit": unit,
        "ancestors": access.units_visible_to(request.user)
        .filter(pk__in=unit.path_ids[:-1])
        .order_by("depth"),
        "period_note": note,
        "date_from": date_from,
        "date_to": date_to,
        "structure": structure,
        "errors": errors,
        "can_produce": access.can_write_unit(request.user, unit),
    }
    query = dashboard_parts.query_string(date_from, date_to, structure)
    if not errors:
        try:
            if is_large(unit):
                shown, shown_report, parts = dashboard_parts.from_snapshot(
                    unit=unit,
                    date_from=date_from,
                    date_to=date_to,
                    structure=structure,
                    params=request.GET,
                )
                context["shown"] = shown
                context["report"] = shown_report
                context["parts"] = parts
            else:
                report = report_figures(
                    unit=unit,
                    date_from=date_from,
                    date_to=date_to,
                    structure=structure,
                    allow_empty=True,
                )
                context["report"] = report
                context["parts"] = dashboard_parts.live_parts(report, request.GET)
        except ValidationError as exc:
            errors.extend(exc.messages)
    context["query"] = query
    template = "reports/dashboard.html"
    if request.headers.get("HX-Target") == "so-lieu":
        template += "#figures"  # the page asking again while the figures are computed
    return render(request, template, context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, None)


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, code)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    own = reports_access.get_report_unit_for_user(request.user, produce=True)
    if request.method == "POST":
        form = ReportForm(request.POST)
        job = _create_request(request, form) if form.is_valid() else None
        if job is not None:
            report_generate.enqueue(request_id=job.pk)
            return redirect("reports:request", pk=job.pk)
    else:
        now = today()
        form = ReportForm(
            initial={
                "unit": request.GET.get("don_vi", own.code),
                "date_from": request.GET.get("tu", format_date(dt.date(now.year, 1, 1))),
                "date_to": request.GET.get("den", format_date(now)),
                "structure": request.GET.get("co_cau", Structure.TODAY),
            }
        )
    recent = reports_access.report_requests_visible_to(request.user).defer("content")[:10]
    units = _report_units(request)
    many = units.count() > PICKER_LIMIT
    chosen = str(form["unit"].value() or "")
    if many:  # the own unit and its direct subordinates; the search finds the rest
        units = units.filter(depth__lte=own.depth + 1)
    options = list(units[:PICKER_LIMIT])
    if chosen and chosen not in {u.code for u in options}:
        options += list(_report_units(request).filter(code=chosen)[:1])
    context = {"form": form, "recent": recent, "units": options, "many": many, "chosen": chosen}
    return render(request, "reports/report_new.html", context)


PICKER_LIMIT = 100  # units listed in the report form's picker before a search is needed


def _report_units(request: HttpRequest) -> QuerySet[Unit]:
    """Units the user may report on (in scope, existing today), tree order."""
    return access.units_visible_to(request.user).filter(valid_to__isnull=True).order_by("path")


@login_required
@require_GET
def report_units(request: HttpRequest) -> HttpResponse:
    """HTMX: the report form's unit options matching a search (name or code)."""
    reports_access.get_report_unit_for_user(request.user, produce=True)
    q = request.GET.get("q", "").strip()[:100]
    units = _report_units(request)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return render(
        request,
        "reports/report_new.html#unit-options",
        {"units": list(units[:50]), "chosen": request.GET.get("unit", "")},
    )


def _create_request(request: HttpRequest, form: ReportForm) -> ReportRequest | None:
    data = form.cleaned_data
    try:
        unit = reports_access.get_report_unit_for_user(request.user, data["unit"], produce=True)
    except Http404:
        form.add_error(
            "unit",
            f"Đơn vị có mã '{data['unit']}' không có hoặc nằm ngoài phạm vi đơn vị "
            "bạn được lập báo cáo.",
        )
        return None
    try:
        return services.report_request_create(
            actor=request.user,
            unit=unit,
            date_from=data["date_from"],
            date_to=data["date_to"],
            structure=data["structure"],
            format=data["format"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
@require_GET
def report_request(request: HttpRequest, pk: int) -> HttpResponse:
    job = reports_access.get_report_request_for_user(request.user, pk)
    template = "reports/report_request.html"
    if wants_fragment(request):
        template += "#status"
    return render(request, template, {"job": job})


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = reports_access.get_report_request_for_user(request.user, pk)
    if job.status != RequestStatus.DONE or not job.content:
        return redirect("reports:request", pk=job.pk)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }
    response = HttpResponse(bytes(job.content), content_type=types[job.format])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
