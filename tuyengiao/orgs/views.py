"""Pages of the organisation tree and the member roll. Thin: parse, select, render."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.http import wants_fragment
from tuyengiao.lib.numbers import parse_offset
from tuyengiao.lib.paging import OpenPage

from . import access, accounts, hooks, selectors, services
from .forms import (
    ActivationForm,
    AddChildForm,
    DissolveForm,
    ExemptForm,
    MemberForm,
    MergeForm,
    MoveForm,
    RenameForm,
    TransferForm,
    UnitForm,
)
from .models import Member, Unit


def _day_param(request: HttpRequest, name: str = "ngay") -> tuple[dt.date, str | None]:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return selectors.today(), None
    try:
        if "-" in raw and len(raw) == 10 and raw[4] == "-":
            return dt.date.fromisoformat(raw), None
        return parse_date(raw), None
    except ValueError as exc:
        return selectors.today(), f"Ngày không hợp lệ: {exc}"


def _official_province(unit: Unit) -> object:
    """The province of the official list this unit stands for, if it looks like one
    (its administrative code, or its place or name ends with a province's name)."""
    from . import official

    if unit.valid_to is not None:
        return None
    return official.province(unit.admin_code) or official.guess_province(unit.place, unit.name)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = access.scope_of(request.user)
    context: dict[str, object] = {"scope": scope}
    if scope is not None:
        day = selectors.today()
        context["counts"] = selectors.subtree_counts(scope.unit, day)
        context["children"] = selectors.children_on(scope.unit, day)
        context["own_member"] = access.own_member(request.user)
    return render(request, "orgs/home.html", context)


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    """The tree from the user's unit, its first level open; deeper levels are
    fetched when opened (``unit_children``), so the page stays small at any size.
    With ``q``: the units in scope whose name or code matches, no diacritics needed."""
    scope = access.require_scope(request.user)
    day, error = _day_param(request)
    query = request.GET.get("q", "").strip()[:100]
    root = scope.unit
    is_member = scope.role == "member"
    context: dict[str, Any] = {"day": day, "error": error, "root": root, "q": query}
    if query and not is_member:
        found = selectors.unit_search(access.units_visible_to(request.user), query, limit=51)
        context.update(found=found[:50], found_more=len(found) > 50)
    version = None if is_member else selectors.version_on(root, day)
    if version is not None:
        children, total = selectors.children_page(root, day, limit=TREE_PAGE)
        context.update(
            version=version,
            children=children,
            parent=root,
            next_offset=TREE_PAGE if total > TREE_PAGE else None,
            n_units=selectors.subtree_on(root, day).count(),
        )
    if is_member:  # no tree below a member: their unit and its study
        context.update(_member_unit(request, root, day))
    if wants_fragment(request) and query:
        return render(request, "orgs/tree.html#found", context)
    return render(request, "orgs/tree.html", context)


def _member_unit(request: HttpRequest, unit: Unit, day: dt.date) -> dict[str, object]:
    """A member's "Đơn vị" page: their unit on the day, its place in the tree, and the
    panels other apps register (``hooks.member_unit_panels``: study adds the campaigns
    and sessions of it the member can see)."""
    return {
        "own_unit": unit,
        "own_version": selectors.version_on(unit, day),
        **hooks.member_unit_context(request, unit, day),
    }


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code)
    day, error = _day_param(request)
    query = request.GET.get("q", "").strip()
    scope = access.require_scope(request.user)
    members = (
        selectors.members_with_unit(unit, day, search=query)
        if scope.role != "member"
        else selectors.members_with_unit(unit, day).none()
    )
    counts = selectors.subtree_counts(unit, day)
    paginator = Paginator(members, 50)
    if not query and scope.role != "member":
        paginator.count = counts["members"]  # the same members, already counted
    page = paginator.get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "day": day,
        "error": error,
        "q": query,
        "page": page,
        "version": selectors.version_on(unit, day),
        "children": selectors.children_on(unit, day),
        "predecessors": selectors.predecessors(unit),
        "successor": selectors.successor_today(unit) if not unit.is_valid_on(day) else None,
        "counts": counts,
        "can_write": access.can_write_unit(request.user, unit),
        "can_export": access.can_export_personal_data(request.user, unit),
        "official_province": _official_province(unit),
    }
    template = "orgs/unit_detail.html"
    if wants_fragment(request):
        template += "#member-rows"
    return render(request, template, context)


