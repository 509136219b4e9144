"""Workbook sheets ``Đơn vị`` and ``Đảng viên`` (see WORKBOOK.md).

Rows are keyed by code: a new code creates, an existing one updates what differs
(name or kind as a rename, parent as a move, dated today), so a second import of
the same workbook is a no-op. Names compare exactly (NFC): a change of case or
tone mark is a correction. A blank parent on an existing unit keeps its parent.

Permissions are the services' (``services.check_*``), asked during validation so
that every refused row is listed, and again by the writes themselves; a row that
changes nothing is accepted whoever sends it. The command-line import runs as
``access.SYSTEM``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    ImportIssue,
    ImportRejected,
    SheetCounts,
    SheetSpec,
    enum_parser,
    parse_date_cell,
    register_sheet,
)
from tuyengiao.lib.codes import code_cell_parser, lost_zeros_hint
from tuyengiao.lib.numbers import is_digits
from tuyengiao.lib.text import normalize, split_full_name

from . import services
from .models import Gender, Member, Unit

UNIT_SHEET = "Đơn vị"
MEMBER_SHEET = "Đảng viên"


@dataclass(frozen=True, slots=True)
class UnitRow:
    sheet: str
    row: int
    code: str
    name: str
    parent_code: str | None  # blank: a new unit is a root; an existing one keeps its parent
    kind: str
    valid_from: dt.date | None


@dataclass(frozen=True, slots=True)
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


def _messages(exc: Exception) -> list[str]:
    return [str(m) for m in getattr(exc, "messages", None) or [exc.args[0] if exc.args else exc]]


def _row_error(ctx: ImportContext, r: Any, column: str, value: Any, exc: Exception) -> None:
    """A refusal by a service (permission or data) as the row's error."""
    ctx.error(r.sheet, r.row, column, value, " ".join(_messages(exc)))


def _units_in_db(ctx: ImportContext, codes: set[str]) -> dict[str, Unit]:
    cache: dict[str, Unit] = ctx.cache.setdefault("units", {})
    missing = codes - cache.keys()
    if missing:
        cache.update({u.code: u for u in Unit.objects.filter(code__any_of=sorted(missing))})
    return {c: cache[c] for c in codes if c in cache}


def _same_text(a: str, b: str) -> bool:
    """Names compare exactly after NFC normalisation: ``Đắk Song`` over ``Đắk song``
    is a correction (case, tone mark), not "unchanged". Equal strings are equal
    normalised too: most rows of a re-import need no normalising."""
    return a == b or normalize(a) == normalize(b)


@dataclass(frozen=True, slots=True)
class _UnitPlan:
    """What a row of ``Đơn vị`` asks for."""

    create: bool
    rename: bool
    move: bool


def _plan(r: UnitRow, unit: Unit | None, parent_pk: int | None) -> _UnitPlan:
    if unit is None:
        return _UnitPlan(create=True, rename=False, move=False)
    rename = not _same_text(unit.name, r.name) or not _same_text(unit.kind, r.kind)
    move = bool(r.parent_code) and parent_pk != unit.parent_id
    return _UnitPlan(create=False, rename=rename, move=move)


def _change_date(unit: Unit, today: dt.date) -> dt.date:
    """The date of a change the import makes to an existing unit: today, or the day
    after the unit's start when that is later (refused as future by the service)."""
    if unit.valid_from is None:
        return today
    return max(today, unit.valid_from + dt.timedelta(days=1))


# --- Đơn vị -------------------------------------------------------------------------


