"""Workbook import: all or nothing, every error listed, re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from tuyengiao.imports.framework import run_import
from tuyengiao.imports.models import ImportBatch
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Exemption, Member, Membership, Unit

if TYPE_CHECKING:
    from conftest import ClientFor, World

pytestmark = pytest.mark.django_db

IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,  # the test transaction never commits
    }
}

UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị", "Hiệu lực từ"]
MEMBER_HEADERS = [
    "Mã đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Mã đơn vị",
    "Sinh hoạt tại đơn vị từ",
    "Ngày vào Đảng",
    "Miễn sinh hoạt",
]
UNITS = [
    ["T1", "Tỉnh ủy Thử", "", "Tỉnh ủy", ""],
    ["X1", "Đảng ủy xã Một", "T1", "Đảng ủy xã", "01/07/2025"],
    ["CB1", "Chi bộ bản Nà Khuy", "X1", "Chi bộ", "01/07/2025"],
]
MEMBERS = [
    ["DV1", "Nguyễn Văn An", "Nam", "05/03/1980", "CB1", "", "19/05/2005", ""],
    ["DV2", "Lò Thị Ánh", "Nữ", "20/11/1990", "CB1", "", "", "Không"],
    ["DV3", "Giàng A Páo", "nam", "01/01/1950", "CB1", "01/08/2025", "", "có"],
]


def workbook(
    units: list[list[Any]] = UNITS,
    members: list[list[Any]] = MEMBERS,
    unit_headers: list[str] = UNIT_HEADERS,
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(unit_headers)
    for row in units:
        ws.append(row)
    ws2 = wb.create_sheet("Đảng viên")
    ws2.append(MEMBER_HEADERS)
    for row in members:
        ws2.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        Member.objects.count(),
        Membership.objects.count(),
        Exemption.objects.count(),
    )


def test_clean_workbook_is_imported_and_a_second_import_changes_nothing() -> None:
    data = workbook()
    first = run_import([("du-lieu.xlsx", data)], actor=SYSTEM, dry_run=False)
    assert first.ok and first.committed
    assert first.counts["Đơn vị"].created == 3
    assert first.counts["Đảng viên"].created == 3
    assert snapshot() == (3, 3, 3, 1)
    m = Member.objects.get(code="DV3")
    assert (m.family_name, m.middle_name, m.given_name, m.gender) == ("Giàng", "A", "Páo", "nam")
    assert m.memberships.get().valid_from == dt.date(2025, 8, 1)
    assert Member.objects.get(code="DV1").memberships.get().valid_from == dt.date(2025, 7, 1)

    second = run_import([("du-lieu.xlsx", data)], actor=SYSTEM, dry_run=False)
    assert second.ok and not second.changed
    assert second.counts["Đảng viên"].unchanged == 3 and second.counts["Đơn vị"].unchanged == 3
    assert snapshot() == (3, 3, 3, 1)


def test_headers_match_without_diacritics_and_in_any_order() -> None:
    headers = ["loai don vi", "MA DON VI", " tên đơn vị ", "Ma don vi cap tren", "Cột lạ"]
    units = [[r[3], r[0], r[1], r[2], "?"] for r in UNITS]
    result = run_import([("a.xlsx", workbook(units, [], headers))], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    assert Unit.objects.count() == 3
    assert any(w.column == "Cột lạ" for w in result.warnings)


def test_one_bad_cell_writes_nothing_and_every_error_is_listed() -> None:
    members = [list(r) for r in MEMBERS]
    members[0][3] = "31/02/1980"  # no such date
    members[1][4] = "KHONGCO"  # unknown unit
    members[2][7] = "Có lẽ"  # not a yes/no
    units = [list(r) for r in UNITS] + [["X9", "", "T1", "Đảng ủy xã", ""]]  # blank name
    before = snapshot()
    result = run_import([("loi.xlsx", workbook(units, members))], actor=SYSTEM, dry_run=False)
    assert not result.ok
    assert snapshot() == before
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Đơn vị", 5, "Tên đơn vị") in found
    assert ("Đảng viên", 2, "Ngày sinh") in found
    assert ("Đảng viên", 4, "Miễn sinh hoạt") in found
    bad_date = next(e for e in result.errors if e.column == "Ngày sinh")
    assert bad_date.value == "31/02/1980" and "ngày" in bad_date.message
    assert result.batch_id is not None
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == ImportBatch.Status.REJECTED and batch.error_count == len(result.errors)


def test_cross_sheet_errors_are_found_once_cells_parse() -> None:
    members = [list(r) for r in MEMBERS]
    members[1][4] = "KHONGCO"
    members.append(["DV1", "Trùng Mã", "", "", "CB1", "", "", ""])
    result = run_import([("loi.xlsx", workbook(UNITS, members))], actor=SYSTEM, dry_run=False)
    assert {(e.row, e.column) for e in result.errors} == {(5, "Mã đảng viên"), (3, "Mã đơn vị")}
    assert snapshot() == (0, 0, 0, 0)


def test_dry_run_reports_changes_without_writing() -> None:
    result = run_import([("a.xlsx", workbook())], actor=SYSTEM, dry_run=True)
    assert result.ok and result.counts["Đảng viên"].created == 3
    assert snapshot() == (0, 0, 0, 0)
    assert not ImportBatch.objects.exists()


def test_csv_named_after_the_sheet_with_thousand_dots_and_nfd() -> None:
    import unicodedata

    text = "Mã đơn vị,Tên đơn vị,Loại đơn vị\nT1,Tỉnh ủy Thử,Tỉnh ủy\n"
    result = run_import(
        [("Đơn vị.csv", unicodedata.normalize("NFD", text).encode())], actor=SYSTEM, dry_run=False
    )
    assert result.ok, [e.as_text() for e in result.errors]
    assert Unit.objects.get(code="T1").name == "Tỉnh ủy Thử"


def test_control_character_in_a_cell_is_an_error_not_a_crash() -> None:
    # A NUL byte cannot be stored in PostgreSQL text; found by fuzzing on PostgreSQL.
    text = "Mã đơn vị,Tên đơn vị,Loại đơn vị\nT1,Tỉnh\x00 ủy,Tỉnh ủy\nT2,Tỉnh ủy Hai,Tỉnh\x1b ủy\n"
    result = run_import([("Đơn vị.csv", text.encode())], actor=SYSTEM, dry_run=False)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Đơn vị", 2, "Tên đơn vị"),
        ("Đơn vị", 3, "Loại đơn vị"),
    ]
    assert "U+0000" in result.errors[0].message and "U+001B" in result.errors[1].message
    assert snapshot() == (0, 0, 0, 0)


def test_garbage_file_is_a_clear_error() -> None:
    result = run_import([("x.xlsx", b"not a workbook")], actor=SYSTEM, dry_run=False)
    assert not result.ok and "Không đọc được tệp" in result.errors[0].message


def test_scoped_user_cannot_import_into_a_sibling(world: Any) -> None:
    units = [["CBX", "Chi bộ mới", "XA2", "Chi bộ", ""]]
    result = run_import(
        [("a.xlsx", workbook(units, []))], actor=world.users["commune"], dry_run=False
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Mã đơn vị cấp trên", "XA2")]
    assert "XA2 nằm ngoài phạm vi của bạn" in result.errors[0].message
    assert not Unit.objects.filter(code="CBX").exists()


def test_command_prints_every_error_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = [list(r) for r in MEMBERS]
    members[0][3] = "hôm qua"
    path = tmp_path / "loi.xlsx"
    path.write_bytes(workbook(UNITS, members))
    with pytest.raises(CommandError, match="không ghi dữ liệu nào"):
        call_command("import_workbook", str(path))
    err = capsys.readouterr().err
    assert "Trang 'Đảng viên', dòng 2, cột 'Ngày sinh' (giá trị: 'hôm qua')" in err
    assert snapshot() == (0, 0, 0, 0)


def test_command_summary_and_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(workbook())
    call_command("import_workbook", str(path), "--dry-run")
    assert "Kiểm tra (chưa ghi)" in capsys.readouterr().out and snapshot() == (0, 0, 0, 0)
    call_command("import_workbook", str(path))
    out = capsys.readouterr().out
    assert "Đảng viên: 3 dòng — thêm mới 3" in out and snapshot() == (3, 3, 3, 1)


def test_web_upload_shows_errors_then_commits_on_confirmation(
    client_for: ClientFor, world: World, settings: Settings
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("commune")
    units = [["CBN", "Chi bộ mới", "XA1", "Chi bộ", "01/07/2025"]]
    members = [[f"N{r[0]}", *r[1:4], "CBN", *r[5:]] for r in MEMBERS]
    bad = [list(r) for r in members]
    bad[0][3] = "31/02/1980"
    upload = io.BytesIO(workbook(units, bad))
    upload.name = "loi.xlsx"
    response = client.post("/nhap-du-lieu/", {"file": upload}, follow=True)
    assert response.status_code == 422
    assert "31/02/1980" in response.content.decode()
    assert not Unit.objects.filter(code="CBN").exists()

    upload = io.BytesIO(workbook(units, members))
    upload.name = "dung.xlsx"
    response = client.post("/nhap-du-lieu/", {"file": upload}, follow=True)
    job = response.context["job"]
    assert response.status_code == 200, job.result["errors"]
    assert not Unit.objects.filter(code="CBN").exists()  # preview only
    response = client.post("/nhap-du-lieu/xac-nhan/", {"job": job.pk})
    assert response.status_code == 302
    assert Member.objects.filter(code__in=["NDV1", "NDV2", "NDV3"]).count() == 3
    assert Unit.objects.get(code="CBN").parent == world.commune


def test_blank_template_has_every_sheet_and_header(client_for: ClientFor, world: World) -> None:
    response = client_for("secretary").get("/nhap-du-lieu/mau.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == ["Đơn vị", "Đảng viên"]
    assert [c.value for c in wb["Đảng viên"][1]] == MEMBER_HEADERS


def _units_csv(n: int) -> bytes:
    lines = ["Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại đơn vị", "AN0,Tỉnh ủy Thử,,Tỉnh ủy"]
    lines += [f"AN{i},Chi bộ {i},AN0,Chi bộ" for i in range(1, n)]
    return "\n".join(lines).encode()


@pytest.mark.django_db
def test_a_large_import_updates_the_planner_statistics(monkeypatch: Any) -> None:
    from tuyengiao.imports import framework

    calls: list[int] = []
    tables: list[Any] = []
    monkeypatch.setattr(framework, "ANALYZE_AFTER_ROWS", 5)

    def update(written: Any) -> None:
        calls.append(1)
        tables.append(written)

    monkeypatch.setattr(framework, "update_statistics", update)
    assert run_import([("Đơn vị.csv", _units_csv(4))], actor=SYSTEM, dry_run=False).committed
    assert calls == []  # 4 rows written
    run_import([("Đơn vị.csv", _units_csv(20))], actor=SYSTEM, dry_run=True)
    assert calls == []  # a preview writes nothing
    assert run_import([("Đơn vị.csv", _units_csv(20))], actor=SYSTEM, dry_run=False).committed
    assert calls == [1]
    from django.db import connection

    if connection.vendor == "postgresql":  # only what the import wrote is analysed
        assert {"public.orgs_unit", "public.orgs_unitversion"} <= set(tables[0])
        assert "public.study_attendance" not in tables[0]
    else:
        assert tables == [None]


@pytest.mark.django_db
def test_update_statistics_analyses_the_database() -> None:
    from django.db import connection

    from tuyengiao.imports.framework import update_statistics

    run: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        run.append(sql)
        if connection.vendor == "postgresql":
            # not for real: statistics of the test's rolled-back rows would mislead the
            # planner for every later test of the session
            return None
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        update_statistics()
        update_statistics(["public.orgs_unit", "public.orgs_member"])
    if connection.vendor == "postgresql":
        assert run == ["ANALYZE", "ANALYZE public.orgs_unit, public.orgs_member"]
    else:
        assert "PRAGMA optimize" in run or "PRAGMA optimize=0x10002" in run
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1  # ANALYZE ran
