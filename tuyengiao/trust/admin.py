"""Audit entries and access records are read-only in the admin too."""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import HttpRequest

from tuyengiao.lib.admin import ModelAdmin

from .models import AccessLog


class ReadOnlyLogEntryAdmin(LogEntryAdmin):  # type: ignore[misc]  # django-auditlog ships no type stubs
    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


@admin.register(AccessLog)
class AccessLogAdmin(ModelAdmin[AccessLog]):
    list_display = ["at", "user", "action", "object_repr", "row_count", "remote_addr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "object_key", "user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False