def validate_units(rows: list[UnitRow], ctx: ImportContext) -> None:
    """Data and permission of every row, with the services' own rules
    (``services.check_*``): a row that changes nothing is accepted whoever sends
    it (a province's workbook may carry its own row with its real parent)."""
    actor = ctx.actor
    today = timezone.localdate()
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
                "Không tìm thấy đơn vị cấp trên (chưa có trong hệ thống hay trong trang này)."
                + lost_zeros_hint(r.parent_code),
            )
            continue
        unit = existing.get(r.code)
        parent = existing.get(r.parent_code) if r.parent_code else None
        try:
            if unit is None:
                services.check_structure_date(r.valid_from)
                # A parent new in this sheet: the first existing unit above it decides.
                anchor, code, seen = parent, r.parent_code, {r.code}
                while anchor is None and code and code in in_sheet and code not in seen:
                    seen.add(code)
                    code = in_sheet[code].parent_code
                    anchor = existing.get(code) if code else None
                services.check_unit_write(actor, anchor if code else None)
                continue
            if r.valid_from is not None and r.valid_from != unit.valid_from:
                ctx.error(
                    r.sheet,
                    r.row,
                    "Hiệu lực từ",
                    r.valid_from,
                    f"Đơn vị đã có hiệu lực từ {_fmt(unit.valid_from)}; ngày bắt đầu của đơn vị "
                    "đã có không sửa qua nhập dữ liệu (lịch sử cơ cấu dựa trên ngày này). Để "
                    "trống hoặc ghi đúng ngày đang có; thay đổi cơ cấu ghi ở trang Cơ cấu của "
                    "đơn vị.",
                )
            plan = _plan(r, unit, parent.pk if parent else None)
            if plan.rename:
                services.check_unit_write(actor, unit)
                services.check_structure_date(_change_date(unit, today))
            if plan.move:
                if r.parent_code in in_sheet and parent is None:
                    services.check_unit_write(actor, unit)
                    continue  # under a unit created by this sheet: checked on its own row
                services.check_unit_parent_change(actor, unit, parent)
                services.check_structure_date(_change_date(unit, today))
        except PermissionDenied as exc:
            column, value = (
                ("Mã đơn vị cấp trên", r.parent_code or "")
                if unit is None or _plan(r, unit, parent.pk if parent else None).move
                else ("Mã đơn vị", r.code)
            )
            _row_error(ctx, r, column, value, exc)
        except ValidationError as exc:
            _row_error(ctx, r, "Hiệu lực từ" if unit is None else "Tên đơn vị", r.valid_from, exc)
    # cycles within the sheet
    for r in rows:
        seen = {r.code}
        current = in_sheet.get(r.parent_code or "")
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
            current = in_sheet.get(current.parent_code or "")
    ctx.cache["sheet_units"] = in_sheet


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "(trống)"


def commit_units(rows: list[UnitRow], ctx: ImportContext) -> SheetCounts:
    """Every write through the services, which check the actor again; a refusal
    becomes the row's error and the whole import is rolled back."""
    counts = SheetCounts()
    today = timezone.localdate()
    by_code = {r.code: r for r in rows}
    done: dict[str, Unit] = {}
    issues: list[ImportIssue] = []
    existing = services.units_by_code(
        by_code.keys() | {r.parent_code for r in rows if r.parent_code}
    )

    def ensure(r: UnitRow) -> Unit:
        if r.code in done:
            return done[r.code]
        unit = existing.get(r.code)
        parent: Unit | None = None
        if r.parent_code:
            parent = (
                ensure(by_code[r.parent_code])
                if r.parent_code in by_code
                else existing[r.parent_code]
            )
        elif unit is not None and unit.parent_id is not None:
            parent = unit.parent  # blank parent on an existing unit: unchanged
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
            plan = _plan(r, unit, parent.pk if parent else None)
            if plan.rename:
                on = _change_date(unit, today)
                services.unit_rename(actor=ctx.actor, unit=unit, name=r.name, kind=r.kind, on=on)
            if plan.move:
                on = _change_date(unit, today)
                services.unit_move(actor=ctx.actor, unit=unit, new_parent=parent, on=on)
                unit.refresh_from_db()
            if plan.rename or plan.move:
                counts.updated += 1
            else:
                counts.unchanged += 1
        done[r.code] = unit
        return unit

    def plan_of(r: UnitRow) -> _UnitPlan:
        parent = existing.get(r.parent_code) if r.parent_code else None
        moved = bool(r.parent_code) and (parent is None or parent.pk != existing[r.code].parent_id)
        if moved:
            return _UnitPlan(create=False, rename=False, move=True)
        return _plan(r, existing[r.code], parent.pk if parent else None)

    updates = [r for r in rows if r.code in existing]
    if any(plan_of(r).move for r in updates):
        # A move reorders the tree under the rows around it: one row at a time, each
        # parent before its children, as a person would (moves are few and small).
        for r in rows:
            try:
                ensure(r)
            except (PermissionDenied, ValidationError) as exc:
                issues.append(
                    ImportIssue(r.sheet, r.row, "Mã đơn vị", r.code, " ".join(_messages(exc)))
                )
    else:
        # No move: the new units in one set (parents first), renames one by one.
        order: list[UnitRow] = []
        placed: set[str] = set()
        for r in rows:
            chain: list[UnitRow] = []
            current: UnitRow | None = r
            while current is not None and current.code not in placed:
                if current.code in existing or current in chain:
                    break
                chain.append(current)
                current = by_code.get(current.parent_code or "")
            for item in reversed(chain):
                placed.add(item.code)
                order.append(item)
        try:
            created = services.unit_bulk_create(
                actor=ctx.actor,
                rows=[
                    services.NewUnit(r.code, r.name, r.kind, r.parent_code, r.valid_from)
                    for r in order
                ],
            )
        except services.UnitRefused as exc:
            r = next((r for r in order if r.code == exc.code), order[0])
            issues.append(
                ImportIssue(r.sheet, r.row, "Mã đơn vị", r.code, " ".join(_messages(exc)))
            )
        else:
            done.update({u.code: u for u in created})
            counts.created += len(created)
        for r in updates:
            unit = existing[r.code]
            try:
                plan = _plan(r, unit, existing[r.parent_code].pk if r.parent_code else None)
                if plan.rename:
                    on = _change_date(unit, today)
                    services.unit_rename(
                        actor=ctx.actor, unit=unit, name=r.name, kind=r.kind, on=on
                    )
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            except (PermissionDenied, ValidationError) as exc:
                issues.append(
                    ImportIssue(r.sheet, r.row, "Mã đơn vị", r.code, " ".join(_messages(exc)))
                )
            done[r.code] = unit
    if issues:
        raise ImportRejected(issues)
    ctx.cache.setdefault("units", {}).update(done)
    return counts


