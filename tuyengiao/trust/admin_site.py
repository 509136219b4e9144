"""The administration site (``/quan-tri/``) opens to superusers only.

The system grants nothing through Django's model permissions or groups: every rule is a
service's, by role and unit (``orgs.access``). Django's default site lets in any staff
account holding a model permission, which would be a door around those rules; here being
staff is not enough, and the account pages do not offer permissions or groups
(``orgs/admin.py``). ``AdminConfig`` replaces ``django.contrib.admin`` in
``INSTALLED_APPS`` to make this the default site, as Django's documentation shows; the
libraries' apps below replace theirs for their names in the sidebar."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks.backends.database.apps import TasksAppConfig


class AdminSite(admin.AdminSite):
    site_header = "Quản trị hệ thống tuyên giáo"
    site_title = "Quản trị"
    index_title = "Tài khoản, phân quyền và nhật ký"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_superuser", False))


class AdminConfig(DjangoAdminConfig):
    default_site = "tuyengiao.trust.admin_site.AdminSite"


class TasksConfig(TasksAppConfig):
    """django-tasks' database backend, named in Vietnamese in the admin's sidebar (its
    own name is a plain string, outside the translation catalogue)."""

    verbose_name = "Tác vụ nền"


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # django-axes ships no type stubs
    verbose_name = "Đăng nhập (django-axes)"


class TotpConfig(TotpAppConfig):  # type: ignore[misc]  # django-otp ships no type stubs
    verbose_name = "Xác thực hai lớp"
