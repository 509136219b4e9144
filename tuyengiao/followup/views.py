"""Pages of programmes, tasks and inspections. Thin: scoped objects from ``access``,
one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.documents import access as documents_access
from tuyengiao.documents import views as document_views
from tuyengiao.lib.http import wants_fragment
from tuyengiao.lib.numbers import parse_id
from tuyengiao.orgs import access as core
from tuyengiao.orgs import views as org_views
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import has_units_below, today, unit_and_below

from . import access, selectors, services
from .forms import InspectionForm, ProgrammeForm, ReportForm, TargetForm, TaskForm
from .models import Inspection, Kind, Programme, Task
from .status import State

PAGE = 50
MAX_FILES = services.EVIDENCE_MAX_FILES


def _hx(request: HttpRequest) -> bool:
    return wants_fragment(request)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- programmes ---------------------------------------------------------------------------


@login_required
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.programme_list(access.programmes_visible_to(request.user), query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "followup/programmes.html",
        {"page": page, "q": query, "can_add": scope.is_staff},
    )


def _document_choice(request: HttpRequest, name: str) -> Any:
    pk = next((i for i in map(parse_id, request.POST.getlist(name)) if i is not None), None)
    if pk is None:
        return None
    return documents_access.get_document_for_user(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    access.require_planner(request.user)
    form = ProgrammeForm(request.POST or None)
    form.fields["unit"].queryset = core.units_writable_by(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        document = _document_choice(request, "van_ban")
        implements = _document_choice(request, "thuc_hien")
        if document is None:
            form.add_error(None, "Hãy chọn văn bản chương trình, kế hoạch đã đăng ký.")
        elif implements is None:
            form.add_error(None, "Hãy chọn văn bản mà chương trình, kế hoạch này thực hiện.")
        else:
            try:
                programme = services.programme_create(
                    actor=request.user,
                    document=document,
                    unit=form.cleaned_data["unit"],
                    implements=implements,
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, f"Đã ghi chương trình, kế hoạch {document.symbol}.")
                return redirect("followup:programme", pk=programme.pk)
    selected_unit = request.POST.get("unit", "") or core.require_scope(request.user).unit.code
    context = {
        "form": form,
        "unit_picker": org_views.unit_picker(
            request.user,
            name="unit",
            label="Đơn vị ban hành",
            write=True,
            selected=[selected_unit],
        ),
        "document_picker": document_views.document_picker_for(
            request.user,
            name="van_ban",
            label="Văn bản chương trình, kế hoạch",
            selected=request.POST.getlist("van_ban"),
        ),
        "implements_picker": document_views.document_picker_for(
            request.user,
            name="thuc_hien",
            label="Thực hiện văn bản",
            selected=request.POST.getlist("thuc_hien"),
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/programme_form.html", context, status=status)


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.get_programme_for_user(request.user, pk)
    state = request.GET.get("tinh_trang", "")
    state = state if state in State.values else ""
    visible = access.tasks_visible_to(request.user)
    tasks = selectors.programme_tasks(visible, programme, state)
    page = Paginator(tasks, PAGE).get_page(request.GET.get("trang"))
    day = today()
    return render(
        request,
        "followup/programme.html",
        {
            "programme": programme,
            "implements": selectors.implements_of(programme.document),
            "page": page,
            "rows": selectors.task_rows(page.object_list, day),
            "counts": selectors.task_counts(visible.filter(programme=programme), day),
            "states": State.choices,
            "state": state,
            "can_plan": access.can_plan(request.user, programme.unit),
        },
    )


# --- tasks --------------------------------------------------------------------------------


def _task_form_page(
    request: HttpRequest,
    form: TaskForm,
    owner: Unit,
    *,
    title: str,
    back: str,
    task: Task | None = None,
) -> HttpResponse:
    if request.method == "POST":
        unit = [request.POST.get("unit", "")]
        partners = request.POST.getlist("partners")
    else:
        unit = [task.unit.code] if task else []
        partners = [u.code for u in selectors.task_partners(task)] if task else []
    context = {
        "form": form,
        "title": title,
        "back": back,
        "task": task,
        "unit_picker": org_views.unit_picker(
            request.user,
            name="unit",
            label="Đơn vị chủ trì",
            root=owner,
            write=True,
            selected=unit,
        ),
        "partners_picker": org_views.unit_picker(
            request.user,
            name="partners",
            label="Đơn vị phối hợp",
            root=owner,
            write=True,
            selected=partners,
            multiple=True,
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/task_form.html", context, status=status)


def _task_form(request: HttpRequest, initial: dict[str, Any] | None = None) -> TaskForm:
    form = TaskForm(request.POST or None, initial=initial)
    units = core.units_writable_by(request.user)
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    form.fields["partners"].queryset = units  # type: ignore[attr-defined]
    return form


def _task_save(
    request: HttpRequest,
    form: TaskForm,
    *,
    programme: Programme | None = None,
    inspection: Inspection | None = None,
    code: str | None = None,
) -> Task | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        task, _ = services.task_save(
            actor=request.user,
            programme=programme,
            inspection=inspection,
            data=services.TaskData(
                code=code or data["code"],
                content=data["content"],
                unit=data["unit"],
                partners=list(data["partners"]),
                assigned_on=data["assigned_on"],
                deadline=data["deadline"],
                done_on=data["done_on"],
            ),
        )
    except ValidationError as exc:
        form.add_error(None, _errors(exc))
        return None
    return task


def _new_task(
    request: HttpRequest, *, programme: Programme | None, inspection: Inspection | None
) -> HttpResponse:
    form = _task_form(request)
    if request.method == "POST":
        if selectors.task_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã nhiệm vụ này đã có.")
        task = _task_save(request, form, programme=programme, inspection=inspection)
        if task is not None:
            messages.success(request, f"Đã giao nhiệm vụ {task.code}.")
            return redirect("followup:task", code=task.code)
    if programme is not None:
        owner, title = programme.unit, f"Nhiệm vụ mới của {programme.document.symbol}"
        back = reverse("followup:programme", args=[programme.pk])
    elif inspection is not None:
        owner, title = inspection.unit, f"Thực hiện kiến nghị sau cuộc {inspection.code}"
        back = reverse("followup:inspection", args=[inspection.code])
    else:
        raise Http404("Không tìm thấy.")
    return _task_form_page(request, form, owner, title=title, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.get_programme_for_user(request.user, pk, write=True)
    return _new_task(request, programme=programme, inspection=None)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, code: str) -> HttpResponse:
    task = access.get_task_for_planner(request.user, code)
    form = _task_form(
        request,
        {
            "code": task.code,
            "content": task.content,
            "unit": task.unit.code,
            "assigned_on": task.assigned_on,
            "deadline": task.deadline,
            "done_on": task.done_on,
        },
    )
    form.fields["code"].disabled = True
    if request.method == "POST":
        saved = _task_save(
            request, form, programme=task.programme, inspection=task.inspection, code=task.code
        )
        if saved is not None:
            messages.success(request, f"Đã lưu nhiệm vụ {saved.code}.")
            return redirect("followup:task", code=saved.code)
    return _task_form_page(
        request,
        form,
        access.task_owner(task),
        title=f"Sửa nhiệm vụ {task.code}",
        back=reverse("followup:task", args=[task.code]),
        task=task,
    )


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    """Tasks whose responsible unit is in a unit's subtree (default the user's unit),
    by state today, searched, paged."""
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    unit = core.get_unit_for_user(request.user, code) if code else scope.unit
    state = request.GET.get("tinh_trang", "")
    state = state if state in State.values else ""
    query = request.GET.get("q", "").strip()[:100]
    day = today()
    qs = selectors.tasks_under(
        access.tasks_visible_to(request.user), unit, state=state, day=day, search=query
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "who": unit_and_below(unit),
        "state": state,
        "states": State.choices,
        "q": query,
        "page": page,
        "rows": selectors.task_rows(page.object_list, day),
    }
    template = "followup/tasks.html"
    if _hx(request):
        template += "#rows"
    return render(request, template, context)


def _task_page(
    request: HttpRequest, task: Task, form: ReportForm, status: int = 200
) -> HttpResponse:
    day = today()
    return render(
        request,
        "followup/task.html",
        {
            "task": task,
            "row": selectors.task_rows([task], day)[0],
            "partners": selectors.task_partners(task),
            "reports": selectors.task_reports(task),
            "form": form,
            "max_files": MAX_FILES,
            "can_report": access.can_report(request.user, task),
            "can_close": access.can_close(request.user, task),
            "can_plan": access.can_plan(request.user, access.task_owner(task)),
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, code: str) -> HttpResponse:
    task = access.get_task_for_user(request.user, code)
    return _task_page(request, task, ReportForm())


@login_required
@require_POST
def task_report(request: HttpRequest, code: str) -> HttpResponse:
    task = access.get_task_for_user(request.user, code, report=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        uploads = request.FILES.getlist("tep")
        try:
            if len(uploads) > MAX_FILES:
                raise ValidationError(f"Mỗi lần báo cáo chỉ đính kèm tối đa {MAX_FILES} tệp.")
            for u in uploads:  # refused before its bytes are read into memory
                if (u.size or 0) > services.EVIDENCE_MAX_BYTES:
                    raise ValidationError(f"Tệp '{u.name}' lớn hơn 20 MB.")
            services.task_report(
                actor=request.user,
                task=task,
                note=form.cleaned_data["note"],
                day=form.cleaned_data["day"],
                done=form.cleaned_data["done"],
                files=[(u.name or "tep", u.read()) for u in uploads],
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Đã ghi báo cáo tiến độ nhiệm vụ {task.code}.")
            return redirect("followup:task", code=task.code)
    return _task_page(request, task, form, status=400)


@login_required
@require_GET
def evidence(request: HttpRequest, code: str, pk: int) -> FileResponse:
    task = access.get_task_for_user(request.user, code)
    found = selectors.evidence_of(task, pk)
    if found is None:
        raise Http404("Không tìm thấy tệp minh chứng.")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp minh chứng không còn trên máy chủ.") from exc
    return FileResponse(
        handle, filename=found.name, content_type=found.content_type or None, as_attachment=True
    )


@login_required
@require_GET
def unit_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The unit page's part: the unit's open tasks and what is overdue below it."""
    unit = core.get_unit_for_user(request.user, code)
    panel = selectors.unit_panel(access.tasks_visible_to(request.user), unit, today())
    context = {"p": panel, "unit": unit, "below": has_units_below(unit)}
    if not _hx(request):
        return render(
            request,
            "followup/page.html",
            {
                **context,
                "inner": "followup/unit_panel.html",
                "page_title": unit.name,
                "back_url": reverse("orgs:unit", args=[unit.code]),
                "back_label": "Về trang đơn vị",
            },
        )
    return render(request, "followup/unit_panel.html", context)