# --- Đảng viên ------------------------------------------------------------------------


def validate_members(rows: list[MemberRow], ctx: ImportContext) -> None:
    sheet_units: dict[str, UnitRow] = ctx.cache.get("sheet_units", {})
    existing_units = _units_in_db(ctx, {r.unit_code for r in rows})
    today = timezone.localdate()
    existing_members = _member_states([r.code for r in rows], today)
    writable = services.writable_member_codes(ctx.actor, existing_members)
    for r in rows:
        unit = existing_units.get(r.unit_code)
        if unit is None and r.unit_code not in sheet_units:
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                "Không tìm thấy đơn vị." + lost_zeros_hint(r.unit_code),
            )
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
        member = existing_members.get(r.code)
        plan = (
            _member_plan(member, r, unit.pk if unit else None, today)
            if member is not None
            else None
        )
        try:
            if unit is not None and (plan is None or plan.transfer):
                services.check_unit_write(ctx.actor, unit)
        except PermissionDenied as exc:
            _row_error(ctx, r, "Mã đơn vị", r.unit_code, exc)
        if (
            plan is not None
            and r.code not in writable
            # a row that changes nothing is accepted whoever sends it
            and plan.changes
        ):
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
    existing = _member_states([r.code for r in rows], today)
    new_rows: list[services.NewMember] = []
    # Only the plans of rows that change something are kept (a re-import: none of its
    # 100.000); an unchanged row is counted and costs no query.
    plans: dict[str, _MemberPlan] = {}
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
        plan = _member_plan(member, r, unit.pk, today)
        if plan.changes:
            plans[r.code] = plan
        else:
            counts.unchanged += 1
    del existing
    issues: list[ImportIssue] = []
    # The members a row changes are loaded as models and written one by one through
    # the services.
    changed = plans.keys()
    members = {m.code: m for m in Member.objects.filter(code__any_of=sorted(changed))}
    for r in rows:
        if r.code not in changed:
            continue
        try:
            _update_member(members[r.code], plans[r.code], r, units[r.unit_code], today, ctx)
            counts.updated += 1
        except (PermissionDenied, ValidationError) as exc:
            issues.append(
                ImportIssue(r.sheet, r.row, "Mã đảng viên", r.code, " ".join(_messages(exc)))
            )
    try:
        created = services.member_bulk_import(actor=ctx.actor, rows=new_rows)
    except (PermissionDenied, ValidationError) as exc:
        first = next((r for r in rows if new_rows and r.code == new_rows[0].code), rows[0])
        issues.append(
            ImportIssue(
                first.sheet, first.row, "Mã đơn vị", first.unit_code, " ".join(_messages(exc))
            )
        )
    if issues:
        raise ImportRejected(issues)
    counts.created = created
    return counts


@dataclass(frozen=True, slots=True)
class _MemberPlan:
    """What a row of ``Đảng viên`` changes on an existing member."""

    details: tuple[tuple[str, str, str], str, dt.date | None, dt.date | None] | None
    transfer: bool
    exempt: bool | None  # the wanted exemption when it changes

    @property
    def changes(self) -> bool:
        return self.details is not None or self.transfer or self.exempt is not None


@dataclass(frozen=True, slots=True)
class _MemberState:
    """What a row of ``Đảng viên`` is compared with: the member's recorded details,
    the unit of their open membership and whether they are exempt today."""

    code: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: dt.date | None
    admission_date: dt.date | None
    unit_id: int | None
    is_exempt: bool

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


