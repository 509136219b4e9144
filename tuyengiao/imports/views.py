"""Upload a workbook, preview its changes or errors, confirm to commit. The preview and
the commit run as background tasks (``tasks.import_run``); the pages show their progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.http import wants_fragment
from tuyengiao.orgs import access

from . import selectors, services
from .tasks import import_run


def _require_writer(request: HttpRequest) -> None:
    scope = access.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ cán bộ và bí thư chi bộ được nhập dữ liệu.")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Keep the file and queue its preview; the file is never parsed in this request."""
    _require_writer(request)
    context: dict[str, object] = {"batches": selectors.batches_for(request.user)[:20]}
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            context["form_error"] = "Hãy chọn một tệp bảng tính."
            return render(request, "imports/upload.html", context, status=400)
        name = upload_file.name or ""
        try:
            services.upload_check(name=name, size=upload_file.size or 0)  # before reading it
            token = services.upload_store(actor=request.user, name=name, data=upload_file.read())
        except ValidationError as exc:
            context["form_error"] = " ".join(exc.messages)
            return render(request, "imports/upload.html", context, status=400)
        job = services.import_job_create(
            actor=request.user,
            token=token,
            name=name,
            dry_run=True,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
        import_run.enqueue(job_id=job.pk)
        return redirect("imports:job", pk=job.pk)
    return render(request, "imports/upload.html", context)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A preview or a commit: progress while it runs (htmx polls ``#status``), then the
    errors to fix, or the changes per sheet and the button that confirms them."""
    job = selectors.get_job_for_user(request.user, pk)
    template = "imports/job.html"
    if wants_fragment(request):
        template += "#status"
    status = 422 if job.status == job.Status.DONE and job.result.get("errors") else 200
    return render(request, template, {"job": job}, status=status)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    preview = selectors.find_job_for_user(request.user, request.POST.get("job", ""))
    if preview is None:
        messages.error(request, "Tệp đã hết hạn hoặc không tồn tại; hãy tải lên lại.")
        return redirect("imports:upload")
    try:
        job = services.import_job_confirm(
            actor=request.user, preview=preview, remote_addr=request.META.get("REMOTE_ADDR")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:upload")
    import_run.enqueue(job_id=job.pk)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.get_batch_for_user(request.user, batch_id)
    return render(request, "imports/batch.html", {"batch": batch})


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    access.require_scope(request.user)
    response = HttpResponse(
        services.template_build(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response