@login_required
@require_GET
def member_detail(request: HttpRequest, code: str) -> HttpResponse:
    member = access.get_member_for_user(request.user, code)
    hooks.member_viewed.send(sender=Member, request=request, member=member)
    day = selectors.today()
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "history": selectors.member_history(member),
            "exemptions": member.exemptions.all(),
            "unit_now": selectors.member_unit_on(member, day),
            "can_edit": access.can_edit_member(request.user, member),
            "account_code": accounts.code_states([member.user_id]).get(member.user_id)
            if member.user_id is not None
            else None,
        },
    )


def _member_forms(member: Member, day: dt.date) -> dict[str, object]:
    return {
        "form": MemberForm(
            initial={
                "family_name": member.family_name,
                "middle_name": member.middle_name,
                "given_name": member.given_name,
                "gender": member.gender,
                "birth_date": member.birth_date,
                "admission_date": member.admission_date,
            }
        ),
        "exempt_form": ExemptForm(initial={"on": day}),
        "transfer_form": TransferForm(initial={"on": day}),
    }


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's undated details: population (public reach rate) and the place
    written on its reports."""
    unit = access.get_unit_for_user(request.user, code, write=True)
    form = UnitForm(
        request.POST or None, initial={"population": unit.population, "place": unit.place}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu thông tin đơn vị.")
            return redirect("orgs:unit", code=unit.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "orgs/unit_edit.html", {"unit": unit, "form": form}, status=status)


STRUCTURE_FORMS: dict[str, type[forms.Form]] = {
    "add_child": AddChildForm,
    "rename": RenameForm,
    "move": MoveForm,
    "merge": MergeForm,
    "dissolve": DissolveForm,
}


# Fields naming another unit, which must be writable by the user too.
_OTHER_UNIT_FIELDS = ("parent_code", "into_code", "children_to_code")


@login_required
@require_http_methods(["GET", "POST"])
def unit_structure(request: HttpRequest, code: str) -> HttpResponse:
    """Dated changes of the structure, as the 2025 reform made them: add a unit
    under this one, rename, move, merge into another unit, dissolve. Every other
    unit named must be writable by the user too; one that is not (or does not
    exist) gets the same message, so nothing outside the user's scope is revealed."""
    unit = access.get_unit_for_user(request.user, code, write=True)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_by_action = {
        name: cls(request.POST if name == action else None, prefix=name)
        for name, cls in STRUCTURE_FORMS.items()
    }
    context: dict[str, object] = {"unit": unit, "forms": forms_by_action}
    if request.method == "GET":
        return render(request, "orgs/unit_structure.html", context)
    form = forms_by_action.get(action)
    if form is None:
        raise Http404("Không có thao tác này.")
    others: dict[str, Unit] = {}
    if form.is_valid():
        for field in _OTHER_UNIT_FIELDS:
            value = form.cleaned_data.get(field, "").strip()
            if not value:
                continue
            try:
                others[field] = access.get_unit_for_user(request.user, value, write=True)
            except (Http404, PermissionDenied):
                form.add_error(field, f"Không tìm thấy đơn vị mã {value} trong phạm vi của bạn.")
    if form.is_valid():
        try:
            target = _structure_change(request, unit, action, form.cleaned_data, others)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            messages.success(request, _STRUCTURE_DONE[action])
            return redirect("orgs:unit", code=target.code)
    return render(request, "orgs/unit_structure.html", context, status=400)


_STRUCTURE_DONE = {
    "add_child": "Đã thêm đơn vị trực thuộc.",
    "rename": "Đã ghi nhận đổi tên.",
    "move": "Đã ghi nhận chuyển đơn vị.",
    "merge": "Đã ghi nhận sáp nhập.",
    "dissolve": "Đã ghi nhận giải thể.",
}


