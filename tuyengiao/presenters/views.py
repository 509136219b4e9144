"""Pages of the roster. Thin: scoped objects from ``access``, one service or
selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.http import wants_fragment
from tuyengiao.orgs import access as core
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.selectors import today, unit_and_below
from tuyengiao.study import access as study_access
from tuyengiao.study.models import Session

from . import access, selectors, services
from .forms import (
    CourseForm,
    EventForm,
    LearnerForm,
    MaterialForm,
    PresenterForm,
    UnitLanguagesForm,
)
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
        "who": unit_and_below(unit),
    }
    template = "presenters/roster.html"
    if wants_fragment(request):
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
            "events": selectors.presenter_events(presenter),
            "event_totals": selectors.presenter_event_totals(presenter),
            "courses": selectors.presenter_courses(presenter),
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
    communes, missing = selectors.commune_gap_versions(unit, day)
    context = {
        "unit": unit,
        "day": day,
        "communes": communes,
        "missing": missing[:GAPS_SHOWN],
        "more": max(len(missing) - GAPS_SHOWN, 0),
        "total": len(missing),
        "language_gaps": selectors.communes_missing_languages(unit, day)[:GAPS_SHOWN],
        "languages": selectors.unit_languages(unit),
        "can_edit_languages": access.can_manage_unit(request.user, unit),
    }
    if not wants_fragment(request):
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
        "materials": selectors.materials_for_documents(
            access.materials_visible_to(request.user),
            selectors.campaign_document_ids(session.campaign),
        ),
    }
    template = "presenters/session_panel.html"
    if not wants_fragment(request):  # without script: a page of its own
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
    try:
        if services.session_presenter_add(actor=request.user, session=session, presenter=presenter):
            messages.success(request, f"Đã thêm báo cáo viên {presenter.full_name}.")
    except ValidationError as exc:  # the session's figures are locked
        messages.error(request, " ".join(exc.messages))
    return redirect("study:session", code=session.code)


@login_required
@require_POST
def session_remove(request: HttpRequest, code: str) -> HttpResponse:
    session, presenter = _session_and_presenter(request, code)
    try:
        if services.session_presenter_remove(
            actor=request.user, session=session, presenter=presenter
        ):
            messages.success(request, f"Đã bỏ báo cáo viên {presenter.full_name} khỏi hội nghị.")
    except ValidationError as exc:  # the session's figures are locked
        messages.error(request, " ".join(exc.messages))
    return redirect("study:session", code=session.code)


# --- dissemination events ---------------------------------------------------------------


def _list_unit(request: HttpRequest) -> Any:
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    return scope, (core.get_unit_for_user(request.user, code) if code else scope.unit)


def _form_unit(request: HttpRequest, form: Any, check: Any) -> Any:
    """The form's unit, visible to the user and allowed by ``check``; errors go on the
    form (a unit out of scope is not named)."""
    unit = core.units_visible_to(request.user).filter(code=form.cleaned_data["unit"]).first()
    if unit is None:
        form.add_error("unit", "Không tìm thấy đơn vị này trong phạm vi của bạn.")
        return None
    if not check(request.user, unit):
        form.add_error("unit", "Bạn không có quyền ghi cho đơn vị này.")
        return None
    return unit


def _picker(request: HttpRequest, label: str, selected: str, multiple: bool = False) -> Any:
    chosen = request.POST.get("unit", "") if request.method == "POST" else selected
    return org_views.unit_picker(
        request.user, name="unit", label=label, write=True, selected=[chosen] if chosen else []
    )


def _presenters_from(request: HttpRequest, form: Any, raw: str) -> list[Presenter] | None:
    codes = [c.strip() for c in raw.replace(",", ";").split(";") if c.strip()]
    found = {p.code: p for p in access.presenters_visible_to(request.user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        form.add_error("presenters", f"Không tìm thấy báo cáo viên: {', '.join(missing)}.")
        return None
    return [found[c] for c in codes]


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Dissemination events of a unit's subtree (default the user's unit), newest
    first, paged, with their count and listeners."""
    scope, unit = _list_unit(request)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.event_list(access.events_visible_to(request.user), unit, search=query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "presenters/events.html",
        {
            "unit": unit,
            "who": unit_and_below(unit),
            "q": query,
            "page": page,
            "totals": selectors.event_totals(qs),
            "can_add": scope.can_write,
        },
    )


