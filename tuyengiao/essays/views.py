"""Pages of essays. Thin: scoped objects from ``access``, one service or selector,
render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.dates import format_date, parse_date
from tuyengiao.lib.numbers import is_digits, parse_id
from tuyengiao.orgs import access as core
from tuyengiao.orgs.selectors import unit_by_code

from . import access, selectors, services
from .forms import RequirementForm
from .models import Essay, EssayRequirement, Grade, Mode, State

PAGE = 50
MAX_UPLOAD = services.MAX_UPLOAD_BYTES


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Campaigns with an essay that the user sees; a member's own essays' states."""
    core.require_scope(request.user)
    qs = selectors.requirement_list(access.requirements_visible_to(request.user))
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    member = access.author_of(request.user)
    mine: dict[int, Essay] = {}
    if member is not None:
        for req in page.object_list:
            essay = selectors.own_essay(req, member.pk)
            if essay is not None:
                mine[req.pk] = essay
    rows = [(req, mine.get(req.pk)) for req in page.object_list]
    return render(request, "essays/index.html", {"page": page, "rows": rows})


def _requirement(request: HttpRequest, pk: int) -> EssayRequirement:
    core.require_scope(request.user)
    return access.get_requirement(request.user, pk)


@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The essay of a campaign: the member's own, and for writers the marking list
    of their scope with their progress."""
    core.require_scope(request.user)
    camp = access.get_campaign(request.user, pk)
    req = getattr(camp, "essay_requirement", None)
    if req is None:
        return render(
            request,
            "essays/campaign.html",
            {"campaign": camp, "req": None, "can_manage": access.can_manage(request.user, camp)},
        )
    member = access.author_of(request.user)
    own = selectors.own_essay(req, member.pk) if member else None
    state = request.GET.get("trang_thai", "")
    if state not in State.values:
        state = ""
    scoped = access.essays_in_scope(request.user, req)
    mine = access.markable(request.user, req)
    page = Paginator(selectors.marking_list(scoped, state), PAGE).get_page(request.GET.get("trang"))
    context = {
        "campaign": camp,
        "req": req,
        "own": own,
        "can_write_essay": member is not None,
        "can_manage": access.can_manage(request.user, camp),
        "is_marker": core.scope_of(request.user) is not None
        and core.require_scope(request.user).can_write,
        "page": page,
        "state": state,
        "states": State.choices,
        "grades": Grade.choices,
        "progress": selectors.progress(scoped),
        "my_progress": selectors.progress(mine),
        "markers": access.markers_of(req, request.user),
        "run": selectors.latest_run(req),
        "rubric_text": services.rubric_as_text(req.rubric),
    }
    return render(request, "essays/campaign.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    core.require_scope(request.user)
    camp = access.get_campaign(request.user, pk)
    access.check_manage(request.user, camp)
    req: EssayRequirement | None = getattr(camp, "essay_requirement", None)
    documents = [(d.pk, f"{d.symbol} — {d.title[:80]}") for d in camp.documents.all()]
    if request.method == "POST":
        form = RequirementForm(request.POST, documents=documents)
        if form.is_valid():
            data = form.cleaned_data
            deadline = timezone.make_aware(
                dt.datetime.combine(data["deadline_day"], data["deadline_time"] or dt.time(23, 59))
            )
            doc = next(d for d in camp.documents.all() if d.pk == data["document"])
            try:
                rubric = (
                    services.rubric_from_text(data["rubric"]) if data["mode"] == Mode.RUBRIC else []
                )
                services.requirement_save(
                    actor=request.user,
                    campaign=camp,
                    document=doc,
                    deadline=deadline,
                    mode=data["mode"],
                    rubric=rubric,
                    blind=data["blind"],
                    instructions=data["instructions"],
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, "Đã lưu yêu cầu bài thu hoạch.")
                return redirect("essays:campaign", pk=camp.pk)
    else:
        initial: dict[str, Any] = {"mode": Mode.SIMPLE, "deadline_time": "23:59"}
        if req is not None:
            local = timezone.localtime(req.deadline)
            initial = {
                "document": req.document_id,
                "deadline_day": format_date(local.date()),
                "deadline_time": local.strftime("%H:%M"),
                "mode": req.mode,
                "rubric": services.rubric_as_text(req.rubric),
                "blind": req.blind,
                "instructions": req.instructions,
            }
        else:
            initial["deadline_day"] = format_date(camp.deadline)
        form = RequirementForm(initial=initial, documents=documents)
    status = 400 if request.method == "POST" else 200
    return render(request, "essays/setup.html", {"campaign": camp, "form": form}, status=status)


def _author_requirement(request: HttpRequest, pk: int) -> EssayRequirement:
    req = _requirement(request, pk)
    if access.author_of(request.user) is None:
        raise PermissionDenied("Tài khoản của bạn chưa gắn với một đảng viên.")
    return req


@login_required
@require_GET
def write(request: HttpRequest, pk: int) -> HttpResponse:
    req = _author_requirement(request, pk)
    member = access.author_of(request.user)
    if member is None:
        raise PermissionDenied("Tài khoản của bạn chưa gắn với một đảng viên.")
    essay = selectors.own_essay(req, member.pk)
    if essay is not None and essay.handed_in:
        return redirect("essays:essay", pk=essay.pk)
    return render(
        request,
        "essays/write.html",
        {
            "req": req,
            "essay": essay,
            "late_now": timezone.now() > req.deadline,
            "max_upload": MAX_UPLOAD,
        },
    )


@login_required
@require_POST
def save(request: HttpRequest, pk: int) -> HttpResponse:
    """The autosave: the draft's full text and the member's edit counter."""
    req = _author_requirement(request, pk)
    try:
        seq = int(request.POST.get("seq", ""))
    except ValueError:
        return JsonResponse({"ok": False, "error": "Thiếu số thứ tự bản lưu."}, status=400)
    try:
        saved = services.draft_save(
            actor=request.user, requirement=req, text=request.POST.get("text", ""), seq=seq
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400)
    essay = saved.essay
    return JsonResponse(
        {
            "ok": True,
            "seq": essay.version,
            "accepted": saved.accepted,
            "saved_at": timezone.localtime(essay.saved_at).strftime("%H:%M:%S")
            if essay.saved_at
            else "",
        }
    )


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    req = _author_requirement(request, pk)
    file = request.FILES.get("tep")
    if file is None:
        messages.error(request, "Chưa chọn tệp.")
    elif file.size and file.size > MAX_UPLOAD:
        messages.error(request, f"Tệp '{file.name}' lớn hơn 5 MB.")
    else:
        try:
            services.essay_upload(
                actor=request.user, requirement=req, name=file.name or "", data=file.read()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã đọc nội dung tệp vào bài; hãy xem lại rồi nộp.")
    return redirect("essays:write", pk=req.campaign_id)


@login_required
@require_POST
def hand_in(request: HttpRequest, pk: int) -> HttpResponse:
    req = _author_requirement(request, pk)
    try:
        essay = services.essay_hand_in(actor=request.user, requirement=req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("essays:write", pk=req.campaign_id)
    messages.success(request, "Đã nộp bài thu hoạch" + (" (nộp muộn)." if essay.late else "."))
    return redirect("essays:essay", pk=essay.pk)


@login_required
@require_GET
def essay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    essay = access.get_essay(request.user, pk)
    req = essay.requirement
    author = access.is_author(request.user, essay)
    rubric_rows = []
    if req is not None and req.mode == Mode.RUBRIC:
        for i, c in enumerate(req.rubric):
            rubric_rows.append((str(i), c, essay.scores.get(str(i))))
    context = {
        "essay": essay,
        "req": req,
        "author": author,
        "show_name": author or access.shows_author(essay),
        "grade_visible": access.grade_visible(request.user, essay),
        "can_mark": not author
        and access.can_mark(request.user, essay)
        and essay.handed_in
        and essay.state != State.RELEASED,
        "grades": Grade.choices,
        "rubric_rows": rubric_rows,
        "pairs": [] if author or req is None else _pairs_of(request, req, essay),
    }
    return render(request, "essays/essay.html", context)


def _pairs_of(request: HttpRequest, req: EssayRequirement, essay: Essay) -> list[Any]:
    scoped = access.essays_in_scope(request.user, req)
    return [p for p in selectors.pairs_in(req, scoped) if essay.pk in (p.a_id, p.b_id)][:20]


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    essay = access.get_essay(request.user, pk)
    if access.is_author(request.user, essay):
        raise PermissionDenied("Không tự chấm bài của mình.")
    scores = {
        k.removeprefix("tieu_chi_"): int(v)
        for k in request.POST
        if k.startswith("tieu_chi_") and is_digits(v := request.POST.get(k, "").strip())
    }
    try:
        services.essay_mark(
            actor=request.user,
            essay=essay,
            grade=request.POST.get("xep_loai", ""),
            scores=scores,
            comment=request.POST.get("nhan_xet", ""),
            ready=request.POST.get("xong") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã lưu kết quả chấm.")
    return redirect("essays:essay", pk=essay.pk)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release the grades ready for release in the user's scope."""
    req = _requirement(request, pk)
    scope = core.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ bí thư chi bộ và cán bộ được công bố kết quả.")
    ready = access.essays_in_scope(request.user, req).filter(state=State.READY)
    try:
        count = services.essays_release(actor=request.user, essays=ready.select_related("unit"))
    except ValidationError as exc:  # grades of a locked period
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã công bố kết quả của {count} bài.")
    return redirect("essays:campaign", pk=req.campaign_id)