def _structure_change(
    request: HttpRequest, unit: Unit, action: str, data: dict[str, Any], others: dict[str, Unit]
) -> Unit:
    """Run one structure service; returns the unit to show afterwards."""
    actor = request.user
    on = data["on"]
    if action == "add_child":
        return services.unit_create(
            actor=actor,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=unit,
            valid_from=on,
        )
    if action == "rename":
        return services.unit_rename(
            actor=actor, unit=unit, name=data["name"], kind=data["kind"] or None, on=on
        )
    if action == "move":
        return services.unit_move(actor=actor, unit=unit, new_parent=others["parent_code"], on=on)
    if action == "merge":
        into = others["into_code"]
        services.unit_merge(actor=actor, sources=[unit], into=into, on=on)
        return into
    services.unit_dissolve(
        actor=actor, unit=unit, on=on, children_to=others.get("children_to_code")
    )
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Correct the name parts the parser guessed, and other personal details;
    start or end an exemption; transfer to another unit in scope."""
    member = access.get_member_for_user(request.user, code, write=True)
    day = selectors.today()
    context: dict[str, object] = {"member": member, **_member_forms(member, day)}
    if request.method == "POST":
        action = request.POST.get("action", "details")
        try:
            if action == "details":
                form = MemberForm(request.POST)
                context["form"] = form
                if form.is_valid():
                    services.member_update(actor=request.user, member=member, **form.cleaned_data)
                    messages.success(request, "Đã lưu thông tin đảng viên.")
                    return redirect("orgs:member", code=member.code)
            elif action == "exempt":
                exempt_form = ExemptForm(request.POST)
                context["exempt_form"] = exempt_form
                if exempt_form.is_valid():
                    services.member_set_exempt(
                        actor=request.user,
                        member=member,
                        exempt=exempt_form.cleaned_data["exempt"],
                        on=exempt_form.cleaned_data["on"],
                        reason=exempt_form.cleaned_data["reason"],
                    )
                    messages.success(request, "Đã cập nhật miễn sinh hoạt.")
                    return redirect("orgs:member", code=member.code)
            elif action == "transfer":
                transfer_form = TransferForm(request.POST)
                context["transfer_form"] = transfer_form
                if transfer_form.is_valid():
                    target = access.get_unit_for_user(
                        request.user, transfer_form.cleaned_data["unit_code"].strip(), write=True
                    )
                    services.member_transfer(
                        actor=request.user,
                        member=member,
                        to_unit=target,
                        on=transfer_form.cleaned_data["on"],
                    )
                    messages.success(request, f"Đã chuyển sinh hoạt đến {target.name}.")
                    return redirect("orgs:member", code=member.code)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        except Http404:
            context["error"] = "Không tìm thấy đơn vị chuyển đến trong phạm vi của bạn."
        return render(request, "orgs/member_edit.html", context, status=400)
    return render(request, "orgs/member_edit.html", context)


# --- the tree, opened lazily; unit search; the unit picker ----------------------------

TREE_PAGE = 200  # children per request; a node with more gets "Xem thêm"


def _offset(request: HttpRequest) -> int:
    return parse_offset(request.GET.get("tu"))


@login_required
@require_GET
def unit_children(request: HttpRequest, code: str) -> HttpResponse:
    """The children of one unit on a date, a page at a time: what the tree fetches
    when a node is opened."""
    unit = access.get_unit_for_user(request.user, code)
    if access.require_scope(request.user).role == "member":
        raise Http404("Không tìm thấy đơn vị.")
    day, _error = _day_param(request)
    offset = _offset(request)
    children, total = selectors.children_page(unit, day, offset=offset, limit=TREE_PAGE)
    return render(
        request,
        "orgs/tree.html#children",
        {
            "parent": unit,
            "children": children,
            "day": day,
            "next_offset": offset + TREE_PAGE if offset + TREE_PAGE < total else None,
        },
    )


@dataclass
class UnitPicker:
    """What the unit picker partial (``orgs/unit_picker.html``) needs. ``root`` and
    ``write`` narrow the user's scope (never widen it); ``name`` is the form field."""

    name: str
    label: str
    matches: list[Unit]
    selected: list[Unit]
    more: bool
    query: str = ""
    root: str = ""
    write: bool = False
    multiple: bool = False
    on: dt.date | None = None  # units valid on this date (None: valid today)
    date_field: str = ""  # a field of the form whose date narrows the search

    @property
    def dom_id(self) -> str:
        return f"chon-{self.name}"

    @property
    def options_json(self) -> str:
        return json.dumps(
            {
                "ten": self.name,
                "nhan": self.label,
                "goc": self.root,
                "ghi": "1" if self.write else "",
                "nhieu": "1" if self.multiple else "",
                "ngay": self.on.strftime("%d/%m/%Y") if self.on else "",
                "truong_ngay": self.date_field,
            }
        )

    @property
    def include(self) -> str:
        """What the search sends: the picker's own inputs and the form's date field."""
        own = f"#{self.dom_id}"
        return f"{own}, [name='{self.date_field}']" if self.date_field else own


PICKER_LIMIT = 20
_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