def _event_page(
    request: HttpRequest, form: EventForm, event: Any, selected: str = ""
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "presenters/event_form.html",
        {
            "form": form,
            "event": event,
            "unit_picker": _picker(request, "Đơn vị tổ chức", selected),
        },
        status=status,
    )


def _event_save(request: HttpRequest, form: EventForm, code: str | None) -> Any:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    unit = _form_unit(request, form, access.can_record_event)
    presenters = _presenters_from(request, form, data["presenters"])
    if unit is None or presenters is None:
        return None
    try:
        event, _ = services.event_save(
            actor=request.user,
            data=services.EventData(
                code=code or data["code"],
                unit=unit,
                date=data["date"],
                listeners=data["listeners"],
                form=data["form"],
                presenters=tuple(presenters),
                document_symbol=data["document_symbol"],
                language=data["language"],
            ),
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    access.require_event_writer(request.user)
    form = EventForm(request.POST or None)
    if request.method == "POST":
        if selectors.event_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã buổi này đã có.")
        event = _event_save(request, form, None)
        if event is not None:
            messages.success(request, f"Đã ghi buổi tuyên truyền {event.code}.")
            return redirect(reverse("presenters:events") + f"?don_vi={event.unit.code}")
    return _event_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, code: str) -> HttpResponse:
    event = access.get_event_for_user(request.user, code, write=True)
    initial = {
        "code": event.code,
        "unit": event.unit.code,
        "date": event.date,
        "form": event.form.code if event.form else "",
        "presenters": "; ".join(p.code for p in selectors.event_presenters(event)),
        "document_symbol": event.document.symbol if event.document else "",
        "language": event.language,
        "listeners": event.listeners,
    }
    form = EventForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST":
        saved = _event_save(request, form, event.code)
        if saved is not None:
            messages.success(request, f"Đã lưu buổi tuyên truyền {saved.code}.")
            return redirect(reverse("presenters:events") + f"?don_vi={saved.unit.code}")
    return _event_page(request, form, event, event.unit.code)


# --- training courses -------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    scope, unit = _list_unit(request)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.course_list(access.courses_visible_to(request.user), unit, search=query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "presenters/courses.html",
        {
            "unit": unit,
            "who": unit_and_below(unit),
            "q": query,
            "page": page,
            "can_add": scope.is_staff,
        },
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    course = access.get_course_for_user(request.user, code)
    learners = Paginator(selectors.course_learners(course), 100).get_page(request.GET.get("trang"))
    can_edit = access.can_manage_unit(request.user, course.unit)
    # A course of a province has learners of every commune: only the presenters the
    # reader may open are links (the others' pages are outside their scope).
    on_page = [learner.presenter_id for learner in learners.object_list if learner.presenter_id]
    openable = set(
        access.presenters_visible_to(request.user)
        .filter(pk__in=on_page)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "presenters/course_detail.html",
        {
            "course": course,
            "learners": learners,
            "openable": openable,
            "participants": learners.paginator.count + course.extra_participants,
            "can_edit": can_edit,
            "learner_form": LearnerForm() if can_edit else None,
        },
    )


def _course_page(
    request: HttpRequest, form: CourseForm, course: Any, selected: str = ""
) -> HttpResponse:
    return render(
        request,
        "presenters/course_form.html",
        {
            "form": form,
            "course": course,
            "unit_picker": _picker(request, "Đơn vị tổ chức", selected),
        },
        status=400 if request.method == "POST" else 200,
    )


