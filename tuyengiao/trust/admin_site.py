"""The administration site (``/quan-tri/``) opens to superusers only.

The system grants nothing through Django's model permissions or groups: every rule is a
service's, by role and unit (``orgs.access``). Django's default site lets in any staff
account holding a model permission, which would be a door around those rules; here being
staff is not enough, and the account pages do not offer permissions or groups
(``orgs/admin.py``). ``apps.AdminConfig`` makes this the default site, as Django's
documentation shows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class AdminLoginForm(AdminAuthenticationForm):
    """Django's admin sign-in asks for a staff account; here the site's own rule."""

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not getattr(user, "is_superuser", False):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    site_header = "Quản trị hệ thống tuyên giáo"
    site_title = "Quản trị"
    index_title = "Tài khoản, phân quyền và nhật ký"

    # Models of libraries whose names are plain English strings (not translatable).
    model_names = {("otp_totp", "TOTPDevice"): "Thiết bị xác thực hai lớp"}

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> Any:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            for model in app["models"]:
                name = self.model_names.get((app["app_label"], model["object_name"]))
                if name:
                    model["name"] = name
        return apps

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_superuser", False))