@login_required
@require_POST
def markers(request: HttpRequest, pk: int) -> HttpResponse:
    req = _requirement(request, pk)
    scope = core.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ bí thư chi bộ và cán bộ được phân công người chấm.")
    try:
        if request.POST.get("bo"):
            marker_id = parse_id(request.POST.get("bo"))
            marker = (
                access.markers_of(req, request.user).filter(pk=marker_id).first()
                if marker_id is not None
                else None
            )
            if marker is not None:
                services.marker_remove(actor=request.user, marker=marker)
        else:
            unit = unit_by_code(request.POST.get("don_vi", "").strip())
            if unit is None or not core.can_see_unit(request.user, unit):
                raise ValidationError("Không tìm thấy đơn vị trong phạm vi của bạn.")
            services.marker_add(
                actor=request.user,
                requirement=req,
                unit=unit,
                username=str(request.POST.get("tai_khoan", "")).strip(),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("essays:campaign", pk=req.campaign_id)


@login_required
@require_POST
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an essay handed in on paper and graded outside (the web's door to what
    the ``Bài thu hoạch`` sheet does)."""
    req = _requirement(request, pk)
    scope = core.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ bí thư chi bộ và cán bộ được ghi bài nộp giấy.")
    code = str(request.POST.get("ma_dang_vien", "")).strip()
    member = core.members_visible_to(request.user).filter(code=code).first() if code else None
    grade = str(request.POST.get("xep_loai", ""))
    try:
        if member is None:
            raise ValidationError("Không tìm thấy đảng viên trong phạm vi của bạn.")
        day = parse_date(str(request.POST.get("ngay_nop", "")))
        services.paper_essay_save(
            actor=request.user,
            member=member,
            document=req.document,
            submitted_on=day,
            grade=grade if grade in Grade.values else "",
        )
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, f"Đã ghi bài nộp giấy của {member.full_name}.")
    return redirect("essays:campaign", pk=req.campaign_id)


@login_required
@require_http_methods(["GET", "POST"])
def similar(request: HttpRequest, pk: int) -> HttpResponse:
    """The copy check: pairs in the user's scope by score, clusters per unit; POST
    runs it again (in the background)."""
    req = _requirement(request, pk)
    scope = core.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ người chấm được xem kết quả kiểm tra trùng lặp.")
    if request.method == "POST":
        services.similarity_request(actor=request.user, requirement=req)
        messages.success(request, "Đã đưa việc kiểm tra trùng lặp vào hàng chờ.")
        return redirect("essays:similar", pk=req.campaign_id)
    pairs = selectors.pairs_in(req, access.essays_in_scope(request.user, req))
    page = Paginator(pairs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "essays/similar.html",
        {
            "req": req,
            "page": page,
            "clusters": selectors.clusters_by_unit(pairs.filter(flagged=True)[:2000]),
            "run": selectors.latest_run(req),
        },
    )


@login_required
@require_GET
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Two essays side by side with the matching passages marked."""
    scope = core.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ người chấm được xem kết quả kiểm tra trùng lặp.")
    found = selectors.pair_of(access.requirements_visible_to(request.user).values("pk"), pk)
    if found is None or not (scope.covers(found.a.unit) and scope.covers(found.b.unit)):
        raise Http404("Không tìm thấy cặp bài.")
    sides = []
    for key, essay in (("a", found.a), ("b", found.b)):
        ranges = [tuple(p[key]) for p in found.passages]
        sides.append(
            (
                essay,
                access.shows_author(essay),
                selectors.highlight(essay.text, ranges),
            )
        )
    return render(request, "essays/pair.html", {"pair": found, "sides": sides})
