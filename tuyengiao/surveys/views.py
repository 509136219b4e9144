"""Pages of the surveys app. Thin: scoped objects from ``access``, one service or
selector, render.

The respondent's page (``answer``) needs no account and sets no cookie: it is a
page of its own (no menu, no CSRF token: answering is open to anyone holding the
unit's link, so a forged request can do nothing a visitor cannot), and it stores
only what ``services.response_submit`` stores.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from tuyengiao.lib.cells import append
from tuyengiao.lib.http import wants_fragment
from tuyengiao.orgs import access as core
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.selectors import today, unit_and_below

from . import access, charts, selectors, services
from .forms import CodesForm, SurveyForm
from .models import Kind, Survey

PAGE = 50
CODES_PAGE = 200
TEXTS_PAGE = 50
COLUMNS = 20  # child units a results page shows side by side
PANEL = 10  # surveys on a unit's page


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.surveys_of(access.surveys_visible_to(request.user), query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "surveys/list.html",
        {"page": page, "q": query, "can_add": scope.is_staff},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    scope = access.require_survey_writer(request.user)
    form = SurveyForm(request.POST or None, request.FILES or None)
    selected = request.POST.get("unit", "") or scope.unit.code
    if request.method == "POST" and form.is_valid():
        unit = core.units_writable_by(request.user).filter(code=selected).first()
        if unit is None:
            form.add_error(None, "Hãy chọn đơn vị trong phạm vi của bạn.")
        else:
            data = form.cleaned_data
            upload = data["form_file"]
            try:
                parsed = services.read_form(upload.name or "bieu-mau.xlsx", upload.read())
                survey, outcome = services.survey_save(
                    actor=request.user,
                    form=parsed,
                    unit=unit,
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    threshold=data["threshold"],
                    single_use=data["single_use"],
                    source_name=upload.name or "",
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                said = {"created": "Đã tạo", "updated": "Đã cập nhật", "unchanged": "Không đổi"}
                messages.success(request, f"{said[outcome]} khảo sát {survey.title}.")
                return redirect("surveys:detail", code=survey.code)
    picker = org_views.unit_picker(
        request.user,
        name="unit",
        label="Đơn vị khảo sát (cả các đơn vị trực thuộc)",
        write=True,
        selected=[selected],
    )
    return render(
        request,
        "surveys/form.html",
        {"form": form, "unit_picker": picker},
        status=400 if request.method == "POST" else 200,
    )


def _link(request: HttpRequest, survey: Survey, unit: Any) -> str:
    return request.build_absolute_uri(
        reverse("surveys:answer", args=[services.link_token(survey, unit)])
    )


@login_required
@require_GET
def unit_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The unit page's section: the surveys this unit takes part in or runs below it."""
    unit = core.get_unit_for_user(request.user, code)
    if core.require_scope(request.user).role == "member":
        raise Http404("Không tìm thấy đơn vị.")
    qs = selectors.surveys_of_unit(access.surveys_visible_to(request.user), unit)
    surveys = list(qs[:PANEL])
    context = {"unit": unit, "surveys": surveys, "more": max(qs.count() - PANEL, 0)}
    if wants_fragment(request):
        return render(request, "surveys/unit_panel.html", context)
    return render(request, "surveys/unit_page.html", context)


@login_required
@require_GET
def survey_detail(request: HttpRequest, code: str) -> HttpResponse:
    survey = access.get_survey_for_user(request.user, code)
    spec = services.FormSpec.of(survey)
    total, used = selectors.code_counts(survey)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "who": unit_and_below(survey.unit),
            "questions": spec.questions,
            "choices": spec.choices,
            "can_manage": access.can_manage(request.user, survey.unit),
            "codes_total": total,
            "codes_used": used,
            "responses": survey.responses.count(),
            "can_collect": access.can_collect(
                request.user, survey, access.results_unit(request.user, survey, "")
            ),
            "own_unit": access.results_unit(request.user, survey, ""),
        },
    )