def _course_save(request: HttpRequest, form: CourseForm, code: str | None) -> Any:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    unit = _form_unit(request, form, access.can_manage_unit)
    if unit is None:
        return None
    try:
        course, _ = services.course_save(
            actor=request.user,
            data=services.CourseData(
                code=code or data["code"],
                title=data["title"],
                unit=unit,
                date_from=data["date_from"],
                date_to=data["date_to"],
                extra_participants=data["extra_participants"] or 0,
            ),
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return course


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if selectors.course_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã lớp này đã có.")
        course = _course_save(request, form, None)
        if course is not None:
            messages.success(request, f"Đã ghi lớp {course.title}.")
            return redirect("presenters:course", code=course.code)
    return _course_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, code: str) -> HttpResponse:
    course = access.get_course_for_user(request.user, code, write=True)
    initial = {
        "code": course.code,
        "title": course.title,
        "unit": course.unit.code,
        "date_from": course.date_from,
        "date_to": course.date_to,
        "extra_participants": course.extra_participants,
    }
    form = CourseForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST":
        saved = _course_save(request, form, course.code)
        if saved is not None:
            messages.success(request, f"Đã lưu lớp {saved.title}.")
            return redirect("presenters:course", code=saved.code)
    return _course_page(request, form, course, course.unit.code)


@login_required
@require_POST
def learner_add(request: HttpRequest, code: str) -> HttpResponse:
    course = access.get_course_for_user(request.user, code, write=True)
    form = LearnerForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        presenter: Presenter | None = None
        member: Any = None
        if data["presenter"].strip():
            presenter = (
                access.presenters_visible_to(request.user)
                .filter(code=data["presenter"].strip())
                .first()
            )
            error = "" if presenter else "Không tìm thấy báo cáo viên trong phạm vi của bạn."
        if not error and data["member"].strip():
            member = (
                core.members_visible_to(request.user).filter(code=data["member"].strip()).first()
            )
            error = "" if member else "Không tìm thấy đảng viên trong phạm vi của bạn."
        if not error:
            try:
                services.learner_set(
                    actor=request.user,
                    course=course,
                    presenter=presenter,
                    member=member,
                    result=data["result"],
                )
                messages.success(request, "Đã ghi học viên.")
            except ValidationError as exc:
                error = " ".join(exc.messages)
    else:
        error = "Dữ liệu không hợp lệ."
    if error:
        messages.error(request, error)
    return redirect("presenters:course", code=course.code)


@login_required
@require_POST
def learner_remove(request: HttpRequest, code: str) -> HttpResponse:
    course = access.get_course_for_user(request.user, code, write=True)
    found = selectors.course_learner(
        course,
        presenter_code=request.POST.get("bao_cao_vien", "").strip(),
        member_code=request.POST.get("dang_vien", "").strip(),
    )
    if found is None:  # already removed (a second click): nothing to do
        messages.info(request, "Học viên này không còn trong danh sách của lớp.")
    else:
        try:
            services.learner_remove(actor=request.user, learner=found)
        except ValidationError as exc:  # the course's figures are locked
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã bỏ học viên khỏi lớp.")
    return redirect("presenters:course", code=course.code)


# --- materials --------------------------------------------------------------------------


