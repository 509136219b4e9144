"""Every upload has a bounded cost (issue 10.3): hostile files built here are refused with a
Vietnamese message before a reader allocates, and what the checks cannot foresee is
stopped by the child process's memory and time limits. Nothing is written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from tuyengiao.imports.framework import ImportResult, read_workbook, run_import
from tuyengiao.lib.isolated import Limits
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

HEADER = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n"


def far_cell_xlsx(cell: str = "XFD1048576", declared: str | None = None) -> bytes:
    """A ~1 KB workbook: a header in A1 and one value at ``cell``. ``declared`` rewrites the
    sheet's ``<dimension ref>`` (a lying dimension must not hide the far cell)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đơn vị"
    ws["A1"] = "Mã đơn vị"
    ws[cell] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if declared is None:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                body = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), body
                )
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def only_error(result: ImportResult) -> str:
    assert not result.committed
    assert len(result.errors) == 1, result.errors
    return result.errors[0].message


def test_tiny_xlsx_with_a_far_cell_is_refused_before_calamine_reads_it() -> None:
    data = far_cell_xlsx()
    assert len(data) < 10_000
    message = only_error(run_import([("xa.xlsx", data)], actor=SYSTEM, dry_run=False))
    assert "1.048.576 dòng × 16.384 cột" in message
    assert "vượt giới hạn 500.000 dòng, 100 cột và 5.000.000 ô" in message
    assert Unit.objects.count() == 0


def test_a_lying_dimension_does_not_hide_the_far_cell() -> None:
    data = far_cell_xlsx("A600000", declared="A1:B2")
    message = only_error(run_import([("xa.xlsx", data)], actor=SYSTEM, dry_run=True))
    assert "600.000 dòng" in message


def test_rows_beyond_the_cap_are_refused(settings: Settings) -> None:
    settings.UPLOAD_MAX_ROWS = 50
    csv_rows = HEADER + "".join(f"X{i},Xã {i},xa,T\n" for i in range(60))
    message = only_error(
        run_import([("Đơn vị.csv", csv_rows.encode())], actor=SYSTEM, dry_run=True)
    )
    assert "vượt giới hạn 50 dòng" in message


def test_a_csv_row_with_a_million_columns_is_refused() -> None:
    data = (HEADER + "," * 1_000_000 + "\n").encode()
    message = only_error(run_import([("Đơn vị.csv", data)], actor=SYSTEM, dry_run=True))
    assert "1.000.001 cột" in message


def test_zip_bomb_of_csv_is_refused_by_its_ratio() -> None:
    body = HEADER.encode() + b"A," * (30 * 1024 * 1024)  # 60 MB of one line, ~60 KB zipped
    data = zip_of({"Đơn vị.csv": body})
    assert len(data) < 200_000
    message = only_error(run_import([("bom.zip", data)], actor=SYSTEM, dry_run=True))
    assert "bom nén" in message


def test_many_small_members_are_bounded_by_their_total(settings: Settings) -> None:
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024
    settings.UPLOAD_MAX_ZIP_RATIO = 10**6
    member = HEADER.encode() + b"\n" * (900 * 1024)
    data = zip_of({f"Đơn vị {i}.csv": member for i in range(3)})
    message = only_error(run_import([("nhieu.zip", data)], actor=SYSTEM, dry_run=True))
    assert "Giới hạn: 2 MB sau khi giải nén" in message


def test_too_many_members_are_refused(settings: Settings) -> None:
    settings.UPLOAD_MAX_ZIP_MEMBERS = 5
    data = zip_of({f"{i}.csv": b"a\n" for i in range(6)})
    assert "6 tệp con" in only_error(run_import([("a.zip", data)], actor=SYSTEM, dry_run=True))


def test_the_reader_that_runs_out_of_memory_is_a_message_not_a_crash() -> None:
    # Within the row and column caps, but 100 × 200.000 cells is more than 200 MB for
    # calamine: the child fails, the caller (this test process) tells the user why.
    limits = Limits(memory_mb=200, max_cells=10**9)
    from tuyengiao.imports.reading import UnreadableFile

    with pytest.raises(UnreadableFile, match="giới hạn bộ nhớ"):
        read_workbook([("a.xlsx", far_cell_xlsx("CV200000"))], limits)


def test_rows_times_columns_beyond_the_cell_cap_are_refused() -> None:
    message = only_error(
        run_import([("a.xlsx", far_cell_xlsx("CV200000"))], actor=SYSTEM, dry_run=True)
    )
    assert "20.000.000 ô" in message


def test_a_reader_that_runs_too_long_is_stopped() -> None:
    from tuyengiao.imports.reading import UnreadableFile

    limits = Limits(max_rows=10**8, cpu_seconds=1, wall_seconds=2)
    data = (HEADER + "X1,Xã,xa,T\n" * 1_500_000).encode()  # ~16 MB: seconds of parsing
    with pytest.raises(UnreadableFile, match="giới hạn thời gian"):
        read_workbook([("Đơn vị.csv", data)], limits)


def test_a_file_over_the_size_cap_is_refused_before_the_child_starts(settings: Settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    data = (HEADER * 40).encode()
    assert "vượt giới hạn" in only_error(
        run_import([("Đơn vị.csv", data)], actor=SYSTEM, dry_run=True)
    ) or "lớn" in only_error(run_import([("Đơn vị.csv", data)], actor=SYSTEM, dry_run=True))


_REF_PIECES = [
    ' r="',
    '"',
    "<row",
    "<c",
    ">",
    " ",
    *"ABZ019",
    "XFD",
    "AAAA",
    "1048576",
    "1234567890",
]


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_REF_PIECES), max_size=40).map("".join))
def test_extent_scan_finds_what_the_single_pattern_finds(text: str) -> None:
    """``reading._widest`` (row numbers and column letters in two passes) gives what one
    pass of ``_R_ATTRIBUTE`` over (letters, number) pairs gave."""
    from tuyengiao.imports import reading

    scan = text.encode()
    refs = reading._R_ATTRIBUTE.findall(scan)
    rows, widest = 7, b"C"
    if refs:
        letters, numbers = zip(*refs, strict=True)
        expected = (
            max(rows, int(reading._longest_max(list(set(numbers))))),
            reading._longest_max([widest, *set(letters)]),
        )
    else:
        expected = (rows, widest)
    assert reading._widest(scan, rows, widest) == expected
