"""``/api/v1/``: the system read and written by other systems with an API key.

Described in OpenAPI (``/api/v1/openapi.json``; no documentation page, which would
load its scripts from outside). Every call names its key in ``Authorization: Bearer
tg_…`` (``api.keys``): the key acts as its account narrowed to its unit, so the
views only parse, select through the apps' ``access`` modules (out of scope is a
404) and call the services, whose checks refuse what the account may not do (403).
Errors are JSON with a Vietnamese ``detail``; a refused batch lists each row.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.http import require_GET
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.responses import Status
from ninja.security import HttpBearer

from tuyengiao.lib.numbers import MAX_OFFSET
from tuyengiao.orgs import access
from tuyengiao.orgs.models import Unit
from tuyengiao.reports import access as reports_access
from tuyengiao.reports import services as report_services
from tuyengiao.reports.models import ReportFormat, ReportRequest, RequestStatus, Structure
from tuyengiao.reports.tasks import report_generate
from tuyengiao.study import access as study_access
from tuyengiao.study import selectors as study_selectors
from tuyengiao.study import services as study_services
from tuyengiao.study.models import Session

from . import keys

PAGE_MOST = 500


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = keys.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Tuyên giáo",
    version="1",
    description="Đọc và ghi dữ liệu của hệ thống bằng khóa API (tạo ở trang Khóa API).",
    urls_namespace="api",
    docs_url=None,
    docs_decorator=require_GET,  # the schema: read only
    auth=KeyAuth(),
)


def urlconf() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URLs for ``config/urls.py``. Ninja's root answers any method with a
    documentation page this API does not serve: here it is a 404 to a GET only (the
    schema's paths are read from its place). A method a path does not answer gets
    ninja's 405 with its ``Allow`` header and a Vietnamese JSON ``detail``."""
    patterns, app, namespace = api.urls
    urls: list[URLPattern | URLResolver] = []
    for p in patterns:
        if getattr(p, "name", None) == "api-root":
            urls.append(path("", require_GET(_no_root), name="api-root"))
        elif isinstance(p, URLPattern):
            urls.append(URLPattern(p.pattern, _vietnamese_405(p.callback), p.default_args, p.name))
        else:
            urls.append(p)
    return urls, app, namespace


def _vietnamese_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps ninja's csrf_exempt mark
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response.content = json.dumps(
                {"detail": f"Phương thức {request.method} không dùng được ở đây; dùng {allowed}."},
                ensure_ascii=False,
            ).encode()
            response["Content-Type"] = "application/json"
        return response

    return answer


def _no_root(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        '{"detail": "Không tìm thấy: xem /api/v1/openapi.json."}',
        status=404,
        content_type="application/json",
    )


# --- errors: JSON, in Vietnamese ---------------------------------------------------------