# --- inspections --------------------------------------------------------------------------


@login_required
@require_GET
def inspections(request: HttpRequest) -> HttpResponse:
    scope = core.require_scope(request.user)
    code = request.GET.get("don_vi", "").strip()
    unit = core.get_unit_for_user(request.user, code) if code else None
    kind = request.GET.get("loai", "")
    kind = kind if kind in Kind.values else ""
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.inspection_list(access.inspections_visible_to(request.user), unit, kind, query)
    page = Paginator(qs, PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "followup/inspections.html",
        {
            "page": page,
            "unit": unit,
            "who": unit_and_below(unit) if unit is not None else "",
            "kind": kind,
            "kinds": Kind.choices,
            "q": query,
            "can_add": scope.is_staff,
        },
    )


def _inspection_form_page(
    request: HttpRequest, form: InspectionForm, inspection: Inspection | None
) -> HttpResponse:
    selected = request.POST.get("unit", "") if request.method == "POST" else ""
    if not selected:
        selected = (
            inspection.unit.code if inspection else core.require_scope(request.user).unit.code
        )
    picker = org_views.unit_picker(
        request.user, name="unit", label="Đơn vị thực hiện", write=True, selected=[selected]
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "followup/inspection_form.html",
        {"form": form, "inspection": inspection, "unit_picker": picker},
        status=status,
    )