def _member_states(codes: list[str], today: dt.date) -> dict[str, _MemberState]:
    """The existing members among ``codes`` as plain values, in one query: the unit of
    the open membership through a filtered outer join (the earliest-starting one, should
    there be two) and today's exemption as ``EXISTS``. A correlated subquery for the
    open membership made PostgreSQL probe the index once per member (2,2 s for 100.000
    members; the join, 0,7 s); a model with its memberships prefetched cost ~2 KB and
    ~0.2 ms a row."""
    from django.db.models import Exists, FilteredRelation, OuterRef, Q

    from .models import Exemption

    exempt_today = Exists(
        Exemption.objects.filter(member=OuterRef("pk"))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
    )
    fields = ("family_name", "middle_name", "given_name", "gender", "birth_date")
    rows = (
        Member.objects.filter(code__any_of=codes)
        .annotate(
            open=FilteredRelation("memberships", condition=Q(memberships__valid_to__isnull=True)),
            exempt_today=exempt_today,
        )
        .order_by("pk", "open__valid_from")
        .values_list("code", *fields, "admission_date", "open__unit_id", "exempt_today")
    )
    states: dict[str, _MemberState] = {}
    # Names, genders and dates repeat across a roll: one object for each distinct value
    # instead of one per row (~20 MB less for 100.000 members).
    same: dict[Any, Any] = {}
    one = same.setdefault
    # streamed: the whole result as rows beside the states was ~35 MB more at the peak
    for code, family, middle, given, gender, birth, admission, unit, exempt in rows.iterator(
        chunk_size=5000
    ):
        if code not in states:  # the first open membership, as ORDER BY valid_from gives
            states[code] = _MemberState(
                code,
                one(family, family),
                one(middle, middle),
                one(given, given),
                one(gender, gender),
                one(birth, birth),
                one(admission, admission),
                unit,
                exempt,
            )
    return states


def _member_plan(
    member: _MemberState, r: MemberRow, unit_pk: int | None, today: dt.date
) -> _MemberPlan:
    names = (member.family_name, member.middle_name, member.given_name)
    if not _same_text(member.full_name, r.full_name):
        names = split_full_name(r.full_name)
    # A blank cell keeps what is recorded; a filled one replaces it.
    gender = r.gender or member.gender
    birth_date = r.birth_date or member.birth_date
    admission_date = r.admission_date or member.admission_date
    changed = names != (member.family_name, member.middle_name, member.given_name) or (
        (gender, birth_date, admission_date)
        != (member.gender, member.birth_date, member.admission_date)
    )
    wanted = bool(r.exempt)  # blank means "Không"
    return _MemberPlan(
        details=(names, gender, birth_date, admission_date) if changed else None,
        transfer=member.unit_id is None or unit_pk is None or member.unit_id != unit_pk,
        exempt=wanted if member.is_exempt != wanted else None,
    )


def _update_member(
    member: Member, plan: _MemberPlan, r: MemberRow, unit: Unit, today: dt.date, ctx: ImportContext
) -> bool:
    if plan.details is not None:
        (family, middle, given), gender, birth_date, admission_date = plan.details
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
    if plan.transfer:
        on = r.since or today
        services.member_transfer(actor=ctx.actor, member=member, to_unit=unit, on=on)
    if plan.exempt is not None:
        services.member_set_exempt(actor=ctx.actor, member=member, exempt=plan.exempt, on=today)
    return plan.changes


def digit_variants(model: type[Model]) -> Callable[[str], list[str]]:
    """Existing codes of ``model`` that are ``digits`` give or take leading zeros."""

    def variants(digits: str) -> list[str]:
        found = model._default_manager.filter(code__endswith=digits.lstrip("0") or "0")
        return sorted(
            c
            for c in found.values_list("code", flat=True)
            if is_digits(c) and c.lstrip("0") == digits.lstrip("0")
        )

    return variants


UNIT_CODE = code_cell_parser("Mã đơn vị", digit_variants(Unit))
MEMBER_CODE = code_cell_parser("Mã đảng viên", digit_variants(Member))

GENDERS: dict[str, str] = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}
YES_NO: dict[str, bool] = {"Có": True, "Không": False, "x": True}

register_sheet(
    SheetSpec(
        name=UNIT_SHEET,
        order=10,
        record=UnitRow,
        key_field="code",
        columns=[
            Column(
                "Mã đơn vị",
                "code",
                required=True,
                parse=UNIT_CODE,
                help="mã duy nhất của đơn vị",
            ),
            Column("Tên đơn vị", "name", required=True),
            Column(
                "Mã đơn vị cấp trên",
                "parent_code",
                parse=UNIT_CODE,
                help="để trống với đơn vị gốc; với đơn vị đã có, để trống là giữ nguyên",
            ),
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
            Column("Mã đảng viên", "code", required=True, parse=MEMBER_CODE),
            Column("Họ và tên", "full_name", required=True),
            Column("Giới tính", "gender", parse=enum_parser(GENDERS, "Giới tính")),
            Column("Ngày sinh", "birth_date", parse=parse_date_cell, help="dd/mm/yyyy"),
            Column(
                "Mã đơn vị",
                "unit_code",
                required=True,
                parse=UNIT_CODE,
                help="thường là mã chi bộ",
            ),
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