def unit_picker(
    user: User | AnonymousUser,
    *,
    name: str,
    label: str,
    query: str = "",
    root: Unit | None = None,
    write: bool = False,
    selected: list[str] | None = None,
    multiple: bool = False,
    on: dt.date | None = None,
    date_field: str = "",
) -> UnitPicker:
    """The picker's state for ``user``: the units chosen (kept whatever the search)
    and up to ``PICKER_LIMIT`` matches of ``query``, in scope, valid on ``on``
    (today when ``None``): a session's host must exist on the session's date."""
    units = access.units_writable_by(user) if write else access.units_visible_to(user)
    if on is None:
        units = units.filter(valid_to__isnull=True)
    else:
        units = units.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gt=on),
        )
    if root is not None:
        units = units.filter(path__startswith=root.path)
    chosen = list(units.filter(code__in=selected or []).select_related("parent"))
    chosen_codes = {u.code for u in chosen}
    found = selectors.unit_search(units, query, limit=PICKER_LIMIT + 1 + len(chosen))
    matches = [u for u in found if u.code not in chosen_codes]
    return UnitPicker(
        name=name,
        label=label,
        matches=matches[:PICKER_LIMIT],
        selected=chosen,
        more=len(matches) > PICKER_LIMIT,
        query=query,
        root=root.code if root else "",
        write=write,
        multiple=multiple,
        on=on,
        date_field=date_field,
    )


