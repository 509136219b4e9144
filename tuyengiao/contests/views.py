"""Pages of question banks, contests and attempts. Thin: scoped objects from
``access``, one service or selector, render.

The answer endpoint (``answer``) is the hot path of a contest: one lookup of the
attempt with its participant and round, the ownership test, one upsert; it answers
JSON that the page's script (``static/js/contest.js``) treats as the acknowledgement.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.documents import access as document_access
from tuyengiao.lib.numbers import is_digits, parse_id
from tuyengiao.orgs import access as core
from tuyengiao.orgs.selectors import unit_search

from . import access, formats, paragraphs, selectors, services
from .forms import BankForm, ContestForm, PublicEntryForm, RoundForm, UploadForm
from .models import Attempt, Contest, Round

PAGE = 50
PUBLIC_UNITS_SHOWN = 50  # a public contest's units offered at once; more through the search
COOKIE_AGE = 60 * 60 * 24 * 120


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    contests = (
        access.contests_visible_to(request.user).select_related("unit").order_by("-created_at")
    )
    page = Paginator(contests, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "contests/home.html",
        {"page": page, "can_organise": scope.is_staff},
    )


@login_required
@require_GET
def banks(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    qs = access.banks_visible_to(request.user).select_related("unit").order_by("code")
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(request, "contests/banks.html", {"page": page, "can_organise": scope.is_staff})


@login_required
@require_http_methods(["GET", "POST"])
def bank_new(request: HttpRequest) -> HttpResponse:
    scope = access.require_organiser(request.user)
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                unit=scope.unit,
            )
        except ValidationError as exc:
            form.add_error(None, _messages(exc))
        else:
            return redirect("contests:bank", code=bank.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "contests/form.html",
        {"form": form, "heading": "Tạo ngân hàng câu hỏi"},
        status=status,
    )


@login_required
@require_GET
def bank_detail(request: HttpRequest, code: str) -> HttpResponse:
    bank = access.get_bank_for_user(request.user, code)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.bank_questions(bank, query), PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "contests/bank.html",
        {
            "bank": bank,
            "page": page,
            "q": query,
            "counts": selectors.bank_counts(bank),
            "can_manage": access.can_manage_unit(request.user, bank.unit),
            "upload": UploadForm(),
            "letters": formats.LETTERS,
        },
    )


@login_required
@require_POST
def bank_upload(request: HttpRequest, code: str) -> HttpResponse:
    bank = access.get_bank_for_user(request.user, code, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Hãy chọn một tệp câu hỏi.")
        return redirect("contests:bank", code=bank.code)
    if upload.size is not None and upload.size > services.MAX_FILE_BYTES:
        messages.error(request, "Tệp quá lớn (tối đa 5 MB).")
        return redirect("contests:bank", code=bank.code)
    try:
        job = services.question_import_request(
            actor=request.user, bank=bank, name=upload.name or "tep.txt", data=upload.read()
        )
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return redirect("contests:bank", code=bank.code)
    return redirect("contests:import_job", pk=job.pk)


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_for(request.user, pk)
    if job is None:
        raise Http404("Không tìm thấy lượt nhập.")
    template = "contests/import_job.html"
    if request.headers.get("HX-Request"):
        template += "#status"
    return render(request, template, {"job": job})


@login_required
@require_GET
def bank_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    bank = access.get_bank_for_user(request.user, code, write=True)
    questions = selectors.out_questions(bank)
    if fmt == "aiken":
        response = HttpResponse(
            formats.to_aiken(questions), content_type="text/plain; charset=utf-8"
        )
        name = f"{bank.code}-aiken.txt"
    elif fmt == "gift":
        response = HttpResponse(
            formats.to_gift(questions), content_type="text/plain; charset=utf-8"
        )
        name = f"{bank.code}.gift"
    elif fmt == "xlsx":
        response = HttpResponse(
            formats.to_xlsx(questions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{bank.code}.xlsx"
    else:
        raise Http404("Không có định dạng này.")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def bank_approve(request: HttpRequest, code: str) -> HttpResponse:
    bank = access.get_bank_for_user(request.user, code, write=True)
    # an id is a database integer: longer digit strings are no question of this bank
    ids = [i for i in map(parse_id, request.POST.getlist("q")) if i is not None] or None
    n = services.questions_set_status(actor=request.user, bank=bank, status="da_duyet", ids=ids)
    messages.success(request, f"Đã duyệt {n} câu hỏi.")
    return redirect("contests:bank", code=bank.code)


@login_required
@require_http_methods(["GET", "POST"])
def contest_new(request: HttpRequest) -> HttpResponse:
    scope = access.require_organiser(request.user)
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bank = access.get_bank_for_user(request.user, data["bank"].strip())
            codes = [c.strip() for c in data["units"].split(",") if c.strip()]
            units = [core.get_unit_for_user(request.user, c) for c in codes]
            member_codes = [c.strip() for c in data["members"].split(",") if c.strip()]
            members = [core.get_member_for_user(request.user, c) for c in member_codes]
            contest = services.contest_create(
                actor=request.user,
                code=data["code"],
                title=data["title"],
                unit=scope.unit,
                bank=bank,
                kind=data["kind"],
                audience=data["audience"],
                questions_per_attempt=data["questions_per_attempt"],
                ask_guess=data["ask_guess"],
                units=units,
                members=members,
            )
        except Http404:
            form.add_error(
                None,
                "Không tìm thấy ngân hàng câu hỏi, đơn vị hoặc đảng viên trong phạm vi của bạn.",
            )
        except ValidationError as exc:
            form.add_error(None, _messages(exc))
        else:
            return redirect("contests:contest", code=contest.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "contests/form.html", {"form": form, "heading": "Tạo cuộc thi"}, status=status
    )


@login_required
@require_GET
def contest_detail(request: HttpRequest, code: str) -> HttpResponse:
    contest = access.get_contest_for_user(request.user, code)
    now = timezone.now()
    return render(
        request,
        "contests/contest.html",
        {
            "contest": contest,
            "rounds": selectors.contest_rounds(contest),
            "now": now,
            "can_manage": access.can_manage_unit(request.user, contest.unit),
            "round_form": RoundForm(),
            "public_url": reverse("contests:public", args=[contest.code]),
        },
    )


@login_required
@require_POST
def round_new(request: HttpRequest, code: str) -> HttpResponse:
    contest = access.get_contest_for_user(request.user, code, write=True)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Giờ mở, giờ đóng (dd/mm/yyyy hh:mm), số lượt và thời gian là bắt buộc."
        )
        return redirect("contests:contest", code=contest.code)
    data = form.cleaned_data
    try:
        services.round_create(
            actor=request.user,
            contest=contest,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            attempts_allowed=data["attempts_allowed"],
            time_limit_seconds=data["time_limit_minutes"] * 60,
        )
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect("contests:contest", code=contest.code)


def _round(contest: Contest, number: int) -> Round:
    found = selectors.round_of(contest, number)
    if found is None:
        raise Http404("Không có vòng thi này.")
    return found


@login_required
@require_POST
def start(request: HttpRequest, code: str, number: int) -> HttpResponse:
    contest = access.get_contest_for_user(request.user, code)
    round_ = _round(contest, number)
    try:
        participant = services.participant_for_user(actor=request.user, contest=contest)
        attempt = services.attempt_start(actor=request.user, round_=round_, participant=participant)
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return redirect("contests:contest", code=contest.code)
    return redirect("contests:attempt", key=attempt.key)


def _attempt(request: HttpRequest, key: str) -> Attempt | HttpResponse:
    """The attempt of whoever asks; an anonymous visitor without the attempt's cookie
    is sent to sign in (the attempt may be a member's)."""
    try:
        return access.get_attempt_for_request(request, key)
    except Http404:
        if not request.user.is_authenticated and not access.may_use_public_cookie(request):
            return redirect_to_login(request.get_full_path())
        raise


@require_GET
def attempt_page(request: HttpRequest, key: str) -> HttpResponse:
    attempt = _attempt(request, key)
    if isinstance(attempt, HttpResponse):
        return attempt
    now = timezone.now()
    if attempt.submitted_at is None and now > attempt.deadline_at + services.grace():
        # time ran out on the server: handed in at the deadline with what reached us
        try:
            attempt = services.attempt_submit(actor=access.SYSTEM, attempt=attempt, now=now)
        except ValidationError as exc:  # the figures of that day are locked: kept open
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "contests/attempt.html",
        {
            "attempt": attempt,
            "contest": attempt.round.contest,
            "questions": selectors.attempt_questions(attempt),
            "remaining": max(0, int((attempt.deadline_at - now).total_seconds())),
            "finished": attempt.submitted_at is not None,
        },
    )


