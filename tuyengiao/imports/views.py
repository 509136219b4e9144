"""Upload a workbook, preview its changes or errors, confirm to commit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.orgs import access

from . import selectors, services


def _require_writer(request: HttpRequest) -> None:
    scope = access.require_scope(request.user)
    if not scope.can_write:
        raise PermissionDenied("Chỉ cán bộ và bí thư chi bộ được nhập dữ liệu.")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    context: dict[str, object] = {"batches": selectors.batches_for(request.user)[:20]}
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            context["form_error"] = "Hãy chọn một tệp bảng tính."
            return render(request, "imports/upload.html", context, status=400)
        data = upload_file.read()
        try:
            token = services.upload_store(
                actor=request.user, name=upload_file.name or "", data=data
            )
        except ValidationError as exc:
            context["form_error"] = " ".join(exc.messages)
            return render(request, "imports/upload.html", context, status=400)
        result = services.workbook_run(
            actor=request.user, name=upload_file.name or "", data=data, dry_run=True
        )
        if not result.ok:
            services.upload_discard(token=token)
        context.update({"result": result, "token": token})
        return render(request, "imports/upload.html", context, status=200 if result.ok else 422)
    return render(request, "imports/upload.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    token = request.POST.get("token", "")
    stored = services.upload_load(token=token)
    if stored is None:
        messages.error(request, "Tệp đã hết hạn hoặc không tồn tại; hãy tải lên lại.")
        return redirect("imports:upload")
    name, data = stored
    result = services.workbook_run(actor=request.user, name=name, data=data, dry_run=False)
    services.upload_discard(token=token)
    if not result.ok:
        context = {"result": result, "batches": selectors.batches_for(request.user)[:20]}
        return render(request, "imports/upload.html", context, status=422)
    if result.changed:
        messages.success(request, f"Đã nhập xong tệp {name}.")
    else:
        messages.info(request, f"Tệp {name} không có thay đổi nào so với dữ liệu hiện có.")
    return redirect("imports:batch", batch_id=result.batch_id)


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