def _inspection_save(
    request: HttpRequest, form: InspectionForm, code: str | None
) -> Inspection | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        inspection, _ = services.inspection_save(
            actor=request.user,
            data=services.InspectionData(
                code=code or data["code"],
                kind=data["kind"],
                unit=data["unit"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                subject=data["subject"],
                findings=data["findings"],
                recommendations=data["recommendations"],
            ),
        )
    except ValidationError as exc:
        form.add_error(None, _errors(exc))
        return None
    return inspection


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    access.require_planner(request.user)
    form = InspectionForm(request.POST or None)
    form.fields["unit"].queryset = core.units_writable_by(request.user)  # type: ignore[attr-defined]
    if request.method == "POST":
        if selectors.inspection_code_taken(request.POST.get("code", "").strip()):
            form.add_error("code", "Mã cuộc này đã có.")
        inspection = _inspection_save(request, form, None)
        if inspection is not None:
            messages.success(request, f"Đã ghi cuộc {inspection.code}; hãy thêm tổ chức đảng.")
            return redirect("followup:inspection", code=inspection.code)
    return _inspection_form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, code, write=True)
    form = InspectionForm(
        request.POST or None,
        initial={
            "code": inspection.code,
            "kind": inspection.kind,
            "unit": inspection.unit.code,
            "date_from": inspection.date_from,
            "date_to": inspection.date_to,
            "subject": inspection.subject,
            "findings": inspection.findings,
            "recommendations": inspection.recommendations,
        },
    )
    form.fields["code"].disabled = True
    form.fields["unit"].queryset = core.units_writable_by(request.user)  # type: ignore[attr-defined]
    if request.method == "POST":
        saved = _inspection_save(request, form, inspection.code)
        if saved is not None:
            messages.success(request, f"Đã lưu cuộc {saved.code}.")
            return redirect("followup:inspection", code=saved.code)
    return _inspection_form_page(request, form, inspection)