@login_required
@require_GET
def material_list(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.material_list(access.materials_visible_to(request.user), search=query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "presenters/materials.html",
        {"q": query, "page": page, "can_add": scope.is_staff},
    )


@login_required
@require_GET
def material_detail(request: HttpRequest, code: str) -> HttpResponse:
    material = access.get_material_for_user(request.user, code)
    scope = core.require_scope(request.user)
    total, top = selectors.material_views(material, scope.unit) if scope.is_staff else (0, [])
    return render(
        request,
        "presenters/material_detail.html",
        {
            "m": material,
            "can_edit": access.can_manage_unit(request.user, material.unit),
            "distributed": selectors.material_distribution(material),
            "views_total": total,
            "views_top": top,
            "show_views": scope.is_staff,
        },
    )


@login_required
@require_GET
def material_open(request: HttpRequest, code: str) -> HttpResponseBase:
    """The material's file; the open is counted for the reader's unit only."""
    from django.http import FileResponse

    material = access.get_material_for_user(request.user, code)
    if not material.file:
        raise Http404("Tài liệu này chưa có tệp.")
    services.material_opened(actor=request.user, material=material)
    return FileResponse(
        material.file.open("rb"), as_attachment=False, filename=material.file_name or "tai-lieu"
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if selectors.material_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã tài liệu này đã có.")
        material = _material_save(request, form)
        if material is not None:
            messages.success(request, f"Đã ghi tài liệu {material.title}.")
            return redirect("presenters:material", code=material.code)
    return render(
        request,
        "presenters/material_form.html",
        {"form": form, "unit_picker": _picker(request, "Đơn vị phát hành", "")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a material: its details, the units it went to, or its file (a new file
    replaces the old; none keeps it)."""
    material = access.get_material_for_user(request.user, code, write=True)
    initial = {
        "code": material.code,
        "title": material.title,
        "kind": material.kind,
        "unit": material.unit.code,
        "date": material.date,
        "document_symbol": material.document.symbol if material.document else "",
        "copies": material.copies,
        "distributed_to": "; ".join(u.code for u in selectors.material_distribution(material)),
    }
    form = MaterialForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST":
        saved = _material_save(request, form, material.code)
        if saved is not None:
            messages.success(request, f"Đã lưu tài liệu {saved.title}.")
            return redirect("presenters:material", code=saved.code)
    return render(
        request,
        "presenters/material_form.html",
        {
            "form": form,
            "material": material,
            "unit_picker": _picker(request, "Đơn vị phát hành", material.unit.code),
        },
        status=400 if request.method == "POST" else 200,
    )


def _material_save(request: HttpRequest, form: MaterialForm, code: str | None = None) -> Any:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    unit = _form_unit(request, form, access.can_manage_unit)
    if unit is None:
        return None
    codes = [c.strip() for c in data["distributed_to"].replace(",", ";").split(";") if c.strip()]
    targets = list(core.units_visible_to(request.user).filter(code__in=codes))
    if len(targets) != len(set(codes)):
        form.add_error("distributed_to", "Có mã đơn vị không tìm thấy trong phạm vi của bạn.")
        return None
    upload = data["file"]
    file = None
    if upload is not None:
        from django.conf import settings

        if upload.size > int(settings.UPLOAD_MAX_BYTES):
            limit = int(settings.UPLOAD_MAX_BYTES) // (1024 * 1024)
            form.add_error("file", f"Tệp lớn hơn giới hạn {limit} MB của một tệp tải lên.")
            return None
        file = (upload.name, upload.read())
    try:
        material, _ = services.material_save(
            actor=request.user,
            data=services.MaterialData(
                code=code or data["code"],
                title=data["title"],
                kind=data["kind"],
                unit=unit,
                date=data["date"],
                document_symbol=data["document_symbol"],
                copies=data["copies"] or 0,
                distributed_to=tuple(targets),
            ),
            file=file,
        )
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return None
    return material


@login_required
@require_GET
def campaign_materials(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign page's part: materials explaining the campaign's documents."""
    campaign = study_access.get_campaign_for_user(request.user, pk)
    found = selectors.materials_for_documents(
        access.materials_visible_to(request.user), selectors.campaign_document_ids(campaign)
    )
    context = {"materials": found}
    if not wants_fragment(request):
        return _page(
            request,
            "presenters/materials_panel.html",
            context,
            campaign.title,
            reverse("study:campaign", args=[campaign.pk]),
            "Về trang đợt học tập",
        )
    return render(request, "presenters/materials_panel.html", context)


# --- languages of a unit's population ---------------------------------------------------


@login_required
@require_POST
def unit_languages(request: HttpRequest, code: str) -> HttpResponse:
    unit = core.get_unit_for_user(request.user, code)
    if core.require_scope(request.user).role == "member":
        raise Http404("Không tìm thấy đơn vị.")
    access.check_manage(request.user, unit)
    form = UnitLanguagesForm(request.POST)
    if form.is_valid():
        try:
            kept = services.unit_languages_set(
                actor=request.user, unit=unit, languages=form.cleaned_data["languages"]
            )
            messages.success(
                request, "Đã lưu ngôn ngữ: " + ("; ".join(kept) if kept else "chỉ tiếng Việt")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("orgs:unit", code=unit.code)