@require_POST
def answer(request: HttpRequest, key: str) -> HttpResponse:
    """Save one answer (``q``, ``c``, ``s``) or the guess (``g``); JSON acknowledgement.
    The contest's hot path: one prepared lookup of the attempt, one (grouped) upsert."""
    post = request.POST
    if "g" in post:
        return _guess(request, key)
    try:
        target = access.answer_target_for_request(request, key)
    except Http404:
        if not request.user.is_authenticated and not access.may_use_public_cookie(request):
            return redirect_to_login(request.get_full_path())
        raise
    try:
        question_id, choice, seq = int(post["q"]), int(post["c"]), int(post.get("s", "0"))
        services.answer_save(
            actor=request.user, attempt=target, question_id=question_id, choice=choice, seq=seq
        )
    except (KeyError, ValueError):
        return JsonResponse({"ok": False, "error": "Yêu cầu không hợp lệ."}, status=400)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": _messages(exc)}, status=409)
    body: dict[str, Any] = {"ok": True, "q": question_id, "s": seq}
    wrong = services.practice_feedback(target.practice, question_id, choice)
    if wrong is not None:
        body["wrong"] = True
        if wrong.document_id:
            url = reverse("contests:paragraph", args=[wrong.document_id])
            body["source"] = f"{url}?bai={target.key}#doan-{wrong.paragraph or 1}"
    return JsonResponse(body)