def _inspection_page(
    request: HttpRequest, inspection: Inspection, form: TargetForm | None, status: int = 200
) -> HttpResponse:
    can_plan = access.can_plan(request.user, inspection.unit)
    day = today()
    picker = None
    if can_plan:
        picker = org_views.unit_picker(
            request.user,
            name="target",
            label="Tổ chức đảng được kiểm tra",
            root=inspection.unit,
            write=True,
            selected=[request.POST.get("target", "")] if request.method == "POST" else [],
        )
    follow = selectors.inspection_tasks(access.tasks_visible_to(request.user), inspection)
    targets, total = selectors.inspection_targets(inspection)
    return render(
        request,
        "followup/inspection.html",
        {
            "inspection": inspection,
            "targets": targets,
            "targets_total": total,
            "tasks": selectors.task_rows(follow[:100], day),
            "can_plan": can_plan,
            "form": form or TargetForm(),
            "target_picker": picker,
        },
        status=status,
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, code)
    return _inspection_page(request, inspection, None)


@login_required
@require_POST
def inspection_target(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, code, write=True)
    form = TargetForm(request.POST)
    form.fields["target"].queryset = core.units_writable_by(request.user)  # type: ignore[attr-defined]
    if form.is_valid():
        codes = [c.strip() for c in form.cleaned_data["named"].replace(",", ";").split(";")]
        codes = [c for c in codes if c]
        named = list(core.members_visible_to(request.user).filter(code__in=codes))
        missing = sorted(set(codes) - {m.code for m in named})
        try:
            if missing:
                raise ValidationError(
                    "Không tìm thấy đảng viên trong phạm vi của bạn: " + ", ".join(missing) + "."
                )
            target = services.inspection_target_set(
                actor=request.user,
                inspection=inspection,
                unit=form.cleaned_data["target"],
                members=form.cleaned_data["members"] or 0,
                named=named,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Đã ghi tổ chức đảng {target.unit.name}.")
            return redirect("followup:inspection", code=inspection.code)
    return _inspection_page(request, inspection, form, status=400)


@login_required
@require_POST
def inspection_target_remove(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, code, write=True)
    unit = core.get_unit_for_user(request.user, request.POST.get("target", "").strip())
    try:
        if services.inspection_target_remove(actor=request.user, inspection=inspection, unit=unit):
            messages.success(request, f"Đã bỏ {unit.name} khỏi cuộc {inspection.code}.")
    except ValidationError as exc:  # the round's figures are locked
        messages.error(request, " ".join(exc.messages))
    return redirect("followup:inspection", code=inspection.code)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_task_new(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, code, write=True)
    return _new_task(request, programme=None, inspection=inspection)
