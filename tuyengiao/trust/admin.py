"""Audit entries and access records are read-only in the admin too; two-factor
devices are listed and deleted there (a lost phone), never added, edited or shown
with their secret."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks.backends.database.admin import DBTaskResultAdmin
from django_tasks.backends.database.models import DBTaskResult

from tuyengiao.lib.admin import ModelAdmin
from tuyengiao.lib.text import collation_key

from . import selectors
from .models import AccessLog


def _moment(value: Any) -> str:
    """A moment as the admin's pages show it ("19:10:26 01/12/2026", local time; "—"):
    a method's value is printed as it is, in UTC and ISO form."""
    if value is None:
        return "—"
    return str(timezone.localtime(value).strftime("%H:%M:%S %d/%m/%Y"))


class KindFilter(ResourceTypeFilter):  # type: ignore[misc]  # django-auditlog ships no type stubs
    """auditlog's filter by kind of data, listing the models' Vietnamese names, not
    their internal ones ("submission")."""

    title = "loại dữ liệu"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        out = []
        for type_id, _model in super().lookups(request, model_admin):
            model = ContentType.objects.get_for_id(type_id).model_class()
            out.append((type_id, str(model._meta.verbose_name) if model else _model))
        return sorted(out, key=lambda row: collation_key(row[1]))


class ReadOnlyLogEntryAdmin(LogEntryAdmin):  # type: ignore[misc]  # django-auditlog ships no type stubs
    """django-auditlog's pages, the changes read as the audit page reads them
    (``selectors.describe_changes``: Vietnamese labels, choice labels, dd/mm/yyyy, names
    of related rows, "—" for nothing) instead of field names and raw values."""

    list_filter = ["action", KindFilter, CIDFilter]

    @admin.display(description="Thời điểm", ordering="timestamp")
    def created(self, obj: LogEntry) -> str:
        return _moment(obj.timestamp)

    @admin.display(description="Thay đổi")
    def msg(self, obj: LogEntry) -> Any:
        rows = selectors.describe_changes(obj)
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>Trường</th><th>Giá trị cũ</th><th>Giá trị mới</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="Thay đổi")
    def msg_short(self, obj: LogEntry) -> str:
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        model = obj.content_type.model_class() if obj.content_type_id else None
        labels = [selectors.field_label(model, name) for name in obj.changes_dict or {}]
        shown = ", ".join(labels[:4]) + (", …" if len(labels) > 4 else "")
        return f"{len(labels)} thay đổi: {shown}" if labels else ""

    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False

    @admin.display(description="Mã liên kết")
    def cid_url(self, obj: LogEntry) -> Any:  # its column's title is not translatable
        return super().cid_url(obj)


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


_ACCESS_FIELDS = ["at", "user", "action", "kind", "object_key", "object_repr", "row_count"]


@admin.register(AccessLog)
class AccessLogAdmin(ModelAdmin[AccessLog]):
    list_display = ["at", "user", "action", "object_repr", "row_count", "remote_addr"]
    fields = [*_ACCESS_FIELDS, "remote_addr"]
    readonly_fields = [*_ACCESS_FIELDS, "remote_addr"]
    list_filter = ["action"]

    @admin.display(description="loại đối tượng")
    def kind(self, entry: AccessLog) -> str:
        """The model's Vietnamese name, not its label ("orgs.Member")."""
        try:
            return str(apps.get_model(entry.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return entry.object_type

    search_fields = ["object_repr", "object_key", "user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False


class TwoFactorDeviceAdmin(TOTPDeviceAdmin):  # type: ignore[misc]  # django-otp ships no type stubs
    """A device is enrolled or replaced only through ``services.totp_device_confirm``
    (a code of the device, and of the old one to replace it). Here an administrator
    sees who has one and deletes a lost phone's (audited on the owner's account by
    ``audit.watch_two_factor``); the secret key and its QR code are never shown
    (``OTP_ADMIN_HIDE_SENSITIVE_DATA``, and the QR views are not routed)."""

    list_display = ["owner", "device_name", "confirmed_mark", "created", "last_used"]
    list_filter: list[str] = []
    search_help_text = "Tìm theo tên đăng nhập"
    readonly_fields = list_display
    fieldsets = [(None, {"fields": list_display})]

    @admin.display(description="người dùng", ordering="user__username")
    def owner(self, device: TOTPDevice) -> Any:
        return device.user

    @admin.display(description="tên thiết bị", ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return str(device.name)

    @admin.display(description="đã xác nhận", boolean=True, ordering="confirmed")
    def confirmed_mark(self, device: TOTPDevice) -> bool:
        return bool(device.confirmed)

    @admin.display(description="tạo lúc", ordering="created_at")
    def created(self, device: TOTPDevice) -> str:
        return _moment(device.created_at)

    @admin.display(description="dùng gần nhất", ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> str:
        return _moment(device.last_used_at)

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return self.list_display

    def get_fieldsets(self, request: HttpRequest, obj: TOTPDevice | None = None) -> Any:
        return self.fieldsets

    def get_urls(self) -> list[URLPattern]:
        return admin.ModelAdmin.get_urls(self)  # without the parent's QR code views

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TOTPDevice | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        title = {"title": "Thiết bị xác thực hai lớp"}
        return super().changelist_view(request, {**(extra_context or {}), **title})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        title = {"title": "Thiết bị xác thực hai lớp"}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **title})


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TwoFactorDeviceAdmin)


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks' results, the task's column named in Vietnamese (the model's
    property has no label of its own)."""

    list_display = (
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description="tác vụ")
    def task(self, result: DBTaskResult[Any, Any]) -> str:
        return str(result.task_name)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
