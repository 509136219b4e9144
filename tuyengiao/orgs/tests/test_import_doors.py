"""The ``Đơn vị`` and ``Đảng viên`` sheets under attack and under Excel's own mistakes
(issue 10, items 2 and 7; issue 13, item 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuyengiao.imports.framework import run_import
from tuyengiao.imports.tests.test_workbook_import import workbook
from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Member, Unit

pytestmark = pytest.mark.django_db


def units_only(rows: list[list[Any]]) -> bytes:
    return workbook(rows, [])


def _import(rows: list[list[Any]], actor: Any, members: list[list[Any]] | None = None) -> Any:
    return run_import([("a.xlsx", workbook(rows, members or []))], actor=actor, dry_run=False)


# --- blank parents, moves, dates ---------------------------------------------------------


def test_a_blank_parent_keeps_an_existing_unit_where_it_is(world: Any) -> None:
    """Commune staff upload their own row with a blank parent (or merged cells blank
    out the parent of many rows): the commune does not become a root."""
    rows = [
        ["XA1", "Đảng ủy xã Một", "", "Đảng ủy xã", ""],
        ["CB1", "Chi bộ bản Một", "", "Chi bộ", ""],
        ["CB2", "Chi bộ bản Hai", "", "Chi bộ", ""],
    ]
    result = _import(rows, world.users["commune"])
    assert result.ok, [e.as_text() for e in result.errors]
    assert result.counts["Đơn vị"].unchanged == 3
    assert Unit.objects.get(code="XA1").parent == world.province
    assert Unit.objects.get(code="CB1").parent == world.commune
    assert Unit.objects.filter(parent__isnull=True).count() == 1


def test_only_the_system_creates_a_root(world: Any) -> None:
    result = _import([["GOC", "Gốc mới", "", "Tỉnh ủy", ""]], world.users["province"])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Mã đơn vị cấp trên")]
    assert not Unit.objects.filter(code="GOC").exists()
    assert _import([["GOC", "Gốc mới", "", "Tỉnh ủy", ""]], SYSTEM).ok


def test_moving_needs_write_access_to_both_parents(world: Any) -> None:
    """Commune staff of XA2 may write CB3 and XA2, but not XA1 where CB1 lives."""
    result = _import([["CB1", "Chi bộ bản Một", "XA2", "Chi bộ", ""]], world.users["outsider"])
    assert not result.ok and not result.committed
    assert Unit.objects.get(code="CB1").parent == world.commune
    with pytest.raises(PermissionDenied):
        services.unit_move(
            actor=world.users["outsider"],
            unit=world.cell,
            new_parent=world.sibling_commune,
            on=timezone.localdate(),
        )


def test_a_structural_change_dated_after_today_is_refused(world: Any) -> None:
    far = dt.date(9999, 12, 31)
    changes: tuple[Callable[[], object], ...] = (
        lambda: services.unit_rename(actor=SYSTEM, unit=world.cell, name="Đổi", on=far),
        lambda: services.unit_move(
            actor=SYSTEM, unit=world.cell, new_parent=world.sibling_commune, on=far
        ),
        lambda: services.unit_dissolve(actor=SYSTEM, unit=world.cell2, on=far),
        lambda: services.unit_merge(actor=SYSTEM, sources=[world.cell2], into=world.cell, on=far),
        lambda: services.unit_create(
            actor=SYSTEM,
            code="TL",
            name="Tương lai",
            kind="Chi bộ",
            parent=world.cell,
            valid_from=far,
        ),
    )
    for change in changes:
        with pytest.raises(ValidationError, match="ở tương lai"):
            change()
    result = _import([["TL", "Tương lai", "CB1", "Chi bộ", "31/12/2099"]], world.users["province"])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Hiệu lực từ")]
    assert "ở tương lai" in result.errors[0].message
    # The unit is not frozen: a merge above it still goes through today.
    services.unit_merge(
        actor=SYSTEM, sources=[world.cell2], into=world.cell, on=timezone.localdate()
    )


# --- corrections (issue 13, item 4) --------------------------------------------------------


def test_a_change_of_case_or_tone_mark_is_a_correction(world: Any) -> None:
    services.unit_create(
        actor=SYSTEM, code="DS", name="Xã Đắk song", kind="Đảng ủy xã", parent=world.province
    )
    result = _import([["DS", "Xã Đắk Song", "TINH", "Đảng ủy xã", ""]], SYSTEM)
    assert result.ok, [e.as_text() for e in result.errors]
    assert result.counts["Đơn vị"].updated == 1
    assert Unit.objects.get(code="DS").name == "Xã Đắk Song"
    result = _import([["DS", "Xã Đắk Sóng", "TINH", "Đảng ủy xã", ""]], SYSTEM)
    assert result.counts["Đơn vị"].updated == 1


def test_a_changed_start_date_is_refused_with_a_reason(world: Any) -> None:
    result = _import([["CB1", "Chi bộ bản Một", "XA1", "Chi bộ", "01/02/2024"]], SYSTEM)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Hiệu lực từ", "01/02/2024")]
    assert "01/01/2024" in result.errors[0].message
    assert Unit.objects.get(code="CB1").valid_from == dt.date(2024, 1, 1)
    same = _import([["CB1", "Chi bộ bản Một", "XA1", "Chi bộ", "01/01/2024"]], SYSTEM)
    assert same.ok and same.counts["Đơn vị"].unchanged == 1


def test_an_unchanged_row_outside_ones_scope_is_accepted(world: Any) -> None:
    """A province under a national root imports its workbook, its own row included
    with its real parent: nothing changes, so nothing is refused."""
    nation = services.unit_create(actor=SYSTEM, code="TW", name="Trung ương", kind="Trung ương")
    services.unit_move(
        actor=SYSTEM, unit=world.province, new_parent=nation, on=timezone.localdate()
    )
    rows = [
        ["TINH", "Tỉnh ủy Thử", "TW", "Tỉnh ủy", ""],
        ["XA1", "Đảng ủy xã Một", "TINH", "Đảng ủy xã", "01/01/2024"],
        ["CBM", "Chi bộ mới", "XA1", "Chi bộ", ""],
    ]
    result = _import(rows, world.users["province"])
    assert result.ok, [e.as_text() for e in result.errors]
    assert (result.counts["Đơn vị"].unchanged, result.counts["Đơn vị"].created) == (2, 1)
    renamed = _import([["TINH", "Tỉnh ủy Khác", "TW", "Tỉnh ủy", ""]], world.users["commune"])
    assert [(e.row, e.column, e.value) for e in renamed.errors] == [(2, "Mã đơn vị", "TINH")]


# --- Excel's own mistakes (issue 10, item 7) -------------------------------------------------


def test_a_numeric_code_cell_is_an_error_naming_the_cause(world: Any) -> None:
    """``00004`` typed in a General column arrives as the number 4."""
    result = _import([[4, "Chi bộ Bốn", "CB1", "Chi bộ", ""]], SYSTEM)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Mã đơn vị", "4")]
    assert "mất số 0 ở đầu" in result.errors[0].message
    assert "Văn bản" in result.errors[0].message
    assert not Unit.objects.filter(code="4").exists()
    members = [[12345, "Nguyễn Văn Số", "", "", "CB1", "", "", ""]]
    result = _import([], SYSTEM, members)
    assert [(e.column, e.value) for e in result.errors] == [("Mã đảng viên", "12345")]
    assert not Member.objects.filter(code="12345").exists()


def test_a_numeric_cell_maps_when_unambiguous(world: Any) -> None:
    services.unit_create(
        actor=SYSTEM, code="7", name="Chi bộ Bảy", kind="Chi bộ", parent=world.commune
    )
    assert _import([[7, "Chi bộ Bảy", "XA1", "Chi bộ", ""]], SYSTEM).ok
    services.unit_create(
        actor=SYSTEM, code="007", name="Chi bộ 007", kind="Chi bộ", parent=world.commune
    )
    ambiguous = _import([[7, "Chi bộ Bảy", "XA1", "Chi bộ", ""]], SYSTEM)
    assert "mất số 0 ở đầu" in ambiguous.errors[0].message


def test_parents_not_found_that_look_like_numbers_say_so(world: Any) -> None:
    rows = [[f"C{i}", f"Chi bộ {i}", "1", "Chi bộ", ""] for i in range(3)]
    result = _import(rows, SYSTEM)
    assert len(result.errors) == 3
    assert all("bỏ các số 0 ở đầu" in e.message for e in result.errors)


def test_an_unchanged_member_row_outside_ones_scope_is_accepted(world: Any) -> None:
    same = [["DV0", "Nguyễn Văn An", "", "", "CB1", "", "", ""]]
    result = _import([], world.users["outsider"], same)
    assert result.ok, [e.as_text() for e in result.errors]
    assert result.counts["Đảng viên"].unchanged == 1
    renamed = [["DV0", "Nguyễn Văn Ân", "", "", "CB1", "", "", ""]]
    result = _import([], world.users["outsider"], renamed)
    assert [(e.column, e.value) for e in result.errors] == [("Mã đảng viên", "DV0")]
    assert Member.objects.get(code="DV0").full_name == "Nguyễn Văn An"
