"""Workbook sheets ``Đơn vị`` and ``Đảng viên`` (see WORKBOOK.md).

Rows are keyed by code: a new code creates, an existing one updates what differs
(name or kind as a rename, parent as a move, dated today), so a second import of
the same workbook is a no-op. A scoped user may only touch units and members
inside their writable subtree; the command-line import (no actor) is unrestricted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    SheetCounts,
    SheetSpec,
    enum_parser,
    parse_date_cell,
    register_sheet,
)
from tuyengiao.lib.text import canonical_key, split_full_name

from . import access, services
from .models import Gender, Member, Unit

UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"


@dataclass(frozen=True)
class UnitRow:
    sheet: str
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    valid_from: dt.date | None


@dataclass(frozen=True)
class MemberRow:
    sheet: str
    row: int
    code: str
    full_name: str
    gender: str | None
    birth_date: dt.date | None
    unit_code: str
    since: dt.date | None
    admission_date: dt.date | None
    exempt: bool | None


def _check_actor_may_write(ctx: ImportContext) -> access.Scope | None:
    """``None`` means unrestricted (command line); raises nothing, reports errors."""
    if ctx.actor is None or not getattr(ctx.actor, "is_authenticated", False):
        return None
    scope = access.scope_of(ctx.actor)
    if scope is None or not scope.can_write:
        ctx.error("", None, "", "", "Tài khoản không có quyền nhập dữ liệu.")
    return scope


def _units_in_db(ctx: ImportContext, codes: set[str]) -> dict[str, Unit]:
    cache: dict[str, Unit] = ctx.cache.setdefault("units", {})
    missing = codes - cache.keys()
    if missing:
        cache.update(services.units_by_code(missing))
    return {c: cache[c] for c in codes if c in cache}


# --- Đơn vị -------------------------------------------------------------------------


def validate_units(rows: list[UnitRow], ctx: ImportContext) -> None:
    scope = _check_actor_may_write(ctx)
    in_sheet = {r.code: r for r in rows}
    parents = {r.parent_code for r in rows if r.parent_code}
    existing = _units_in_db(ctx, set(in_sheet) | parents)
    for r in rows:
        if r.parent_code == r.code:
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị cấp trên",
                r.parent_code,
                "Đơn vị không thể là cấp trên của chính nó.",
            )
            continue
        if r.parent_code and r.parent_code not in in_sheet and r.parent_code not in existing:
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị cấp trên",
                r.parent_code,
                "Không tìm thấy đơn vị cấp trên (chưa có trong hệ thống hay trong trang này).",
            )
        if scope is not None:
            target = existing.get(r.code)
            parent = existing.get(r.parent_code) if r.parent_code else None
            if target is not None and not target.path.startswith(scope.path):
                ctx.error(r.sheet, r.row, "Mã đơn vị", r.code, "Đơn vị nằm ngoài phạm vi của bạn.")
            elif not r.parent_code and target is None:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đơn vị cấp trên",
                    "",
                    "Bạn chỉ được thêm đơn vị trực thuộc đơn vị của mình.",
                )
            elif parent is not None and not parent.path.startswith(scope.path):
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đơn vị cấp trên",
                    r.parent_code,
                    "Đơn vị cấp trên nằm ngoài phạm vi của bạn.",
                )
    # cycles within the sheet
    for r in rows:
        seen = {r.code}
        current = in_sheet.get(r.parent_code)
        while current is not None:
            if current.code in seen:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đơn vị cấp trên",
                    r.parent_code,
                    "Quan hệ cấp trên tạo thành vòng lặp.",
                )
                break
            seen.add(current.code)
            current = in_sheet.get(current.parent_code)
    ctx.cache["sheet_units"] = in_sheet


def commit_units(rows: list[UnitRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    today = timezone.localdate()
    by_code = {r.code: r for r in rows}
    done: dict[str, Unit] = {}
    existing = services.units_by_code(
        by_code.keys() | {r.parent_code for r in rows if r.parent_code}
    )

    def ensure(r: UnitRow) -> Unit:
        if r.code in done:
            return done[r.code]
        parent: Unit | None = None
        if r.parent_code:
            parent = (
                ensure(by_code[r.parent_code])
                if r.parent_code in by_code
                else existing[r.parent_code]
            )
        unit = existing.get(r.code)
        if unit is None:
            unit = services.unit_create(
                actor=ctx.actor,
                code=r.code,
                name=r.name,
                kind=r.kind,
                parent=parent,
                valid_from=r.valid_from,
            )
            counts.created += 1
        else:
            changed = False
            if canonical_key(unit.name) != canonical_key(r.name) or canonical_key(
                unit.kind
            ) != canonical_key(r.kind):
                on = max(today, (unit.valid_from or today) + dt.timedelta(days=1))
                services.unit_rename(actor=ctx.actor, unit=unit, name=r.name, kind=r.kind, on=on)
                changed = True
            if (parent.pk if parent else None) != unit.parent_id:
                on = max(today, (unit.valid_from or today) + dt.timedelta(days=1))
                services.unit_move(actor=ctx.actor, unit=unit, new_parent=parent, on=on)
                unit.refresh_from_db()
                changed = True
            if changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        done[r.code] = unit
        return unit

    for r in rows:
        ensure(r)
    ctx.cache.setdefault("units", {}).update(done)
    return counts


# --- Đảng viên ------------------------------------------------------------------------


def validate_members(rows: list[MemberRow], ctx: ImportContext) -> None:
    scope = _check_actor_may_write(ctx)
    sheet_units: dict[str, UnitRow] = ctx.cache.get("sheet_units", {})
    existing_units = _units_in_db(ctx, {r.unit_code for r in rows})
    existing_members = {m.code: m for m in Member.objects.filter(code__in=[r.code for r in rows])}
    if scope is not None and existing_members:
        visible = set(
            access.members_visible_to(ctx.actor)
            .filter(code__in=list(existing_members))
            .values_list("code", flat=True)
        )
    for r in rows:
        unit = existing_units.get(r.unit_code)
        if unit is None and r.unit_code not in sheet_units:
            ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
            continue
        if (
            unit is not None
            and unit.valid_to is not None
            and (r.since is None or r.since >= unit.valid_to)
        ):
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                f"Đơn vị đã hết hiệu lực từ {unit.valid_to:%d/%m/%Y}.",
            )
        if scope is not None:
            if unit is not None and not unit.path.startswith(scope.path):
                ctx.error(
                    r.sheet, r.row, "Mã đơn vị", r.unit_code, "Đơn vị nằm ngoài phạm vi của bạn."
                )
            if r.code in existing_members and r.code not in visible:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Mã đảng viên",
                    r.code,
                    "Đảng viên này đang sinh hoạt ở đơn vị ngoài phạm vi của bạn.",
                )
        if r.birth_date and r.birth_date > timezone.localdate():
            ctx.error(r.sheet, r.row, "Ngày sinh", r.birth_date, "Ngày sinh ở tương lai.")
        if r.birth_date and r.admission_date and r.admission_date <= r.birth_date:
            ctx.error(
                r.sheet,
                r.row,
                "Ngày vào Đảng",
                r.admission_date,
                "Ngày vào Đảng phải sau ngày sinh.",
            )
        if unit is not None and r.since and unit.valid_from and r.since < unit.valid_from:
            ctx.error(
                r.sheet,
                r.row,
                "Sinh hoạt tại đơn vị từ",
                r.since,
                f"Trước ngày đơn vị có hiệu lực ({unit.valid_from:%d/%m/%Y}).",
            )


def commit_members(rows: list[MemberRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    today = timezone.localdate()
    units = services.units_by_code({r.unit_code for r in rows})
    existing = {
        m.code: m
        for m in Member.objects.filter(code__in=[r.code for r in rows]).prefetch_related(
            "memberships", "exemptions"
        )
    }
    new_rows: list[services.NewMember] = []
    for r in rows:
        unit = units[r.unit_code]
        member = existing.get(r.code)
        if member is None:
            new_rows.append(
                services.NewMember(
                    code=r.code,
                    full_name=r.full_name,
                    unit=unit,
                    gender=r.gender or "",
                    birth_date=r.birth_date,
                    admission_date=r.admission_date,
                    since=r.since,
                    exempt=bool(r.exempt),
                )
            )
            continue
        if _update_member(member, r, unit, today, ctx):
            counts.updated += 1
        else:
            counts.unchanged += 1
    new_members = services.member_bulk_create(actor=ctx.actor, rows=new_rows)
    counts.created = len(new_members)
    return counts


def _update_member(
    member: Member, r: MemberRow, unit: Unit, today: dt.date, ctx: ImportContext
) -> bool:
    names = (member.family_name, member.middle_name, member.given_name)
    if canonical_key(member.full_name) != canonical_key(r.full_name):
        names = split_full_name(r.full_name)
    # A blank cell keeps what is recorded; a filled one replaces it.
    gender = r.gender or member.gender
    birth_date = r.birth_date or member.birth_date
    admission_date = r.admission_date or member.admission_date
    changed = names != (member.family_name, member.middle_name, member.given_name) or (
        (gender, birth_date, admission_date)
        != (member.gender, member.birth_date, member.admission_date)
    )
    if changed:
        family, middle, given = names
        services.member_update(
            actor=ctx.actor,
            member=member,
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=gender,
            birth_date=birth_date,
            admission_date=admission_date,
        )
    current = next((m for m in member.memberships.all() if m.valid_to is None), None)
    if current is None or current.unit_id != unit.pk:
        on = r.since or today
        services.member_transfer(actor=ctx.actor, member=member, to_unit=unit, on=on)
        changed = True
    wanted = bool(r.exempt)  # blank means "Không"
    is_exempt = any(
        (e.valid_from is None or e.valid_from <= today)
        and (e.valid_to is None or today < e.valid_to)
        for e in member.exemptions.all()
    )
    if is_exempt != wanted:
        services.member_set_exempt(actor=ctx.actor, member=member, exempt=wanted, on=today)
        changed = True
    return changed


GENDERS: dict[str, Any] = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}
YES_NO: dict[str, Any] = {"Có": True, "Không": False, "x": True}

register_sheet(
    SheetSpec(
        name=UNIT_SHEET,
        order=10,
        record=UnitRow,
        key_field="code",
        columns=[
            Column("Mã đơn vị", "code", required=True, help="mã duy nhất của đơn vị"),
            Column("Tên đơn vị", "name", required=True),
            Column("Mã đơn vị cấp trên", "parent_code", help="để trống với đơn vị gốc"),
            Column("Loại đơn vị", "kind", required=True, help="ví dụ: Tỉnh ủy, Đảng ủy xã, Chi bộ"),
            Column("Hiệu lực từ", "valid_from", parse=parse_date_cell, help="dd/mm/yyyy"),
        ],
        validate=validate_units,
        commit=commit_units,
    )
)

register_sheet(
    SheetSpec(
        name=MEMBER_SHEET,
        order=20,
        record=MemberRow,
        key_field="code",
        columns=[
            Column("Mã đảng viên", "code", required=True),
            Column("Họ và tên", "full_name", required=True),
            Column("Giới tính", "gender", parse=enum_parser(GENDERS, "Giới tính")),
            Column("Ngày sinh", "birth_date", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Mã đơn vị", "unit_code", required=True, help="thường là mã chi bộ"),
            Column("Sinh hoạt tại đơn vị từ", "since", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column("Ngày vào Đảng", "admission_date", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Miễn sinh hoạt",
                "exempt",
                parse=enum_parser(YES_NO, "Miễn sinh hoạt"),
                help="Có / Không",
            ),
        ],
        validate=validate_members,
        commit=commit_members,
    )
)
