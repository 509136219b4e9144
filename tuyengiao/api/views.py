"""The API keys' page: make a key for another system, see who uses which, revoke."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.lib.paging import OpenPage
from tuyengiao.orgs import access
from tuyengiao.orgs import views as org_views

from . import keys
from .forms import KeyForm

KEYS_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    scope = access.require_scope(request.user)
    if not scope.can_write:
        raise Http404("Không tìm thấy.")
    form = KeyForm(request.POST or None)
    form.fields["unit"].queryset = access.units_writable_by(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            key, text = keys.key_create(
                actor=request.user,
                name=data["name"],
                unit=data["unit"],
                can_write=data["can_write"],
                days=data["days"],
            )
        except ValidationError as exc:
            form.add_error("days" if "Thời hạn" in " ".join(exc.messages) else None, exc)
        else:
            response = render(
                request,
                "api/key_created.html",
                {"key": key, "text": text, "base": request.build_absolute_uri("/api/v1/")},
            )
            response["Cache-Control"] = "no-store"  # the key is shown once
            return response
    selected = request.POST.get("unit", "") if request.method == "POST" else scope.unit.code
    picker = org_views.unit_picker(
        request.user, name="unit", label="Đơn vị", write=True, selected=[selected]
    )
    page = OpenPage(keys.keys_visible_to(request.user), KEYS_PAGE, request.GET.get("trang"))
    return render(
        request,
        "api/keys.html",
        {
            "form": form,
            "unit_picker": picker,
            "days_most": settings.API_KEY_MAX_DAYS,
            "page": page,
            "now": timezone.now(),
            "schema": reverse("api:openapi-json"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = keys.keys_visible_to(request.user).filter(pk=pk).first()
    if key is None:
        raise Http404("Không tìm thấy khóa.")
    keys.key_revoke(actor=request.user, key=key)
    messages.success(request, f"Đã thu hồi khóa “{key.name}”.")
    return redirect("api_keys:list")
