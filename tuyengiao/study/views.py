"""Pages of campaigns, sessions, the attendance grid, QR check-in and history.

Thin: obtain scoped objects through ``orgs/access.py``, call one service or
selector, render. Service errors (``ValidationError``) become a Vietnamese
message and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.documents import access as documents_access
from tuyengiao.documents import views as document_views
from tuyengiao.documents.models import Document
from tuyengiao.lib.codes import validate_code
from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.forms import RowsField
from tuyengiao.lib.http import wants_fragment
from tuyengiao.lib.numbers import format_int, is_digits, parse_offset
from tuyengiao.lib.paging import OpenPage
from tuyengiao.orgs import access
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.models import Role, Unit
from tuyengiao.snapshots.services import is_large

from . import access as study_access
from . import calendar, campaign_figures, exports, scan_page, selectors, services
from .models import Audience, Campaign, Format, Session, Status

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
SESSIONS_PAGE = 50
STASH_KEY = "study_scan"
STASH_SECONDS = 600  # a scan made before signing in stays usable this long


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _day(request: HttpRequest, default: dt.date) -> tuple[dt.date, str | None]:
    raw = request.GET.get("ngay", "").strip()
    if not raw:
        return default, None
    try:
        return parse_date(raw), None
    except ValueError as exc:
        return default, f"Ngày không hợp lệ: {exc}"


# --- campaigns --------------------------------------------------------------------------


class CampaignForm(forms.Form):
    title = forms.CharField(label="Tên đợt học tập", max_length=255)
    documents: forms.ModelMultipleChoiceField[Document] = RowsField(
        label="Văn bản học tập",
        queryset=None,  # the view sets it per user
    )
    owner: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label="Đơn vị chủ trì",
        queryset=None,  # the view sets it per user
    )
    audiences = forms.MultipleChoiceField(
        label="Đối tượng",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Audience.MEMBERS],
    )
    start = forms.DateField(label="Ngày bắt đầu", input_formats=DATE_FORMATS)
    deadline = forms.DateField(label="Hạn hoàn thành", input_formats=DATE_FORMATS)
    member_target = forms.DecimalField(
        label="Chỉ tiêu đảng viên (%)", initial=95, min_value=0, max_value=100
    )
    public_target = forms.DecimalField(
        label="Chỉ tiêu nhân dân (%)", initial=85, min_value=0, max_value=100
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def member_unit_panel(request: HttpRequest, unit: Unit, day: dt.date) -> dict[str, Any]:
    """The study part of a member's "Đơn vị" page (registered in ``orgs.hooks``): the
    campaigns and this unit's sessions the member can see, latest first, bounded."""
    return {
        "campaigns": study_access.campaigns_visible_to(request.user)
        .select_related("owner")
        .order_by("-start", "-id")[:20],
        "sessions": study_access.sessions_visible_to(request.user)
        .filter(host=unit)
        .select_related("campaign")
        .order_by("-date", "-id")[:20],
    }


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    scope = access.require_scope(request.user)
    campaigns = study_access.campaigns_visible_to(request.user).select_related("owner")
    return render(
        request,
        "study/campaign_list.html",
        {
            "campaigns": campaigns.prefetch_related("documents"),
            "can_create": scope.is_staff,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    scope = access.require_scope(request.user)
    if not scope.is_staff:
        raise PermissionDenied("Chỉ cán bộ tuyên giáo tỉnh hoặc xã được tạo đợt học tập.")
    form = CampaignForm(request.POST or None)
    owner, documents = form.fields["owner"], form.fields["documents"]
    assert isinstance(owner, forms.ModelChoiceField)  # noqa: S101  narrows the type for mypy; CampaignForm declares it
    assert isinstance(documents, forms.ModelMultipleChoiceField)  # noqa: S101  narrows the type for mypy; CampaignForm declares it
    owner.queryset = access.units_visible_to(request.user).filter(
        depth__lte=scope.unit.depth + 1, valid_to__isnull=True
    )
    owner.initial = scope.unit
    documents.queryset = documents_access.documents_visible_to(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                title=data["title"],
                documents=list(data["documents"]),
                owner=data["owner"],
                start=data["start"],
                deadline=data["deadline"],
                audiences=data["audiences"],
                member_target=data["member_target"],
                public_target=data["public_target"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Đã tạo đợt học tập “{campaign.title}”.")
            return redirect("study:campaign", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    document_picker = document_views.document_picker_for(
        request.user,
        name="documents",
        label="Văn bản học tập",
        selected=request.POST.getlist("documents"),
    )
    return render(
        request,
        "study/campaign_form.html",
        {"form": form, "document_picker": document_picker},
        status=status,
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = study_access.get_campaign_for_user(request.user, pk)
    scope = access.require_scope(request.user)
    day, error = _day(request, campaign.deadline)
    # The unit shown: chosen, else the viewer's unit when inside the campaign, else the owner.
    unit = campaign.owner
    code = request.GET.get("don_vi", "").strip()
    if code:
        unit = access.get_unit_for_user(request.user, code)
    elif study_access.campaign_covers(campaign, scope.unit):
        unit = scope.unit
    if not study_access.campaign_covers(campaign, unit):
        unit = campaign.owner
    detail = scope.role != Role.MEMBER
    large = is_large(unit)
    context: dict[str, Any] = {"campaign": campaign, "unit": unit, "day": day}
    if access.can_see_unit(request.user, unit):  # no figures of a unit one cannot see
        if large:  # figures computed ahead by the task worker
            context["shown"] = campaign_figures.from_snapshot(campaign, unit, day, detail=detail)
        else:
            context.update(campaign_figures.context(campaign, unit, day, detail=detail))
    if request.headers.get("HX-Target") == "so-lieu":  # the page asking again
        return render(request, "study/campaign_detail.html#figures", context)
    # The sessions hosted in the chosen unit's subtree (and the user's scope), a page at
    # a time: a national campaign has thousands.
    sessions = _sessions_page(request, campaign, unit, large)
    _mark_rows(request, sessions.object_list, unit)
    context.update(
        {
            "documents": campaign.documents.all(),
            "error": error,
            "sessions": sessions,
            "page_query": urlencode({"don_vi": unit.code, "ngay": day.strftime("%d/%m/%Y")}) + "&",
            "can_plan": study_access.can_plan_in_campaign(request.user, campaign),
        }
    )
    return render(request, "study/campaign_detail.html", context)


def _sessions_page(
    request: HttpRequest, campaign: Campaign, unit: Unit, large: bool
) -> Page[Session] | OpenPage[Session]:
    """A page of the campaign's sessions; under a large unit not counted at every
    request (``lib.paging``): its figures already say how many there are."""
    rows = _campaign_sessions(request, campaign, unit)
    number = request.GET.get("trang")
    if large:
        return OpenPage(rows, SESSIONS_PAGE, number)
    return Paginator(rows, SESSIONS_PAGE).get_page(number)


def _campaign_sessions(request: HttpRequest, campaign: Campaign, unit: Unit) -> QuerySet[Session]:
    """The campaign's sessions hosted in the chosen unit's subtree and the viewer's scope,
    and those with a bridge point there (a cell's point of a commune's online session)."""
    return study_access.sessions_listed_under(
        request.user, selectors.campaign_sessions(campaign), unit
    )


def _mark_rows(request: HttpRequest, rows: Iterable[Session], unit: Unit) -> None:
    """Mark on each row of a page the viewer's own bridge points when the main session
    is hosted outside their scope (``own_bridges``), and whether it is hosted above the
    unit shown (``from_above``: its members attended, or it has a bridge point there)."""
    ids = [r.pk for r in rows]
    inside = set(
        study_access.sessions_in_scope(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    bridges = list(
        study_access.sessions_in_scope(request.user)
        .filter(main_id__in=[i for i in ids if i not in inside])
        .select_related("host")[:200]
    )
    for row in rows:
        # per-page marks the list template reads, not fields of the model
        row.own_bridges = [b for b in bridges if b.main_id == row.pk]  # type: ignore[attr-defined]
        row.from_above = not access.in_subtree(row.host.path, unit.path)  # type: ignore[attr-defined]


# --- sessions ---------------------------------------------------------------------------


class SessionForm(forms.Form):
    code = forms.CharField(
        label="Mã hội nghị",
        max_length=64,
        required=False,
        validators=[validate_code],
        help_text="Để trống: hệ thống đặt mã theo mã đơn vị và ngày (ví dụ CB1-20251015).",
    )
    title = forms.CharField(label="Tên hội nghị", max_length=255, required=False)
    host: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label="Đơn vị tổ chức",
        queryset=None,  # the view sets it: the units this user may host in
        to_field_name="code",
        error_messages={"invalid_choice": "Hãy chọn đơn vị tổ chức trong danh sách tìm được."},
    )
    date = forms.DateField(label="Ngày", input_formats=DATE_FORMATS)
    start_time = forms.TimeField(label="Giờ bắt đầu", required=False)
    end_time = forms.TimeField(label="Giờ kết thúc", required=False)
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    format = forms.ChoiceField(label="Hình thức", choices=Format.choices)
    is_makeup = forms.BooleanField(label="Học bù", required=False)
    outside_presenters = forms.CharField(label="Báo cáo viên", max_length=500, required=False)
    other_attendees = forms.IntegerField(
        label="Số lượt người khác tham dự", min_value=0, initial=0, required=False
    )
    public_reached = forms.IntegerField(
        label="Số lượt nhân dân được tuyên truyền", min_value=0, initial=0, required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = study_access.get_campaign_for_user(request.user, pk, write=True)
    form = SessionForm(request.POST or None)
    data_in = request.POST if request.method == "POST" else request.GET
    try:
        day = parse_date(data_in.get("date", "").strip()[:20]) if data_in.get("date") else None
    except ValueError:
        day = None
    # A unit valid today or on the chosen date is accepted here, so that the service says
    # why it cannot host on that date ("chưa thành lập vào ngày ...").
    hosts = study_access.campaign_host_units(request.user, campaign)
    if day is not None:
        hosts = hosts | study_access.campaign_host_units(request.user, campaign, day)
    host = form.fields["host"]
    assert isinstance(host, forms.ModelChoiceField)  # noqa: S101  narrows the type for mypy; SessionForm declares it
    host.queryset = hosts
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                campaign=campaign,
                # left empty: a free code from the host's code and the date
                code=data["code"] or services.propose_session_code(data["host"], data["date"]),
                title=data["title"],
                host=data["host"],
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                format=data["format"],
                is_makeup=data["is_makeup"],
                outside_presenters=data["outside_presenters"],
                other_attendees=data["other_attendees"] or 0,
                public_reached=data["public_reached"] or 0,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Đã lập hội nghị {session.code}.")
            return redirect("study:session", code=session.code)
    status = 400 if request.method == "POST" else 200
    host_picker = org_views.unit_picker(
        request.user,
        name="host",
        label="Đơn vị tổ chức",
        root=campaign.owner,
        write=True,
        selected=[request.POST.get("host", "")] if request.method == "POST" else [],
        on=form.cleaned_data.get("date")
        if form.is_bound and hasattr(form, "cleaned_data")
        else None,
        date_field="date",
    )
    return render(
        request,
        "study/session_form.html",
        {"form": form, "campaign": campaign, "host_picker": host_picker},
        status=status,
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code)
    can_write = access.can_write_unit(request.user, session.host)
    # The bridge point's unit is searched, not listed: a national conference has
    # thousands of candidate units.
    bridge_picker = (
        org_views.unit_picker(
            request.user,
            name="host",
            label="Đơn vị",
            root=session.campaign.owner,
            write=True,
            on=session.date,
        )
        if can_write and session.main_id is None and session.format != Format.IN_PERSON
        else None
    )
    bridge_points = Paginator(selectors.session_bridge_points(session), 50).get_page(
        request.GET.get("trang")
    )
    # A province's conference has bridge points in every commune: only those the
    # reader may open are links.
    openable = set(
        study_access.sessions_visible_to(request.user)
        .filter(pk__in=[b.pk for b in bridge_points.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "study/session_detail.html",
        {
            "session": session,
            "bridge_points": bridge_points,
            "openable": openable,
            "counts": selectors.session_counts(session),
            # who left early, by name: for the host's writers, as the grid (a member,
            # or a cell seeing its commune's conference, sees the count only)
            "left_early": selectors.left_early(session)[:200] if can_write else [],
            "can_write": can_write,
            "bridge_picker": bridge_picker,
        },
    )


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip().replace(".", "")
    if not value:
        return None
    if not is_digits(value):
        raise ValidationError("Số lượt phải là số nguyên không âm.")
    return int(value)


@login_required
@require_POST
def session_update(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    try:
        services.session_update(
            actor=request.user,
            session=session,
            other_attendees=_int_or_none(request.POST.get("other_attendees")),
            public_reached=_int_or_none(request.POST.get("public_reached")),
        )
        messages.success(request, "Đã cập nhật số lượt tham dự.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("study:session", code=session.code)


@login_required
@require_POST
def bridge_add(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    try:
        host = access.get_unit_for_user(request.user, request.POST.get("host", ""), write=True)
        bp = services.bridge_point_add(
            actor=request.user,
            main=session,
            code=request.POST.get("code", ""),
            host=host,
            place=request.POST.get("place", ""),
        )
        messages.success(request, f"Đã thêm điểm cầu {bp.code} ({host.name}).")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except (Http404, PermissionDenied):
        messages.error(request, "Đơn vị điểm cầu không tồn tại hoặc ngoài phạm vi của bạn.")
    return redirect("study:session", code=session.code)


# --- attendance grid ----------------------------------------------------------------------


GRID_INLINE = 150  # a session with at most this many members shows every row at once
GRID_ROWS = 200  # rows per request when a group is opened
GRID_FOUND = 50  # rows shown for a search


@login_required
@require_GET
def grid(request: HttpRequest, code: str) -> HttpResponse:
    """The attendance grid, grouped by the unit members belong to (a cell for a
    commune's conference; communes, then cells, for a province's). Small sessions
    show every row; large ones open a group when it is clicked (htmx), so the page
    stays small. ``q`` finds members anywhere in the session, no diacritics needed."""
    session = study_access.get_session_for_user(request.user, code, write=True)
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {"session": session, "statuses": Status.choices, "q": query}
    if query:
        found = list(selectors.grid_members(session, search=query)[: GRID_FOUND + 1])
        context.update(found=found[:GRID_FOUND], found_more=len(found) > GRID_FOUND)
        if wants_fragment(request):
            return render(request, "study/grid.html#found", context)
    groups = selectors.grid_groups(session)
    total = sum(g.members for g in groups)
    if total <= GRID_INLINE:
        for group in groups:
            group.body = _group_body(session, group)
            group.open = True
    context.update(groups=groups, total=total, counts=selectors.session_counts(session))
    return render(request, "study/grid.html", context)


def _group_body(session: Session, group: selectors.GridGroup, offset: int = 0) -> dict[str, object]:
    """What an opened group shows: its subgroups, or a page of its members."""
    if group.has_subgroups and not group.direct:
        unit = Unit(pk=group.unit_id, code=group.code)
        return {"subgroups": selectors.grid_groups(session, unit)}
    rows = list(selectors.grid_members(session, group=group)[offset : offset + GRID_ROWS + 1])
    return {
        "rows": rows[:GRID_ROWS],
        "next_offset": offset + GRID_ROWS if len(rows) > GRID_ROWS else None,
    }


def _grid_group_or_404(
    request: HttpRequest, session: Session, unit_code: str
) -> selectors.GridGroup:
    group = selectors.grid_group(session, unit_code, direct=request.GET.get("truc_tiep") == "1")
    if group is None:
        raise Http404("Không có nhóm này trong bảng điểm danh.")
    return group


@login_required
@require_GET
def grid_group(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """One group's body, fetched when the group is opened; ``tu`` pages its rows."""
    session = study_access.get_session_for_user(request.user, code, write=True)
    group = _grid_group_or_404(request, session, unit_code)
    offset = parse_offset(request.GET.get("tu"))
    body = _group_body(session, group, offset)
    template = "study/grid.html#more-rows" if offset else "study/grid.html#body"
    return render(
        request,
        template,
        {"session": session, "g": group, "statuses": Status.choices, **body},
    )


@login_required
@require_POST
def grid_group_present(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """ "Có mặt cả nhóm": every member of the group not yet marked becomes present."""
    session = study_access.get_session_for_user(request.user, code, write=True)
    group = _grid_group_or_404(request, session, unit_code)
    member_ids = selectors.grid_members(session, group=group).values_list("pk", flat=True)
    notice, error = "", ""
    try:
        n = services.attendance_mark_all_present(
            actor=request.user, session=session, member_ids=list(member_ids)
        )
        notice = f"Đã ghi có mặt {format_int(n)} đảng viên."
    except ValidationError as exc:
        error = _errors(exc)
    if wants_fragment(request):
        group = _grid_group_or_404(request, session, unit_code)
        group.body = _group_body(session, group)
        group.open = True
        context = {"session": session, "g": group, "statuses": Status.choices}
        context.update(notice=notice, group_error=error)
        return render(request, "study/grid.html#group", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{notice[:-1]} ({group.name}).")
    return redirect(reverse("study:grid", kwargs={"code": session.code}) + f"#nhom-{group.code}")


@login_required
@require_POST
def grid_mark(request: HttpRequest, code: str, member_code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    member = selectors.grid_members(session).filter(code=member_code).first()
    if member is None:
        return HttpResponse(
            "Đảng viên không sinh hoạt trong phạm vi đơn vị tổ chức hội nghị.", status=404
        )
    error = None
    try:
        services.attendance_mark(
            actor=request.user,
            session=session,
            member=member,
            status=request.POST.get("status", ""),
        )
    except ValidationError as exc:
        error = _errors(exc)
    m = selectors.grid_members(session).get(pk=member.pk)
    return render(
        request,
        "study/grid.html#row",
        {"session": session, "m": m, "statuses": Status.choices, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def export(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    response = HttpResponse(
        exports.attendance_workbook(session),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="diem-danh-{session.code}.xlsx"'
    return response


# --- QR --------------------------------------------------------------------------------


def _direction(request: HttpRequest) -> str:
    return services.OUT if request.GET.get("chieu") == "ra" else services.IN


@login_required
@require_GET
def qr_screen(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    return render(request, "study/qr.html", _qr_context(request, session))


def _qr_context(request: HttpRequest, session: Session) -> dict[str, object]:
    kind = _direction(request)
    token = services.make_token(session, kind)
    url = request.build_absolute_uri(reverse("study:scan")) + "?t=" + token
    svg = segno.make(url, error="m").svg_inline(
        scale=5, dark="#111", border=4, omitsize=True
    )  # viewBox only: CSS sizes it
    return {
        "session": session,
        "kind": kind,
        "svg": mark_safe(svg),  # noqa: S308  segno's own SVG markup, no user input
        "url": url,
        "counts": selectors.session_counts(session),
        "refresh": max(5, settings.CHECKIN_TOKEN_SECONDS // 3),
        "open_for_checkout": session.checkout_opened_at is not None,
    }


@login_required
@require_GET
def qr_code(request: HttpRequest, code: str) -> HttpResponse:
    """The QR fragment, polled by the QR screen: a fresh token every few seconds."""
    session = study_access.get_session_for_user(request.user, code, write=True)
    return render(request, "study/qr.html#code", _qr_context(request, session))


@login_required
@require_POST
def checkout_open(request: HttpRequest, code: str) -> HttpResponse:
    session = study_access.get_session_for_user(request.user, code, write=True)
    try:
        services.checkout_open(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("study:session", code=session.code)
    return redirect(reverse("study:qr", kwargs={"code": session.code}) + "?chieu=ra")


# --- member check-in -------------------------------------------------------------------


def _device_id(request: HttpRequest) -> tuple[str, bool]:
    """The device's id from its signed cookie, or a new one (to be set)."""
    value = request.get_signed_cookie(
        services.DEVICE_COOKIE, default=None, salt=services.DEVICE_SALT
    )
    if value:
        return value, False
    return secrets.token_urlsafe(16), True


def _with_device(response: HttpResponse, device: str, new: bool) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            services.DEVICE_COOKIE,
            device,
            salt=services.DEVICE_SALT,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request_is_secure_default(),
        )
    return response


def request_is_secure_default() -> bool:
    return bool(getattr(settings, "SESSION_COOKIE_SECURE", False))


@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    """Where the QR leads. A scan before signing in is remembered (verified fresh
    now) so the member can sign in and confirm without rescanning."""
    token = request.GET.get("t", "") or request.POST.get("t", "")
    if not request.user.is_authenticated:
        if token:
            try:
                services.read_any_token(token)
            except ValidationError as exc:
                return render(request, "study/scan.html", {"error": _errors(exc)}, status=400)
            request.session[STASH_KEY] = {"t": token, "at": time.time()}
        return redirect_to_login(reverse("study:scan"))
    device, new = _device_id(request)
    stash = request.session.get(STASH_KEY)
    max_age = None
    if not token and stash and time.time() - stash.get("at", 0) < STASH_SECONDS:
        token = stash["t"]
        max_age = STASH_SECONDS + settings.CHECKIN_TOKEN_SECONDS
    context: dict[str, Any] = {"token": token}
    if not token:
        return _with_device(render(request, "study/scan.html", context), device, new)
    try:
        session_id, kind = services.read_any_token(token, max_age=max_age)
    except ValidationError as exc:
        request.session.pop(STASH_KEY, None)
        context["error"] = _errors(exc)
        return _with_device(render(request, "study/scan.html", context, status=400), device, new)
    context["kind"] = kind
    if request.method == "GET":
        context["session"] = selectors.session_brief(session_id)
        context["member"] = access.own_member(request.user)
        context["no_member"] = services.NO_MEMBER
        return _with_device(render(request, "study/scan.html", context), device, new)
    action = services.checkout if kind == services.OUT else services.checkin
    try:
        result = action(actor=request.user, token=token, device_id=device, token_max_age=max_age)
    except ValidationError as exc:
        context["error"] = _errors(exc)
        return _with_device(_scan_result(context, status=400), device, new)
    if stash is not None:
        request.session.pop(STASH_KEY, None)
    context.update({"result": result, "session": result.session})
    return _with_device(_scan_result(context), device, new)


def _scan_result(context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The answer to a scan (``scan_page``: no site menu, so no database)."""
    return HttpResponse(scan_page.render(context), status=status)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    scope = access.scope_of(request.user)
    member = access.own_member(request.user)
    context: dict[str, Any] = {
        "member": member,
        "rows": selectors.member_history(member)[:300] if member else [],
        "cell_sessions": selectors.cell_history(scope.unit)
        if scope is not None and scope.role == Role.CELL_SECRETARY
        else [],
        "scope": scope,
    }
    return render(request, "study/history.html", context)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def session_ics(request: HttpRequest, code: str) -> HttpResponse:
    """The session as a calendar event ("Thêm vào lịch")."""
    session = study_access.get_session_for_user(request.user, code)
    url = request.build_absolute_uri(reverse("study:session", args=[session.code]))
    return _ics(
        calendar.calendar_of([session], {session.code: url}, session.title or session.code),
        f"{session.code}.ics",
    )


@login_required
@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The coming sessions the user sees (a week back, half a year ahead), to import
    into a phone's calendar."""
    access.require_scope(request.user)
    sessions = list(
        selectors.coming_sessions(study_access.sessions_visible_to(request.user), selectors.today())
    )
    urls = {
        s.code: request.build_absolute_uri(reverse("study:session", args=[s.code]))
        for s in sessions
    }
    return _ics(
        calendar.calendar_of(sessions, urls, "Lịch học tập, quán triệt"), "lich-hoc-tap.ics"
    )
