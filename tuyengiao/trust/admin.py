"""Audit entries and access records are read-only in the admin too."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .models import AccessLog


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_repr", "row_count", "remote_addr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "object_key", "user__username"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