def _guess(request: HttpRequest, key: str) -> HttpResponse:
    attempt = _attempt(request, key)
    if isinstance(attempt, HttpResponse):
        return attempt
    try:
        services.guess_save(actor=request.user, attempt=attempt, guess=int(request.POST["g"]))
    except ValueError:
        return JsonResponse({"ok": False, "error": "Số dự đoán không hợp lệ."}, status=400)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": _messages(exc)}, status=409)
    return JsonResponse({"ok": True, "g": attempt.guess})


@require_POST
def submit(request: HttpRequest, key: str) -> HttpResponse:
    """Hand in; answers in the form (the page without script, or not yet acknowledged)
    are saved first."""
    attempt = _attempt(request, key)
    if isinstance(attempt, HttpResponse):
        return attempt
    now = timezone.now()
    for name in request.POST:
        value = request.POST.get(name, "")
        if name.startswith("q-") and is_digits(name[2:]) and is_digits(value):
            try:
                services.answer_save(
                    actor=request.user,
                    attempt=attempt,
                    question_id=int(name[2:]),
                    choice=int(value),
                    seq=2**61,
                    now=now,
                )
            except ValidationError:
                break  # handed in already or out of time: what reached us counts
    try:
        services.attempt_submit(actor=request.user, attempt=attempt, now=now)
    except ValidationError as exc:  # the figures of that day are locked: answers kept
        messages.error(request, " ".join(exc.messages))
    return redirect("contests:attempt", key=attempt.key)


@login_required
@require_GET
def ranking(request: HttpRequest, code: str, number: int) -> HttpResponse:
    contest = access.get_contest_for_user(request.user, code)
    round_ = _round(contest, number)
    services.round_close_expired(actor=access.SYSTEM, round_=round_)
    result = selectors.ranking(round_)
    page = Paginator(result.rows, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "contests/ranking.html",
        {"contest": contest, "round": round_, "result": result, "page": page},
    )


@login_required
@require_GET
def unit_results(request: HttpRequest, code: str) -> HttpResponse:
    contest = access.get_contest_for_user(request.user, code)
    page = Paginator(selectors.unit_results(contest), PAGE).get_page(request.GET.get("trang"))
    return render(request, "contests/units.html", {"contest": contest, "page": page})


def _public_participant(request: HttpRequest, contest: Contest) -> Any:
    return selectors.participant_by_token(contest, request.COOKIES.get(access.PUBLIC_COOKIE, ""))


@require_http_methods(["GET", "POST"])
def public_entry(request: HttpRequest, code: str) -> HttpResponse:
    """A public contest for visitors without an account: a name and a unit, then the
    open round. The participant's token is kept in a cookie (nothing else)."""
    contest = access.public_contest(code)
    units = services.public_units(contest)
    query = request.GET.get("tim", "").strip()[:100]
    offered = (
        unit_search(units, query, limit=PUBLIC_UNITS_SHOWN)
        if query
        else list(units.select_related("parent").order_by("sort_key", "code")[:PUBLIC_UNITS_SHOWN])
    )
    if request.method == "GET" and request.headers.get("HX-Target") == "unit-options":
        return render(
            request,
            "contests/public.html#unit-options",
            {"offered": offered, "chosen": request.GET.get("unit", "")},
        )
    form = PublicEntryForm(request.POST or None)
    participant = _public_participant(request, contest)
    round_ = selectors.open_round(contest, timezone.now())
    error = ""
    if request.method == "POST" and round_ is not None:
        try:
            if participant is None:
                if not form.is_valid():
                    raise ValidationError("Hãy ghi họ và tên, chọn đơn vị.")
                participant = services.participant_public(
                    actor=request.user,
                    contest=contest,
                    full_name=form.cleaned_data["full_name"],
                    unit_code=form.cleaned_data["unit"],
                )
            attempt = services.attempt_start(
                actor=request.user, round_=round_, participant=participant
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            response = redirect("contests:attempt", key=attempt.key)
            response.set_cookie(
                access.PUBLIC_COOKIE,
                participant.token,
                max_age=COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return render(
        request,
        "contests/public.html",
        {
            "contest": contest,
            "form": form,
            "participant": participant,
            "round": round_,
            "error": error,
            "offered": offered,
            "many": bool(query) or units.count() > PUBLIC_UNITS_SHOWN,
            "query": query,
            "chosen": form["unit"].value() or "",
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def paragraph(request: HttpRequest, pk: int) -> HttpResponse:
    """A document's text by numbered paragraphs (``#doan-N``), where a practice quiz
    sends a member after a wrong answer."""
    document = document_access.get_document_for_user(request.user, pk)
    back = request.GET.get("bai", "")
    return render(
        request,
        "contests/paragraphs.html",
        {
            "document": document,
            "paragraphs": list(enumerate(paragraphs.of_document(document)[:2000], start=1)),
            "back": back if back.isalnum() and len(back) <= 64 else "",
        },
    )
