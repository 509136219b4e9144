"""App configurations that replace the libraries' own in ``INSTALLED_APPS`` (Django's
documented way): the admin's, to make ``admin_site.AdminSite`` (superusers only) the
default site, and three with Vietnamese names in the admin's sidebar (theirs are plain
strings, outside the translation catalogue). Nothing here imports models: these load
before the app registry is ready."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks.backends.database.apps import TasksAppConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "tuyengiao.trust.admin_site.AdminSite"


class TasksConfig(TasksAppConfig):
    verbose_name = "Tác vụ nền"


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # django-axes ships no type stubs
    verbose_name = "Đăng nhập (django-axes)"


class TotpConfig(TotpAppConfig):  # type: ignore[misc]  # django-otp ships no type stubs
    verbose_name = "Xác thực hai lớp"