def _picker_day(request: HttpRequest) -> dt.date | None:
    """The date the picker's units must be valid on: ``ngay``, or the form's date
    field named by ``truong_ngay``; unreadable or absent means today."""
    field = request.GET.get("truong_ngay", "")
    raw = request.GET.get(field, "") if _FIELD_NAME.match(field) else ""
    raw = (raw or request.GET.get("ngay", "")).strip()[:10]
    try:
        return parse_date(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def official_list(request: HttpRequest, code: str) -> HttpResponse:
    """Create the commune-level committees of a province from the official list in one
    step: choose the province, untick what should not be created, confirm; a background
    task does the work and the run's page follows it."""
    from . import official

    unit = access.get_unit_for_user(request.user, code, write=True)
    data = request.POST if request.method == "POST" else request.GET
    chosen = official.province(data.get("tinh", "").strip())
    if chosen is None:
        chosen = official.province(unit.admin_code) or official.guess_province(
            unit.place, unit.name
        )
    raw_day = data.get("hieu_luc_tu", "").strip()
    error = None
    try:
        valid_from = parse_date(raw_day) if raw_day else official.LIST_DATE
    except ValueError as exc:
        valid_from, error = official.LIST_DATE, f"Ngày không hợp lệ: {exc}"
    if request.method == "POST" and chosen is not None and error is None:
        try:
            run = services.official_list_request(
                actor=request.user,
                parent=unit,
                province_code=chosen.code,
                codes=request.POST.getlist("ma"),
                valid_from=valid_from,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            from .tasks import official_list_create

            official_list_create.enqueue(run_id=run.pk)
            return redirect("orgs:official_run", code=unit.code, pk=run.pk)
    rows = selectors.official_preview(unit, chosen.code) if chosen else []
    context = {
        "unit": unit,
        "provinces": official.provinces(),
        "chosen": chosen,
        "rows": rows,
        "new_count": sum(1 for r in rows if r.existing is None),
        "valid_from": valid_from,
        "error": error,
        "code_example": services.official_code_for(unit, rows[0].commune.code) if rows else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "orgs/official_list.html", context, status=status)


@login_required
@require_GET
def unit_picker_search(request: HttpRequest) -> HttpResponse:
    """The unit picker's search: a bounded list of units in the user's scope whose
    name or code matches, no diacritics needed. Out of scope units never appear."""
    access.require_scope(request.user)
    name = request.GET.get("ten", "don_vi")
    if not _FIELD_NAME.match(name):
        raise Http404("Không có ô chọn này.")
    # The root only narrows the user's own scope (a campaign's owner may be an
    # ancestor the user cannot open), so it is read without a scope check; an
    # unknown code gives no matches, like a root with nothing in scope.
    root_code = request.GET.get("goc", "").strip()
    root = (
        selectors.unit_by_code(root_code) or Unit(code=root_code, path="-") if root_code else None
    )
    picker = unit_picker(
        request.user,
        name=name,
        label=request.GET.get("nhan", "")[:100],
        query=request.GET.get("q", "")[:100],
        root=root,
        write=request.GET.get("ghi") == "1",
        selected=request.GET.getlist(name)[:50],
        multiple=request.GET.get("nhieu") == "1",
        on=_picker_day(request),
        date_field=request.GET.get("truong_ngay", "")
        if _FIELD_NAME.match(request.GET.get("truong_ngay", ""))
        else "",
    )
    return render(request, "orgs/unit_picker.html#results", {"picker": picker})


@login_required
@require_GET
def official_run(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code, write=True)
    run = selectors.official_run(unit, pk)
    if run is None:
        raise Http404("Không tìm thấy yêu cầu.")
    template = "orgs/official_run.html"
    if wants_fragment(request):
        template += "#status"
    return render(request, template, {"unit": unit, "run": run})


ACCOUNTS_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def unit_accounts(request: HttpRequest, code: str) -> HttpResponse:
    """The accounts of a unit's members, for its writers: who has one, who has set a
    password, until when a code runs; ticked members get an account (if they have
    none) and a new activation code, shown once on slips to print
    (``accounts.issue_codes``)."""
    unit = access.get_unit_for_user(request.user, code, write=True)
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("chua_co") == "1":  # the next members without an account
            wanted = list(
                selectors.members_with_accounts(
                    unit, selectors.today(), state="chua-co"
                ).values_list("code", flat=True)[: accounts.ISSUE_LIMIT]
            )
            if not wanted:
                errors.append("Mọi đảng viên của đơn vị đã có tài khoản.")
        else:
            # bounded by DATA_UPLOAD_MAX_NUMBER_FIELDS; the service refuses over ISSUE_LIMIT
            wanted = list(dict.fromkeys(request.POST.getlist("dang_vien")))
        found = {m.code: m for m in access.members_visible_to(request.user).filter(code__in=wanted)}
        missing = [c for c in wanted if c not in found]
        if missing:
            errors.append("Không tìm thấy đảng viên: " + ", ".join(missing[:20]) + ".")
        if not errors:
            try:
                issued = accounts.issue_codes(
                    actor=request.user, members=[found[c] for c in wanted]
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                response = render(
                    request,
                    "orgs/account_slips.html",
                    {
                        "unit": unit,
                        "issued": issued,
                        "created": sum(1 for i in issued if i.created),
                        "activate_url": request.build_absolute_uri(reverse("orgs:activate")),
                    },
                )
                response["Cache-Control"] = "no-store"  # the codes are shown once
                return response
    day = selectors.today()
    query = request.GET.get("q", "").strip()
    state = request.GET.get("loc", "")
    if state not in selectors.ACCOUNT_FILTERS:
        state = ""
    rows = selectors.members_with_accounts(unit, day, search=query, state=state)
    page = OpenPage(rows, ACCOUNTS_PAGE, request.GET.get("trang"))
    context = {
        "unit": unit,
        "scope_name": selectors.unit_and_below(unit),
        "page": page,
        "q": query,
        "state": state,
        "filters": selectors.ACCOUNT_FILTERS,
        "errors": errors,
        "days": settings.ACCOUNT_CODE_DAYS,
        "now": timezone.now(),
        "limit": accounts.ISSUE_LIMIT,
    }
    template = "orgs/unit_accounts.html"
    if wants_fragment(request):
        template += "#account-rows"
    return render(request, template, context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """A member sets their password with the activation code on their slip (no
    sign-in needed; the first sign-in and a forgotten password alike), then signs
    in on the sign-in page as everyone does."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.activate(
                username=data["username"], code=data["code"], password=data["password1"]
            )
        except ValidationError as exc:
            if exc.messages == [accounts.REFUSED]:
                form.add_error(None, accounts.REFUSED)
            else:
                form.add_error("password1", exc)
        else:
            messages.success(
                request,
                f"Đã đặt mật khẩu cho tài khoản {user.get_username()}. "
                "Mời đồng chí đăng nhập bằng mật khẩu mới.",
            )
            return redirect("login")
    return render(
        request,
        "orgs/activate.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def member_account(request: HttpRequest, code: str) -> HttpResponse:
    """Lock (``khoa=1``) or open (``khoa=0``) a member's account."""
    member = access.get_member_for_user(request.user, code, write=True)
    lock = request.POST.get("khoa") == "1"
    try:
        user = accounts.account_set_active(actor=request.user, member=member, active=not lock)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = "Đã khóa" if lock else "Đã mở khóa"
        messages.success(request, f"{done} tài khoản {user.get_username()} của {member.full_name}.")
    return redirect("orgs:member", code=member.code)