@login_required
@require_GET
def survey_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The link and QR of one unit (to print and post): for writers who see the unit."""
    survey = access.get_survey_for_user(request.user, code)
    unit = access.results_unit(request.user, survey, request.GET.get("don_vi", "").strip())
    access.check_collect(request.user, survey, unit)
    url = _link(request, survey, unit)
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#111", border=4, omitsize=True)
    picker = org_views.unit_picker(
        request.user, name="don_vi", label="Đơn vị", root=survey.unit, selected=[unit.code]
    )
    return render(
        request,
        "surveys/qr.html",
        {
            "survey": survey,
            "unit": unit,
            "url": url,
            "svg": mark_safe(svg),  # noqa: S308  segno's own SVG markup, no user input
            "unit_picker": picker,
        },
    )


def _results_context(
    request: HttpRequest, survey: Survey, *, columns: int | None = None
) -> dict[str, Any]:
    """The figures of a unit and of its children (``columns`` of them a page on the web;
    every one in the XLSX)."""
    unit = access.results_unit(request.user, survey, request.GET.get("don_vi", "").strip())
    res = selectors.results(survey)
    if not selectors.published(survey):
        return {"survey": survey, "unit": unit, "unpublished": True, "node": None}
    node = res.node_of(unit)
    children = res.children(node) if node else []
    pages = Paginator(children, columns or max(1, len(children)))
    page = pages.get_page(request.GET.get("trang"))
    shown_kids = list(page.object_list)
    questions = []
    for q in res.questions:
        rows = [
            (c, _cell(q, node, c.pk), [_cell(q, kid.key, c.pk) for kid in shown_kids])
            for c in (q.choices if q.question.is_select else [])
        ]
        chart = ""
        if node and q.shown(node) and q.question.is_select:
            n = q.respondents[node]
            chart = charts.choice_bars(
                [
                    (c.label, selectors.share(q.counts.get(node, {}).get(c.pk, 0), n))
                    for c in q.choices
                ]
            )
        questions.append(
            {
                "q": q.question,
                "total": _n(q, node),
                "kids": [_n(q, kid.key) for kid in shown_kids],
                "rows": rows,
                "mean": _mean(q, node),
                "kid_means": [_mean(q, kid.key) for kid in shown_kids],
                "chart": mark_safe(chart),  # noqa: S308  charts.py escapes every label
            }
        )
    return {
        "survey": survey,
        "unit": unit,
        "node": node,
        "children": shown_kids,
        "page": page,
        "responses": _resp(res, node),
        "kid_responses": [_resp(res, kid.key) for kid in shown_kids],
        "questions": questions,
        "k": survey.threshold,
        "can_read_text": access.can_read_text(request.user, survey),
        "res": res,
    }


def _resp(res: selectors.Results, node: str | None) -> int | None:
    if node is None or node in res.responses_hidden:
        return None
    return res.responses.get(node)


def _n(q: selectors.QuestionResult, node: str | None) -> int | None:
    return q.respondents.get(node) if node and q.shown(node) else None


def _cell(q: selectors.QuestionResult, node: str | None, choice: int) -> tuple[int, Any] | None:
    if not node or not q.shown(node):
        return None
    count = q.counts.get(node, {}).get(choice, 0)
    return count, selectors.share(count, q.respondents[node])


def _mean(q: selectors.QuestionResult, node: str | None) -> Any:
    if q.question.kind != Kind.INTEGER or not node or not q.shown(node):
        return None
    from decimal import Decimal

    return (Decimal(q.sums.get(node, 0)) / Decimal(q.respondents[node])).quantize(Decimal("0.01"))


@login_required
@require_GET
def survey_results(request: HttpRequest, code: str) -> HttpResponse:
    survey = access.get_survey_for_user(request.user, code)
    context = _results_context(request, survey, columns=COLUMNS) | {"unpublished_text": UNPUBLISHED}
    return render(request, "surveys/results.html", context)


HIDDEN = "ẩn"
UNPUBLISHED = (
    "Kết quả được công bố khi cuộc khảo sát kết thúc (hết thời gian hoặc được đóng): xem "
    "kết quả lúc đang thu phiếu, trước và sau một phiếu, sẽ lộ câu trả lời của phiếu đó."
)


@login_required
@require_GET
def survey_results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The aggregates only, as on the page: per question and choice, the unit and its
    children; hidden figures are written ``ẩn``. No response, no free text."""
    survey = access.get_survey_for_user(request.user, code)
    ctx = _results_context(request, survey)
    if ctx.get("unpublished"):
        raise PermissionDenied(UNPUBLISHED)
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    append(ws, [f"{survey.title} ({survey.code})", f"Đơn vị: {ctx['unit'].name}"])
    append(
        ws,
        [
            f"Ngưỡng k = {survey.threshold}: '{HIDDEN}' là số liệu không công bố (ít hơn k người "
            "trả lời, hoặc có thể suy ra số liệu của nhóm nhỏ từ các số khác)."
        ],
    )
    kids = ctx["children"]
    append(ws, ["Câu hỏi", "Phương án", "Chỉ số", ctx["unit"].name, *[k.name for k in kids]])
    append(
        ws,
        ["", "", "Số phiếu", _x(ctx["responses"]), *[_x(v) for v in ctx["kid_responses"]]],
    )
    for item in ctx["questions"]:
        q = item["q"]
        append(
            ws, [q.label, "", "Số người trả lời", _x(item["total"]), *[_x(v) for v in item["kids"]]]
        )
        if q.kind == Kind.INTEGER:
            append(
                ws,
                [q.label, "", "Trung bình", _x(item["mean"]), *[_x(v) for v in item["kid_means"]]],
            )
        for choice, total, cells in item["rows"]:
            append(
                ws,
                [
                    q.label,
                    choice.label,
                    "Số người",
                    _x(total and total[0]),
                    *[_x(c and c[0]) for c in cells],
                ],
            )
            append(
                ws,
                [
                    q.label,
                    choice.label,
                    "Tỷ lệ %",
                    _x(total and total[1]),
                    *[_x(c and c[1]) for c in cells],
                ],
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{survey.code}.xlsx"'
    return response


def _x(value: Any) -> Any:
    if value is None:
        return HIDDEN
    return float(value) if not isinstance(value, int) else value


@login_required
@require_GET
def survey_texts(request: HttpRequest, code: str, question: str) -> HttpResponse:
    """Free-text answers of one question, for the survey's owner only (403 below):
    the texts alone, in the order of the text, no unit or date beside them."""
    survey = access.get_survey_for_user(request.user, code)
    if not access.can_read_text(request.user, survey):
        raise PermissionDenied("Chỉ đơn vị chủ trì khảo sát được đọc các ý kiến tự do.")
    if not selectors.published(survey):
        raise PermissionDenied(UNPUBLISHED)
    q = next((q for q in services.FormSpec.of(survey).questions if q.name == question), None)
    if q is None or q.kind != Kind.TEXT:
        raise Http404("Không có câu hỏi này.")
    page = Paginator(selectors.text_answers(q, survey.unit), TEXTS_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(request, "surveys/texts.html", {"survey": survey, "q": q, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def survey_codes(request: HttpRequest, code: str) -> HttpResponse:
    survey = access.get_survey_for_user(request.user, code, write=True)
    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.codes_generate(
                actor=request.user, survey=survey, count=form.cleaned_data["count"]
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"Đã tạo {len(made)} mã phiếu.")
            return redirect("surveys:codes", code=survey.code)
    page = Paginator(selectors.unused_codes(survey), CODES_PAGE).get_page(request.GET.get("trang"))
    total, used = selectors.code_counts(survey)
    return render(
        request,
        "surveys/codes.html",
        {"survey": survey, "form": form, "page": page, "total": total, "used": used},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def survey_open(request: HttpRequest, code: str) -> HttpResponse:
    survey = access.get_survey_for_user(request.user, code, write=True)
    services.survey_set_open(
        actor=request.user, survey=survey, is_open=request.POST.get("mo") == "1"
    )
    return redirect("surveys:detail", code=survey.code)


# --- the respondent's page ---------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_link(token)
    target = selectors.link_target(found) if found else None
    if target is None:
        raise Http404("Đường dẫn khảo sát không đúng.")
    survey, unit = target
    spec = services.FormSpec.of(survey)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    done = False
    if request.method == "POST":
        values = {
            q.name: (
                request.POST.getlist(q.name)
                if q.kind == Kind.SELECT_MULTIPLE
                else request.POST.get(q.name, "")
            )
            for q in spec.answerable
        }
        try:
            services.response_submit(
                actor=request.user,
                spec=spec,
                unit=unit,
                raw=values,
                day=today(),
                code=request.POST.get("ma_phieu", ""),
            )
            done = True
        except ValidationError as exc:
            errors = (
                {k: " ".join(v) for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {"__all__": " ".join(exc.messages)}
            )
    closed = not survey.is_open or not (survey.date_from <= today() <= survey.date_to)
    response = render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "unit": unit,
            "questions": spec.questions,
            "choices": spec.choices,
            "errors": errors,
            "general_error": errors.pop("__all__", ""),
            "code_error": errors.pop("__code__", ""),
            "failed": bool(errors),
            "values": values,
            "done": done,
            "closed": closed,
        },
        status=400 if (errors or not done) and request.method == "POST" else 200,
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
