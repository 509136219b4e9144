"""The sheets ``Buổi tuyên truyền``, ``Lớp tập huấn``, ``Học viên`` and ``Tài liệu``:
the columns of WORKBOOK.md, the same services and permissions as the web, all or
nothing, every error with sheet/row/column/value, a second import changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.imports.framework import registered_sheets, run_import
from tuyengiao.presenters.models import Course, DisseminationEvent, Learner, Material

pytestmark = pytest.mark.django_db

EVENTS = (
    "Mã buổi,Mã đơn vị,Ngày,Hình thức,Báo cáo viên,Số hiệu văn bản,Ngôn ngữ,Số lượt người nghe\n"
    "TT-01,CB1,02/08/2025,Lồng ghép,BCV-X1,57-NQ/TW,,120\n"
    "TT-02,XA1,03/09/2025,luu dong,BCV-X1; TTV-X1,,Mông,1.250\n"
    "TT-03,XA1,04/09/2025,,,,,15\n"
)
COURSES = (
    "Mã lớp,Tên lớp,Mã đơn vị,Từ ngày,Đến ngày,Số lượt học viên\n"
    "LOP-01,Tập huấn báo cáo viên cơ sở,XA1,10/08/2025,12/08/2025,30\n"
    "LOP-02,Bồi dưỡng kỹ năng,TINH,01/09/2025,,\n"
)
LEARNERS = (
    "Mã lớp,Mã báo cáo viên,Mã đảng viên,Kết quả\n"
    "LOP-01,BCV-X1,,Giỏi\n"
    "LOP-01,,DV2,hoan thanh\n"
    "LOP-02,TTV-X1,,\n"
)
MATERIALS = (
    "Mã tài liệu,Tên tài liệu,Loại,Mã đơn vị,Ngày,Số hiệu văn bản,Số bản\n"
    "TL-01,Đề cương tuyên truyền Nghị quyết 57,Đề cương,TINH,01/08/2025,57-NQ/TW,2.000\n"
    "TL-02,Tờ gấp hỏi đáp,to gap,XA1,05/08/2025,,\n"
)


def _files(**sheets: str) -> list[tuple[str, bytes]]:
    names = {
        "events": "Buổi tuyên truyền",
        "courses": "Lớp tập huấn",
        "learners": "Học viên",
        "materials": "Tài liệu",
    }
    return [(f"{names[k]}.csv", v.encode()) for k, v in sheets.items()]


def _import(actor: Any, **sheets: str) -> Any:
    return run_import(_files(**sheets), actor=actor, dry_run=False)


ALL = {"events": EVENTS, "courses": COURSES, "learners": LEARNERS, "materials": MATERIALS}


@pytest.fixture
def document(world: Any) -> Any:
    from tuyengiao.tests import factories

    return factories.document("57-NQ/TW")


def test_headers_are_those_of_the_workbook() -> None:
    sheets = {s.name: [c.header for c in s.columns] for s in registered_sheets()}
    assert sheets["Buổi tuyên truyền"] == EVENTS.splitlines()[0].split(",")
    assert sheets["Lớp tập huấn"] == COURSES.splitlines()[0].split(",")
    assert sheets["Học viên"] == LEARNERS.splitlines()[0].split(",")
    assert sheets["Tài liệu"] == MATERIALS.splitlines()[0].split(",")
    order = [s.name for s in registered_sheets()]
    assert order.index("Báo cáo viên") < order.index("Buổi tuyên truyền")
    assert order.index("Lớp tập huấn") < order.index("Học viên")


def test_import_creates_then_a_second_import_changes_nothing(
    world: Any, roster: Any, document: Any
) -> None:
    result = _import(world.users["province"], **ALL)
    assert result.committed, [e.as_text() for e in result.errors]
    got = {k: (c.created, c.updated, c.unchanged) for k, c in result.counts.items()}
    assert got["Buổi tuyên truyền"] == (3, 0, 0)
    assert got["Lớp tập huấn"] == (2, 0, 0)
    assert got["Học viên"] == (3, 0, 0)
    assert got["Tài liệu"] == (2, 0, 0)
    tt2 = DisseminationEvent.objects.get(code="TT-02")
    assert (tt2.listeners, tt2.language, tt2.form.code if tt2.form else "") == (
        1250,
        "Mông",
        "luu_dong",
    )
    assert sorted(tt2.presenters.values_list("code", flat=True)) == ["BCV-X1", "TTV-X1"]
    assert DisseminationEvent.objects.get(code="TT-01").document == document
    assert Course.objects.get(code="LOP-01").extra_participants == 30
    assert Course.objects.get(code="LOP-02").date_to is None
    assert Learner.objects.get(course__code="LOP-01", presenter__code="BCV-X1").result == "gioi"
    assert Learner.objects.get(course__code="LOP-01", member__code="DV2").result == "hoan_thanh"
    assert Material.objects.get(code="TL-01").copies == 2000
    assert Material.objects.get(code="TL-02").kind == "to_gap"
    again = _import(world.users["province"], **ALL)
    assert again.committed and not again.changed
    assert all(c.created == c.updated == 0 for c in again.counts.values())


def test_a_changed_row_updates_that_record(world: Any, roster: Any, document: Any) -> None:
    _import(world.users["province"], **ALL)
    result = _import(world.users["province"], events=EVENTS.replace(",,,,,15\n", ",,,,,16\n"))
    assert result.counts["Buổi tuyên truyền"].updated == 1
    assert DisseminationEvent.objects.get(code="TT-03").listeners == 16


def test_every_error_names_sheet_row_column_value_and_nothing_is_written(
    world: Any, roster: Any
) -> None:
    events = EVENTS.splitlines()[0] + (
        "\nTT-01,XA9,02/08/2025,,,,,1\n"  # unknown unit
        "TT-02,XA1,02/08/2025,Hội thảo,,,,1\n"  # not a form
        "TT-03,XA1,02/08/2025,,BCV-404,,,1\n"  # unknown presenter
        "TT-04,XA1,02/08/2025,,,99-NQ/TW,,1\n"  # unregistered document
        "TT-05,XA1,02/08/2025,,,,,\n"  # listeners missing
        "TT-06,XA1,02/08/2025,,,,,10\n"  # a good row: not written either
    )
    courses = COURSES.splitlines()[0] + "\nLOP-01,Lớp,XA1,10/08/2025,01/08/2025,\n"
    learners = LEARNERS.splitlines()[0] + (
        "\nLOP-09,BCV-X1,,\n"  # unknown course
        "LOP-01,,,Giỏi\n"  # nobody
        "LOP-01,BCV-X1,,Xuất sắc\n"  # not a result
        "LOP-01,BCV-Y1,,\n"
        "LOP-01,BCV-Y1,,\n"  # twice
    )
    materials = MATERIALS.splitlines()[0] + "\nTL-01,Tờ gấp,Áp phích,XA1,01/08/2025,,\n"
    result = _import(
        world.users["province"],
        events=events,
        courses=courses,
        learners=learners,
        materials=materials,
    )
    assert not result.committed
    found = {(e.sheet, e.row, e.column, e.value) for e in result.errors}
    assert ("Buổi tuyên truyền", 2, "Mã đơn vị", "XA9") in found
    assert ("Buổi tuyên truyền", 3, "Hình thức", "Hội thảo") in found
    assert ("Buổi tuyên truyền", 4, "Báo cáo viên", "BCV-404") in found
    assert ("Buổi tuyên truyền", 5, "Số hiệu văn bản", "99-NQ/TW") in found
    assert ("Buổi tuyên truyền", 6, "Số lượt người nghe", "") in found
    assert ("Lớp tập huấn", 2, "Đến ngày", "01/08/2025") in found
    assert ("Học viên", 2, "Mã lớp", "LOP-09") in found
    assert ("Học viên", 3, "Mã báo cáo viên", "") in found
    assert ("Học viên", 4, "Kết quả", "Xuất sắc") in found
    assert ("Học viên", 6, "Mã báo cáo viên", "BCV-Y1") in found
    assert ("Tài liệu", 2, "Loại", "Áp phích") in found
    assert all(e.message for e in result.errors)
    assert not DisseminationEvent.objects.exists() and not Course.objects.exists()
    assert not Material.objects.exists()


def test_the_commune_may_not_import_for_the_sibling(world: Any, roster: Any) -> None:
    events = (
        EVENTS.splitlines()[0] + "\nTT-01,CB3,02/08/2025,,,,,1\nTT-02,CB1,02/08/2025,,BCV-Y1,,,1\n"
    )
    result = _import(world.users["commune"], events=events)
    assert not result.committed
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (2, "Mã đơn vị", "CB3") in found
    assert (3, "Báo cáo viên", "BCV-Y1") in found


def test_dates_are_day_month_year(world: Any) -> None:
    result = _import(world.users["province"], courses=COURSES.replace("10/08/2025", "2025-13-10"))
    assert not result.committed
    assert any(e.column == "Từ ngày" for e in result.errors)