def _problem(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, "Thiếu khóa API, khóa không đúng, đã hết hạn hoặc đã bị thu hồi.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _problem(request, 404, str(exc) or "Không tìm thấy.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _problem(request, 403, str(exc) or "Khóa API này không có quyền làm việc này.")


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    issues = getattr(exc, "issues", None)
    if issues:
        errors = [
            {"row": n, "field": field, "value": value, "message": why}
            for n, field, value, why in issues
        ]
        return _problem(request, 400, "Không ghi dòng nào: có dòng không hợp lệ.", errors)
    return _problem(request, 400, " ".join(exc.messages))


_SCHEMA_MESSAGES = {
    "missing": "thiếu",
    "string_too_long": "dài quá",
    "string_type": "phải là chuỗi ký tự",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "date_from_datetime_parsing": "phải là ngày dạng yyyy-mm-dd",
    "date_parsing": "phải là ngày dạng yyyy-mm-dd",
    "date_type": "phải là ngày dạng yyyy-mm-dd",
    "list_type": "phải là danh sách",
    "too_long": "quá nhiều phần tử",
    "greater_than_equal": "nhỏ quá",
    "less_than_equal": "lớn quá",
    "json_invalid": "không phải JSON hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
}


@api.exception_handler(SchemaError)
def _bad_shape(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors = []
    for error in exc.errors[:50]:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] == ["body"] and len(loc) > 2:  # ("body", <parameter>, field...)
            loc = [loc[0], *loc[2:]]
        where = ".".join(loc)
        why = _SCHEMA_MESSAGES.get(str(error.get("type")), "không hợp lệ")
        errors.append({"field": where, "message": why})
    return _problem(request, 400, "Yêu cầu không đúng dạng.", errors)


# --- schemas ------------------------------------------------------------------------------


class Page(Schema):
    next_offset: int | None = Field(None, description="offset của trang sau; null: hết")


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None = Field(None, description="mã đơn vị cấp trên")
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitPage(Page):
    items: list[UnitOut]


class SessionOut(Schema):
    code: str
    title: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    place: str
    format: str
    host: str = Field(description="mã đơn vị tổ chức")
    campaign: int = Field(description="số của đợt học tập")
    main: str | None = Field(None, description="mã hội nghị chính (điểm cầu)")
    other_attendees: int
    public_reached: int


class SessionPage(Page):
    items: list[SessionOut]


class AttendanceOut(Schema):
    member: str = Field(description="mã đảng viên")
    full_name: str
    status: str = Field(description="co_mat, vang_co_ly_do hoặc vang_khong_ly_do")
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    source: str


class AttendancePage(Page):
    items: list[AttendanceOut]


class AttendanceRowIn(Schema):
    member: str = Field(max_length=64, description="mã đảng viên")
    status: str = Field(max_length=20, description="co_mat, vang_co_ly_do hoặc vang_khong_ly_do")


class AttendanceIn(Schema):
    rows: list[AttendanceRowIn] = Field(max_length=study_services.ROWS_LIMIT)


class Written(Schema):
    created: int
    updated: int
    unchanged: int


class Problem(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class Paging(Schema):
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(100, ge=1, le=PAGE_MOST)


def _page(rows: Any, paging: Paging) -> tuple[list[Any], int | None]:
    read = list(rows[paging.offset : paging.offset + paging.limit + 1])
    more = len(read) > paging.limit
    return read[: paging.limit], (paging.offset + paging.limit if more else None)


ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem}


# --- units -----------------------------------------------------------------------------


@api.get("/units", response={200: UnitPage, **ERRORS}, tags=["Đơn vị"])
def units(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The units of the key's subtree, the unit first, in tree order."""
    rows = (
        access.units_visible_to(request.user)
        .select_related("parent")
        .order_by("path", "pk")
        .only("code", "name", "kind", "valid_from", "valid_to", "parent__code")
    )
    read, more = _page(rows, paging)
    return {"items": [_unit(u) for u in read], "next_offset": more}


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent is not None else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


@api.get("/units/{code}", response={200: UnitOut, **ERRORS}, tags=["Đơn vị"])
def unit(request: HttpRequest, code: str) -> dict[str, Any]:
    return _unit(access.get_unit_for_user(request.user, code))


# --- campaigns -----------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    owner: str = Field(description="mã đơn vị chủ trì")
    documents: list[str] = Field(description="số, ký hiệu văn bản học tập")
    audiences: list[str] = Field(description="members (đảng viên), public (nhân dân)…")
    start: dt.date
    deadline: dt.date
    member_target: float = Field(description="chỉ tiêu tỷ lệ đảng viên tham gia (%)")
    public_target: float = Field(description="chỉ tiêu tỷ lệ nhân dân được tuyên truyền (%)")


class CampaignPage(Page):
    items: list[CampaignOut]


class CampaignFilter(Paging):
    active_on: dt.date | None = Field(None, description="đợt đang diễn ra vào ngày này")


@api.get("/campaigns", response={200: CampaignPage, **ERRORS}, tags=["Học tập"])
def campaigns(request: HttpRequest, filters: Query[CampaignFilter]) -> dict[str, Any]:
    """The study campaigns the key's account sees (its subtree's and those above it
    that its units study), newest first."""
    rows = study_access.campaigns_visible_to(request.user)
    if filters.active_on:
        rows = rows.filter(start__lte=filters.active_on, deadline__gte=filters.active_on)
    rows = rows.select_related("owner").prefetch_related("documents").order_by("-start", "-pk")
    read, more = _page(rows, filters)
    return {
        "items": [
            {
                "id": c.pk,
                "title": c.title,
                "owner": c.owner.code,
                "documents": [d.symbol for d in c.documents.all()],
                "audiences": c.audience_list,
                "start": c.start,
                "deadline": c.deadline,
                "member_target": float(c.member_target),
                "public_target": float(c.public_target),
            }
            for c in read
        ],
        "next_offset": more,
    }


# --- sessions and attendance -------------------------------------------------------------


class SessionFilter(Paging):
    date_from: dt.date | None = Field(None, description="từ ngày (yyyy-mm-dd)")
    date_to: dt.date | None = Field(None, description="đến ngày (yyyy-mm-dd)")
    unit: str | None = Field(None, max_length=64, description="mã đơn vị: hội nghị của cây dưới nó")


@api.get("/sessions", response={200: SessionPage, **ERRORS}, tags=["Học tập"])
def sessions(request: HttpRequest, filters: Query[SessionFilter]) -> dict[str, Any]:
    """Sessions hosted in the key's subtree, by date then code."""
    rows = study_access.sessions_in_scope(request.user)
    if filters.unit:
        root = access.get_unit_for_user(request.user, filters.unit)
        rows = rows.filter(host__path__startswith=root.path)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    rows = rows.select_related("host", "main").order_by("date", "code")
    read, more = _page(rows, filters)
    return {"items": [_session(s) for s in read], "next_offset": more}


def _session(session: Session) -> dict[str, Any]:
    return {
        "code": session.code,
        "title": session.title,
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "place": session.place,
        "format": session.format,
        "host": session.host.code,
        "campaign": session.campaign_id,
        "main": session.main.code if session.main is not None else None,
        "other_attendees": session.other_attendees,
        "public_reached": session.public_reached,
    }


@api.get("/sessions/{code}", response={200: SessionOut, **ERRORS}, tags=["Học tập"])
def session(request: HttpRequest, code: str) -> dict[str, Any]:
    return _session(study_access.get_session_for_user(request.user, code))


@api.get("/sessions/{code}/attendance", response={200: AttendancePage, **ERRORS}, tags=["Học tập"])
def attendance(request: HttpRequest, code: str, paging: Query[Paging]) -> dict[str, Any]:
    """The session's attendance rows, by member code (a session the key's unit hosts,
    or one below it: as the attendance grid, not a conference above it)."""
    found = study_access.get_session_attendance_for_user(request.user, code)
    rows = study_selectors.attendance_rows(found)
    read, more = _page(rows, paging)
    return {
        "items": [
            {
                "member": row.member.code,
                "full_name": row.member.full_name,
                "status": row.status,
                "checked_in_at": row.checked_in_at,
                "checked_out_at": row.checked_out_at,
                "source": row.source,
            }
            for row in read
        ],
        "next_offset": more,
    }


@api.put(
    "/sessions/{code}/attendance",
    response={200: Written, 400: Problem, **ERRORS},
    tags=["Học tập"],
)
def attendance_set(request: HttpRequest, code: str, body: AttendanceIn) -> dict[str, int]:
    """Set members' statuses at the session (a key that may write, of a writer of the
    host): all rows or none; a member left out keeps their row. Sending the same rows
    again changes nothing."""
    found = study_access.get_session_for_user(request.user, code)
    created, updated, unchanged = study_services.attendance_set_rows(
        actor=request.user,
        session=found,
        rows=[study_services.AttendanceRow(r.member.strip(), r.status.strip()) for r in body.rows],
    )
    return {"created": created, "updated": updated, "unchanged": unchanged}


# --- reports -------------------------------------------------------------------------------


class ReportIn(Schema):
    unit: str = Field(max_length=64, description="mã đơn vị")
    date_from: dt.date
    date_to: dt.date
    structure: Literal["today", "asof"] = Field(
        "today", description="today: cơ cấu hiện nay; asof: cơ cấu tại ngày cuối kỳ"
    )


class ReportOut(Schema):
    id: int
    unit: str
    date_from: dt.date
    date_to: dt.date
    structure: str
    status: str = Field(description="queued, running, done hoặc failed")
    progress: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    content: str | None = Field(None, description="địa chỉ tải báo cáo (JSON) khi đã xong")


def _report(request: HttpRequest, job: ReportRequest) -> dict[str, Any]:
    done = job.status == RequestStatus.DONE and bool(job.content)
    return {
        "id": job.pk,
        "unit": job.unit.code,
        "date_from": job.date_from,
        "date_to": job.date_to,
        "structure": job.structure,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "content": request.build_absolute_uri(f"/api/v1/reports/{job.pk}/content")
        if done
        else None,
    }


@api.post("/reports", response={202: ReportOut, 400: Problem, **ERRORS}, tags=["Báo cáo"])
def report_create(request: HttpRequest, body: ReportIn) -> Status[dict[str, Any]]:
    """Ask for the sơ kết / tổng kết figures of a unit over a period, as the report page
    does: produced in the background in JSON (every section's figures, sentences and
    tables); ask its state with ``GET /reports/{id}``."""
    unit = access.get_unit_for_user(request.user, body.unit)
    job = report_services.report_request_create(
        actor=request.user,
        unit=unit,
        date_from=body.date_from,
        date_to=body.date_to,
        structure=Structure(body.structure),
        format=ReportFormat.JSON,
    )
    report_generate.enqueue(request_id=job.pk)
    job.refresh_from_db()  # a worker that runs at once has finished it
    return Status(202, _report(request, job))


@api.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, tags=["Báo cáo"])
def report_state(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """A report asked for with this key's account: its progress, and once done where its
    JSON is."""
    return _report(request, reports_access.get_report_request_for_user(request.user, report_id))


@api.get("/reports/{report_id}/content", response={409: Problem, **ERRORS}, tags=["Báo cáo"])
def report_content(request: HttpRequest, report_id: int) -> Any:
    """The report's JSON, once done."""
    job = reports_access.get_report_request_for_user(request.user, report_id)
    if job.status != RequestStatus.DONE or not job.content or job.format != ReportFormat.JSON:
        return Status(409, {"detail": job.message or "Báo cáo chưa xong."})
    return HttpResponse(bytes(job.content), content_type="application/json")
