"""The ``Báo cáo viên`` sheet: same services and permissions as the web, all or
nothing, every error with sheet/row/column/value, a second import changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.imports.framework import registered_sheets, run_import
from tuyengiao.presenters.models import Presenter

pytestmark = pytest.mark.django_db

HEADER = (
    "Mã báo cáo viên,Họ và tên,Cấp,Mã đơn vị,Mã đảng viên,Từ ngày,Đến ngày,"
    "Số quyết định,Lý luận chính trị,Chuyên môn,Ngôn ngữ\n"
)
GOOD = HEADER + (
    "BCV-01,Lò Văn Thắng,Tỉnh,TINH,,01/03/2022,,15-QĐ/TU,Cao cấp,Thạc sĩ,Thái\n"
    "BCV-02,Trần Thị Bình,co so,XA1,DV1,01/07/2025,,,cu nhan,Đại học,\n"
    "TTV-01,Giàng A Sình,Tuyên truyền viên,CB1,,01/08/2025,,,,,Mông; Dao\n"
    "BCV-03,Lê Văn Cường,Huyện,TINH,,01/01/2021,30/06/2025,,Trung cấp,,\n"
)


def _import(actor: Any, text: str, *, dry_run: bool = False) -> Any:
    return run_import([("Báo cáo viên.csv", text.encode())], actor=actor, dry_run=dry_run)


def test_sheet_is_registered_before_sessions() -> None:
    names = [s.name for s in registered_sheets()]
    assert names.index("Báo cáo viên") < names.index("Hội nghị")
    assert names.index("Đảng viên") < names.index("Báo cáo viên")


def test_import_creates_then_a_second_import_changes_nothing(world: Any) -> None:
    result = _import(world.users["province"], GOOD)
    assert result.committed, [e.as_text() for e in result.errors]
    counts = result.counts["Báo cáo viên"]
    assert (counts.created, counts.updated, counts.unchanged) == (4, 0, 0)
    binh = Presenter.objects.get(code="BCV-02")
    assert binh.member == world.members[1] and binh.theory == "cu_nhan"
    assert binh.level.code == "co_so" and binh.status.code == "cong_nhan"
    assert Presenter.objects.get(code="TTV-01").languages == "Mông; Dao"
    old = Presenter.objects.get(code="BCV-03")
    assert old.level.code == "huyen" and old.valid_until == dt.date(2025, 6, 30)
    again = _import(world.users["province"], GOOD)
    counts = again.counts["Báo cáo viên"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 4)
    assert not again.changed


def test_a_changed_row_updates_that_record(world: Any) -> None:
    _import(world.users["province"], GOOD)
    changed = GOOD.replace(
        "BCV-02,Trần Thị Bình,co so,XA1,DV1,01/07/2025,,",
        "BCV-02,Trần Thị Bình,co so,XA1,DV1,01/07/2025,31/12/2025,",
    )
    result = _import(world.users["province"], changed)
    assert result.counts["Báo cáo viên"].updated == 1
    assert Presenter.objects.get(code="BCV-02").valid_until == dt.date(2025, 12, 31)


def test_every_error_names_sheet_row_column_value_and_nothing_is_written(world: Any) -> None:
    bad = HEADER + (
        "BCV-01,Lò Văn Thắng,Tinh ủy,TINH,,,,,,,\n"  # unknown level
        "BCV-02,Trần Thị Bình,Cơ sở,XA9,,,,,,,\n"  # unknown unit
        "BCV-03,Lê Văn Cường,Huyện,TINH,,01/08/2025,,,,,\n"  # district level after the reform
        "BCV-04,Lê Văn Cường,Cơ sở,XA1,DV404,,,,,,\n"  # unknown member
        "BCV-05,Hà Văn An,Cơ sở,XA1,,01/08/2025,01/07/2025,,,,\n"  # dates out of order
        "BCV-06,Hà Văn Bảo,Cơ sở,XA1,,,,,,,\n"  # a good row: not written either
        "BCV-07,Hà Văn Cầu,Cơ sở,XA1,,,,,Tiến sĩ,,\n"  # not a political theory level
    )
    result = _import(world.users["province"], bad)
    assert not result.committed
    found = {(e.sheet, e.row, e.column, e.value) for e in result.errors}
    assert ("Báo cáo viên", 2, "Cấp", "Tinh ủy") in found
    assert ("Báo cáo viên", 3, "Mã đơn vị", "XA9") in found
    assert ("Báo cáo viên", 4, "Từ ngày", "01/08/2025") in found
    assert ("Báo cáo viên", 5, "Mã đảng viên", "DV404") in found
    assert ("Báo cáo viên", 8, "Lý luận chính trị", "Tiến sĩ") in found
    assert ("Báo cáo viên", 6, "Đến ngày", "01/07/2025") in found
    assert all(e.message for e in result.errors)
    assert not Presenter.objects.exists()


def test_same_permissions_as_the_web(world: Any) -> None:
    # commune staff: their own commune yes, the province's roster or a sibling's no
    result = _import(world.users["commune"], GOOD)
    assert not result.committed
    refused = {(e.row, e.column) for e in result.errors}
    assert (2, "Mã đơn vị") in refused and (5, "Mã đơn vị") in refused
    assert (3, "Mã đơn vị") not in refused and (4, "Mã đơn vị") not in refused
    only_own = HEADER + "BCV-02,Trần Thị Bình,Cơ sở,XA1,DV1,01/07/2025,,,,,\n"
    assert _import(world.users["commune"], only_own).committed
    # a cell secretary reads the roster but keeps none of it
    secretary = _import(
        world.users["secretary"], HEADER + "TTV-9,Lò A Chứ,Tuyên truyền viên,CB1,,,,,,,\n"
    )
    assert not secretary.committed and not Presenter.objects.filter(code="TTV-9").exists()
    # a presenter of the province cannot be taken over by a commune's workbook
    _import(world.users["province"], GOOD)
    takeover = HEADER + "BCV-01,Lò Văn Thắng,Cơ sở,XA1,,01/03/2022,,,,,\n"
    result = _import(world.users["commune"], takeover)
    assert ("Báo cáo viên", 2, "Mã báo cáo viên", "BCV-01") in {
        (e.sheet, e.row, e.column, e.value) for e in result.errors
    }
    assert Presenter.objects.get(code="BCV-01").unit == world.province


def test_units_and_members_of_the_same_workbook(world: Any) -> None:
    files = [
        (
            "Đơn vị.csv",
            "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại đơn vị\nXA3,Đảng ủy xã Ba,TINH,Đảng ủy xã\n".encode(),
        ),
        ("Đảng viên.csv", "Mã đảng viên,Họ và tên,Mã đơn vị\nDV77,Sùng A Tủa,XA3\n".encode()),
        ("Báo cáo viên.csv", (HEADER + "BCV-77,Sùng A Tủa,Cơ sở,XA3,DV77,,,,,,Mông\n").encode()),
    ]
    result = run_import(files, actor=world.users["province"], dry_run=False)
    assert result.committed, [e.as_text() for e in result.errors]
    assert Presenter.objects.get(code="BCV-77").member.code == "DV77"  # type: ignore[union-attr]


SESSIONS = (
    "Mã hội nghị,Mã đơn vị,Số hiệu văn bản,Ngày,Hình thức,Báo cáo viên\n"
    "HN-P1,CB1,57-NQ/TW,15/09/2025,Trực tiếp,BCV-02; TTV-01\n"
    "HN-P2,XA1,57-NQ/TW,16/09/2025,Trực tiếp,\n"
)


def _workbook(actor: Any, presenters: str, sessions: str) -> Any:
    files = [("Báo cáo viên.csv", presenters.encode()), ("Hội nghị.csv", sessions.encode())]
    return run_import(files, actor=actor, dry_run=False)


def test_sessions_name_presenters_in_the_same_workbook(world: Any) -> None:
    from tuyengiao.presenters.models import SessionPresenter
    from tuyengiao.tests import factories

    factories.document("57-NQ/TW")
    result = _workbook(world.users["province"], GOOD, SESSIONS)
    assert result.committed, [e.as_text() for e in result.errors]
    named = set(SessionPresenter.objects.values_list("session__code", "presenter__code"))
    assert named == {("HN-P1", "BCV-02"), ("HN-P1", "TTV-01")}
    again = _workbook(world.users["province"], GOOD, SESSIONS)
    assert again.committed and not again.changed
    assert SessionPresenter.objects.count() == 2


def test_an_unknown_or_out_of_scope_presenter_is_an_error(world: Any) -> None:
    from tuyengiao.presenters.models import SessionPresenter
    from tuyengiao.tests import factories

    factories.document("57-NQ/TW")
    _import(world.users["province"], HEADER + "BCV-Y,Hà Thị Lan,Cơ sở,XA2,,,,,,,\n")
    sessions = (
        "Mã hội nghị,Mã đơn vị,Số hiệu văn bản,Ngày,Hình thức,Báo cáo viên\n"
        "HN-P1,CB1,57-NQ/TW,15/09/2025,Trực tiếp,BCV-404\n"
        "HN-P2,CB1,57-NQ/TW,15/09/2025,Trực tiếp,BCV-Y\n"
    )
    result = run_import(
        [("Hội nghị.csv", sessions.encode())], actor=world.users["commune"], dry_run=False
    )
    found = {(e.sheet, e.row, e.column, e.value) for e in result.errors}
    assert ("Hội nghị", 2, "Báo cáo viên", "BCV-404") in found
    assert ("Hội nghị", 3, "Báo cáo viên", "BCV-Y") in found
    assert not result.committed and not SessionPresenter.objects.exists()
