"""The administrator's pages for accounts (Django admin, superusers only:
``trust/admin_site.py``).

An account is a Django user (Người dùng), bound to one unit with one role
(Phân quyền), and for a member, linked to their record (Đảng viên → tài khoản)
so that QR check-in and "my history" know who they are. Units and members are
read-only here: the tree changes through its dated services (the unit pages and
the import) and members through their pages, which keep history and sort keys.
A role and a member's account are written by the services (``assignment_set``,
``assignment_remove``, ``member_link_account``), whose rules the forms here check
before saving, as every other door does. The system grants nothing through Django's
permissions or groups, so the account pages do not offer them. Every change is in
the audit trail (the models are in ``trust.audit.AUDITED``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuyengiao.lib.admin import M as _M
from tuyengiao.lib.admin import ModelAdmin as _Admin
from tuyengiao.lib.text import fold, normalize

from . import services
from .models import Assignment, Member, Unit


class _FoldedSearch(_Admin[_M]):
    """Searched as the app searches: the term folded (no marks, "đ" as "d", lower case)
    against the folded ``search_key``, so that "Nguyễn Minh An" and "nguyen minh an"
    find the same rows (the term as typed found none in a key without marks)."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[_M], search_term: str
    ) -> tuple[QuerySet[_M], bool]:
        return super().get_search_results(request, queryset, fold(search_term))


class _ReadOnly(_FoldedSearch[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(_ReadOnly[Unit]):
    list_display = ["code", "name", "kind", "valid_from", "valid_to"]
    fields = ["code", "name", "kind", "parent", "valid_from", "valid_to", "population", "place"]
    search_fields = ["code", "search_key"]
    ordering = ["path"]

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False


class MemberForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs' generic form
    class Meta:
        model = Member
        fields = ["user"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        services.check_member_account(self.instance, data.get("user"))
        return data


@admin.register(Member)
class MemberAdmin(_ReadOnly[Member]):
    form = MemberForm
    list_display = ["code", "name", "user"]
    search_fields = ["code", "search_key", "user__username"]
    fields = ["code", "family_name", "middle_name", "given_name", "user"]
    readonly_fields = ["code", "family_name", "middle_name", "given_name"]
    autocomplete_fields = ["user"]
    ordering = ["sort_key"]

    @admin.display(description="họ và tên", ordering="sort_key")
    def name(self, member: Member) -> str:
        return member.full_name

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        saved = Member.objects.get(pk=obj.pk)
        services.member_link_account(actor=request.user, member=saved, user=obj.user)


def _save_assignment(request: HttpRequest, assignment: Assignment, user: Any) -> None:
    """What an admin form holds for ``assignment`` written by the service; the form's
    instance then stands for the saved row (the admin logs it and redirects to it)."""
    saved = services.assignment_set(
        actor=request.user,
        user=user,
        unit=assignment.unit,
        role=assignment.role,
        can_export_personal_data=assignment.can_export_personal_data,
    )
    assignment.pk = saved.pk
    assignment._state.adding = False


class AssignmentForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs' generic form
    class Meta:
        model = Assignment
        fields = ["user", "unit", "role", "can_export_personal_data"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        role = data.get("role")
        if role:
            try:
                services.check_assignment(role, bool(data.get("can_export_personal_data")))
            except ValidationError as exc:
                raise ValidationError({"can_export_personal_data": exc.messages}) from exc
        return data


@admin.register(Assignment)
class AssignmentAdmin(_FoldedSearch[Assignment]):
    form = AssignmentForm
    list_display = ["user", "unit", "role", "can_export_personal_data"]
    list_filter = ["role", "can_export_personal_data"]
    search_fields = ["user__username", "unit__code", "unit__search_key"]
    autocomplete_fields = ["user", "unit"]

    def get_readonly_fields(self, request: HttpRequest, obj: Assignment | None = None) -> Any:
        # The account of an assignment is its key (one assignment an account).
        return ["user"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        _save_assignment(request, obj, obj.user)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        services.assignment_remove(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        for assignment in queryset:
            services.assignment_remove(actor=request.user, assignment=assignment)


class AssignmentInline(admin.StackedInline):  # type: ignore[type-arg]  # not subscriptable at run time
    """The account's unit and role on the account's own page, so that an account is
    created and given its place in one step; saved by the services
    (``UserAdmin.save_formset``)."""

    model = Assignment
    form = AssignmentForm
    fields = ["unit", "role", "can_export_personal_data"]
    autocomplete_fields = ["unit"]
    max_num = 1
    extra = 1
    verbose_name = verbose_name_plural = "đơn vị và vai trò"


MEMBER_CODE_HELP = (
    "Nếu tài khoản là của một đảng viên: mã đảng viên, để điểm danh bằng mã QR và xem quá "
    "trình học tập của mình. Để trống nếu không phải."
)


def _member_for(code: str, user: Any) -> Member | None:
    """The member whose code was typed on the account's page, checked by the service's
    rules (``services.check_member_account``); ``None`` when left empty."""
    code = normalize(code).strip()
    if not code:
        return None
    member = Member.objects.select_related("user").filter(code__iexact=code).first()
    if member is None:
        raise ValidationError(f"Không có đảng viên mã {code}.")
    services.check_member_account(member, user)
    return member


class AccountChangeForm(UserChangeForm):  # type: ignore[type-arg]  # django-stubs' generic form
    member_code = forms.CharField(
        label="Mã đảng viên", required=False, max_length=64, help_text=MEMBER_CODE_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        linked = Member.objects.filter(user_id=self.instance.pk).first()
        self.fields["member_code"].initial = linked.code if linked else ""

    def clean_member_code(self) -> str:
        self.member = _member_for(self.cleaned_data.get("member_code") or "", self.instance)
        return self.member.code if self.member else ""


class AccountCreationForm(AdminUserCreationForm):
    member_code = forms.CharField(
        label="Mã đảng viên", required=False, max_length=64, help_text=MEMBER_CODE_HELP
    )

    def clean_member_code(self) -> str:
        self.member = _member_for(self.cleaned_data.get("member_code") or "", self.instance)
        return self.member.code if self.member else ""


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """Django's account pages without groups and permissions (nothing here reads them)
    and without the switch for signing in with something other than a password (there
    is nothing else)."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password", "member_code")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        ("Trạng thái", {"fields": ("is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "password1", "password2", "member_code")},
        ),
    )
    list_display = ("username", "first_name", "last_name", "is_active", "is_superuser")
    list_filter = ("is_superuser", "is_active")
    filter_horizontal = ()
    inlines = [AssignmentInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """The account, then its member through ``services.member_link_account``: the
        member typed linked, a member linked before and no longer typed unlinked."""
        super().save_model(request, obj, form, change)
        member = getattr(form, "member", None)
        before = Member.objects.filter(user_id=obj.pk).first()
        if before is not None and before != member:
            services.member_link_account(actor=request.user, member=before, user=None)
        if member is not None:
            member.refresh_from_db()
            services.member_link_account(actor=request.user, member=member, user=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The unit and role through the services, as on the assignments' page."""
        if formset.model is not Assignment:
            super().save_formset(request, form, formset, change)
            return
        changed = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            services.assignment_remove(actor=request.user, assignment=assignment)
        for assignment in changed:
            _save_assignment(request, assignment, form.instance)
