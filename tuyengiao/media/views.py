"""Pages of media output and awards. Thin: scoped objects from ``access``, one service
or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.http import wants_fragment
from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import access as core
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.selectors import today, unit_and_below

from . import access, selectors, services
from .forms import AwardForm, MediaForm
from .models import Award, MediaOutput

PAGE = 50


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, str | None]:
    """``tu`` and ``den`` (dd/mm/yyyy); by default this calendar year."""
    year = today().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    try:
        raw_from = request.GET.get("tu", "").strip()
        raw_to = request.GET.get("den", "").strip()
        start = parse_date(raw_from) if raw_from else start
        end = parse_date(raw_to) if raw_to else end
    except ValueError as exc:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), f"Ngày không hợp lệ: {exc}"
    if end < start:
        return start, start, "'Đến ngày' phải từ 'Từ ngày' trở đi."
    return start, end, None


def _list_unit(request: HttpRequest) -> tuple[core.Scope, Any]:
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    return scope, core.get_unit_for_user(request.user, code) if code else scope.unit


def _form_page(
    request: HttpRequest, template: str, form: Any, selected: str, context: dict[str, Any]
) -> HttpResponse:
    if request.method == "POST":
        selected = request.POST.get("unit", "") or selected
    picker = org_views.unit_picker(
        request.user,
        name="unit",
        label="Đơn vị",
        write=True,
        selected=[selected] if selected else [],
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, {"form": form, "unit_picker": picker, **context}, status=status
    )


def _writable_units(request: HttpRequest) -> Any:
    return core.units_writable_by(request.user)


# --- media output -------------------------------------------------------------------------


@login_required
@require_GET
def media_list(request: HttpRequest) -> HttpResponse:
    """Media output of a unit's subtree (default the user's unit) whose period overlaps
    the chosen one, by kind, paged, with the total of the rows shown."""
    scope, unit = _list_unit(request)
    date_from, date_to, error = _period(request)
    kind = request.GET.get("loai", "").strip()[:32]
    qs = selectors.media_list(
        access.media_visible_to(request.user), unit, date_from, date_to, kind=kind
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "who": unit_and_below(unit),
        "date_from": date_from,
        "date_to": date_to,
        "error": error,
        "kind": kind,
        "kinds": selectors.media_kinds(),
        "page": page,
        "totals": selectors.media_totals(qs),
        "can_add": scope.is_staff,
        "can_edit": {
            o.pk for o in page.object_list if access.can_manage_unit(request.user, o.unit)
        },
    }
    template = "media/media_list.html"
    if wants_fragment(request):
        template += "#rows"
    return render(request, template, context)


def _media_save(
    request: HttpRequest, form: MediaForm, output: MediaOutput | None
) -> MediaOutput | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        saved, _ = services.media_output_save(
            actor=request.user,
            data=services.MediaData(
                unit=data["unit"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                kind=data["kind"],
                count=data["count"],
                language=data["language"],
                minutes=data["minutes"],
                document_symbol=data["document_symbol"],
            ),
            output=output,
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return saved


def _after_media(saved: MediaOutput) -> HttpResponse:
    query = urlencode(
        {
            "don_vi": saved.unit.code,
            "tu": f"{saved.date_from:%d/%m/%Y}",
            "den": f"{saved.date_to:%d/%m/%Y}",
        }
    )
    return redirect(f"{reverse('media:list')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def media_new(request: HttpRequest) -> HttpResponse:
    access.require_writer(request.user)
    form = MediaForm(request.POST or None)
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        saved = _media_save(request, form, None)
        if saved is not None:
            messages.success(
                request,
                f"Đã ghi {format_int(saved.count)} {saved.kind.noun} của {saved.unit.name}.",
            )
            return _after_media(saved)
    return _form_page(request, "media/media_form.html", form, "", {"output": None})


@login_required
@require_http_methods(["GET", "POST"])
def media_edit(request: HttpRequest, pk: int) -> HttpResponse:
    output = access.get_media_for_user(request.user, pk, write=True)
    initial = {
        "unit": output.unit.code,
        "date_from": output.date_from,
        "date_to": output.date_to,
        "kind": output.kind.code,
        "language": output.language,
        "count": output.count,
        "minutes": output.minutes,
        "document_symbol": output.document_symbol,
    }
    form = MediaForm(request.POST or None, initial=initial)
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        saved = _media_save(request, form, output)
        if saved is not None:
            messages.success(request, "Đã lưu số liệu tin bài.")
            return _after_media(saved)
    return _form_page(request, "media/media_form.html", form, output.unit.code, {"output": output})


# --- awards and models --------------------------------------------------------------------


@login_required
@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    """Awards and models of a unit's subtree dated in the chosen period, by kind,
    searched without diacritics, paged."""
    scope, unit = _list_unit(request)
    date_from, date_to, error = _period(request)
    kind = request.GET.get("loai", "").strip()[:32]
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.award_list(
        access.awards_visible_to(request.user), unit, date_from, date_to, kind=kind, search=query
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "who": unit_and_below(unit),
        "date_from": date_from,
        "date_to": date_to,
        "error": error,
        "kind": kind,
        "q": query,
        "kinds": selectors.award_kinds(),
        "page": page,
        "can_add": scope.is_staff,
        "can_edit": {
            a.code for a in page.object_list if access.can_manage_unit(request.user, a.unit)
        },
    }
    template = "media/award_list.html"
    if wants_fragment(request):
        template += "#rows"
    return render(request, template, context)


def _award_save(request: HttpRequest, form: AwardForm, code: str | None) -> Award | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    member = None
    member_code = data["member_code"].strip()
    if member_code:
        on_day = core.members_visible_to(request.user, data["date"]).filter(code=member_code)
        member = on_day.first() or (
            core.members_visible_to(request.user).filter(code=member_code).first()
        )
        if member is None:
            form.add_error("member_code", "Không tìm thấy đảng viên này trong phạm vi của bạn.")
            return None
    try:
        award, _ = services.award_save(
            actor=request.user,
            data=services.AwardData(
                code=code or data["code"],
                kind=data["kind"],
                name=data["name"],
                unit=data["unit"],
                date=data["date"],
                member=member,
                person_name=data["person_name"],
                decision_symbol=data["decision_symbol"],
                document_symbol=data["document_symbol"],
            ),
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return award


def _after_award(award: Award) -> HttpResponse:
    year = award.date.year
    query = urlencode({"don_vi": award.unit.code, "tu": f"01/01/{year}", "den": f"31/12/{year}"})
    return redirect(f"{reverse('media:awards')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def award_new(request: HttpRequest) -> HttpResponse:
    access.require_writer(request.user)
    form = AwardForm(request.POST or None)
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        if selectors.award_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã này đã có.")
        award = _award_save(request, form, None)
        if award is not None:
            messages.success(request, f"Đã ghi {award.kind.label.lower()} “{award.name}”.")
            return _after_award(award)
    return _form_page(request, "media/award_form.html", form, "", {"award": None})


@login_required
@require_http_methods(["GET", "POST"])
def award_edit(request: HttpRequest, code: str) -> HttpResponse:
    award = access.get_award_for_user(request.user, code, write=True)
    initial = {
        "code": award.code,
        "kind": award.kind.code,
        "name": award.name,
        "unit": award.unit.code,
        "member_code": award.member.code if award.member else "",
        "person_name": award.person_name,
        "date": award.date,
        "decision_symbol": award.decision_symbol,
        "document_symbol": award.document_symbol,
    }
    form = AwardForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        saved = _award_save(request, form, award.code)
        if saved is not None:
            messages.success(request, f"Đã lưu “{saved.name}”.")
            return _after_award(saved)
    return _form_page(request, "media/award_form.html", form, award.unit.code, {"award": award})


# --- the unit page's panel ----------------------------------------------------------------


@login_required
@require_GET
def unit_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The unit page's part: this year's media output, awards and models of the unit's
    subtree, with links to the lists; without script, a page of its own."""
    unit = core.get_unit_for_user(request.user, code)
    year = today().year
    date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    context = {
        "unit": unit,
        "year": year,
        "summary": selectors.unit_summary(
            access.media_visible_to(request.user),
            access.awards_visible_to(request.user),
            unit,
            date_from,
            date_to,
        ),
        "period": urlencode(
            {"don_vi": unit.code, "tu": f"{date_from:%d/%m/%Y}", "den": f"{date_to:%d/%m/%Y}"}
        ),
    }
    if wants_fragment(request):
        return render(request, "media/unit_panel.html", context)
    return render(request, "media/unit_page.html", context)
