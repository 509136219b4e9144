"""The administrator's pages for accounts (Django admin, superusers only).

An account is a Django user (Người dùng), bound to one unit with one role
(Phân quyền), and for a member, linked to their record (Đảng viên → tài khoản)
so that QR check-in and "my history" know who they are. Units and members are
read-only here: the tree changes through its dated services (the unit pages and
the import) and members through their pages, which keep history and sort keys.
Every change is in the audit trail (the models are in ``trust.audit.AUDITED``).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tuyengiao.lib.admin import M as _M
from tuyengiao.lib.admin import ModelAdmin as _Admin

from .models import Assignment, Member, Unit


class _ReadOnly(_Admin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(_ReadOnly[Unit]):
    list_display = ["code", "name", "kind", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    ordering = ["path"]

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(_ReadOnly[Member]):
    list_display = ["code", "full_name", "user"]
    search_fields = ["code", "search_key", "user__username"]
    fields = ["code", "family_name", "middle_name", "given_name", "user"]
    readonly_fields = ["code", "family_name", "middle_name", "given_name"]
    autocomplete_fields = ["user"]
    ordering = ["sort_key"]


@admin.register(Assignment)
class AssignmentAdmin(_Admin[Assignment]):
    list_display = ["user", "unit", "role", "can_export_personal_data"]
    list_filter = ["role", "can_export_personal_data"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit"]
