"""Pages of the roster. Thin: scoped objects from ``access``, one service or
selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.dates import parse_date
from tuyengiao.orgs import access as core
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.selectors import today
from tuyengiao.study import access as study_access
from tuyengiao.study.models import Session

from . import access, selectors, services
from .forms import PresenterForm
from .models import Presenter

PAGE = 50
GAPS_SHOWN = 50
SEARCH_SHOWN = 10


def _day(request: HttpRequest) -> tuple[dt.date, str | None]:
    raw = request.GET.get("ngay", "").strip()
    if not raw:
        return today(), None
    try:
        return parse_date(raw), None
    except ValueError as exc:
        return today(), f"Ngày không hợp lệ: {exc}"


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    """The roster of a unit's subtree (default the user's unit): those serving on a
    day, or every recognition with ``tat_ca``; searched without diacritics, paged."""
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    unit = core.get_unit_for_user(request.user, code) if code else scope.unit
    day, error = _day(request)
    query = request.GET.get("q", "").strip()[:100]
    everyone = request.GET.get("tat_ca") == "1"
    qs = selectors.roster(
        access.presenters_visible_to(request.user),
        unit,
        day=None if everyone else day,
        search=query,
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "day": day,
        "error": error,
        "q": query,
        "everyone": everyone,
        "page": page,
        "can_add": scope.is_staff,
    }
    template = "presenters/roster.html"
    if request.headers.get("HX-Request"):
        template += "#rows"
    return render(request, template, context)


@login_required
@require_GET
def presenter_detail(request: HttpRequest, code: str) -> HttpResponse:
    presenter = access.get_presenter_for_user(request.user, code)
    sessions = selectors.presenter_sessions(presenter)
    return render(
        request,
        "presenters/detail.html",
        {
            "p": presenter,
            "sessions": sessions,
            "listeners": sum(s.listeners for s in sessions),
            "public": sum(s.public for s in sessions),
            "serving": selectors.is_serving(presenter, today()),
            "can_edit": access.can_manage_unit(request.user, presenter.unit),
        },
    )


def _save(request: HttpRequest, form: PresenterForm, code: str | None) -> Presenter | None:
    """Validate the form against the user's scope and call the service; errors go
    on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    member = None
    member_code = data["member_code"].strip()
    if member_code:
        member = core.members_visible_to(request.user).filter(code=member_code).first()
        if member is None:
            form.add_error("member_code", "Không tìm thấy đảng viên này trong phạm vi của bạn.")
            return None
    full_name = data["full_name"].strip() or (member.full_name if member else "")
    try:
        presenter, _ = services.presenter_save(
            actor=request.user,
            data=services.PresenterData(
                code=code or data["code"],
                full_name=full_name,
                level=data["level"],
                unit=data["unit"],
                status=data["status"],
                member=member,
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                decision_symbol=data["decision_symbol"],
                theory=data["theory"],
                degree=data["degree"],
                topics=data["topics"],
                languages=data["languages"],
            ),
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return presenter


def _form_page(
    request: HttpRequest, form: PresenterForm, presenter: Presenter | None
) -> HttpResponse:
    selected = request.POST.get("unit", "") if request.method == "POST" else ""
    if not selected and presenter is not None:
        selected = presenter.unit.code
    picker = org_views.unit_picker(
        request.user,
        name="unit",
        label="Đơn vị công nhận",
        write=True,
        selected=[selected] if selected else [],
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "presenters/form.html",
        {"form": form, "presenter": presenter, "unit_picker": picker},
        status=status,
    )


def _writable_units(request: HttpRequest) -> Any:
    return core.units_writable_by(request.user).filter(valid_to__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def presenter_new(request: HttpRequest) -> HttpResponse:
    access.require_roster_writer(request.user)
    form = PresenterForm(request.POST or None, initial={"status": "cong_nhan"})
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        if selectors.code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã báo cáo viên này đã có.")
        presenter = _save(request, form, None)
        if presenter is not None:
            messages.success(request, f"Đã ghi báo cáo viên {presenter.full_name}.")
            return redirect("presenters:detail", code=presenter.code)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def presenter_edit(request: HttpRequest, code: str) -> HttpResponse:
    presenter = access.get_presenter_for_user(request.user, code, write=True)
    initial = {
        "code": presenter.code,
        "member_code": presenter.member.code if presenter.member else "",
        "full_name": presenter.full_name,
        "level": presenter.level.code,
        "unit": presenter.unit.code,
        "status": presenter.status.code,
        "valid_from": presenter.valid_from,
        "valid_until": presenter.valid_until,
        "decision_symbol": presenter.decision_symbol,
        "theory": presenter.theory,
        "degree": presenter.degree,
        "topics": presenter.topics,
        "languages": presenter.languages,
    }
    form = PresenterForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    form.fields["unit"].queryset = _writable_units(request)  # type: ignore[attr-defined]
    if request.method == "POST":
        saved = _save(request, form, presenter.code)
        if saved is not None:
            messages.success(request, f"Đã lưu báo cáo viên {saved.full_name}.")
            return redirect("presenters:detail", code=saved.code)
    return _form_page(request, form, presenter)


@login_required
@require_GET
def unit_gaps(request: HttpRequest, code: str) -> HttpResponse:
    """The unit page's section: communes of the subtree with no serving presenter."""
    unit = core.get_unit_for_user(request.user, code)
    if core.require_scope(request.user).role == "member":
        raise Http404("Không tìm thấy đơn vị.")
    day, _ = _day(request)
    missing = selectors.communes_without_presenter(unit, day)
    context = {
        "unit": unit,
        "day": day,
        "missing": missing[:GAPS_SHOWN],
        "more": max(len(missing) - GAPS_SHOWN, 0),
        "total": len(missing),
    }
    if not request.headers.get("HX-Request"):
        return _page(
            request,
            "presenters/unit_gaps.html",
            context,
            unit.name,
            reverse("orgs:unit", args=[unit.code]),
            "Về trang đơn vị",
        )
    return render(request, "presenters/unit_gaps.html", context)


# --- presenters of a session ------------------------------------------------------------


@login_required
@require_GET
def session_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The session page's part: presenters named from the roster and, for those who
    may change the session, a search of the roster to add one."""
    session = study_access.get_session_for_user(request.user, code)
    can_write = core.can_write_unit(request.user, session.host)
    query = request.GET.get("q", "").strip()[:100]
    found: list[Presenter] = []
    if can_write and query:
        named = {p.pk for p in selectors.session_roster_presenters(session)}
        visible = access.presenters_visible_to(request.user)
        found = [p for p in _search_visible(visible, query, session.date) if p.pk not in named][
            :SEARCH_SHOWN
        ]
    context = {
        "session": session,
        "named": selectors.session_roster_presenters(session),
        "can_write": can_write,
        "q": query,
        "found": found,
    }
    template = "presenters/session_panel.html"
    if not request.headers.get("HX-Request"):  # without script: a page of its own
        return _page(
            request,
            template,
            context,
            session.title or session.code,
            reverse("study:session", args=[session.code]),
            "Về trang hội nghị",
        )
    if query:
        template += "#found"
    return render(request, template, context)


def _page(
    request: HttpRequest,
    inner: str,
    context: dict[str, Any],
    title: str,
    back_url: str,
    back_label: str,
) -> HttpResponse:
    return render(
        request,
        "presenters/page.html",
        {
            **context,
            "inner": inner,
            "page_title": title,
            "back_url": back_url,
            "back_label": back_label,
        },
    )


def _search_visible(visible: Any, query: str, day: dt.date) -> list[Presenter]:
    from tuyengiao.lib.text import fold

    qs = visible.filter(selectors.serving_q(day))
    for word in fold(query).split():
        qs = qs.filter(search_key__contains=" " + word)
    return list(qs.select_related("level", "unit").order_by("sort_key", "code")[: SEARCH_SHOWN + 5])


def _session_and_presenter(request: HttpRequest, code: str) -> tuple[Session, Presenter]:
    session = study_access.get_session_for_user(request.user, code, write=True)
    presenter_code = request.POST.get("bao_cao_vien", "").strip()
    presenter = access.presenters_visible_to(request.user).filter(code=presenter_code).first()
    if presenter is None:
        raise Http404("Không tìm thấy báo cáo viên.")
    return session, presenter


@login_required
@require_POST
def session_add(request: HttpRequest, code: str) -> HttpResponse:
    session, presenter = _session_and_presenter(request, code)
    if services.session_presenter_add(actor=request.user, session=session, presenter=presenter):
        messages.success(request, f"Đã thêm báo cáo viên {presenter.full_name}.")
    return redirect("study:session", code=session.code)


@login_required
@require_POST
def session_remove(request: HttpRequest, code: str) -> HttpResponse:
    session, presenter = _session_and_presenter(request, code)
    if services.session_presenter_remove(actor=request.user, session=session, presenter=presenter):
        messages.success(request, f"Đã bỏ báo cáo viên {presenter.full_name} khỏi hội nghị.")
    return redirect("study:session", code=session.code)
