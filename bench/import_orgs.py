"""Shared by ``bench.import_units`` and ``bench.import_members``: the ``Đơn vị`` and
``Đảng viên`` workbooks of the real national tree, imported end to end through
``tuyengiao.imports.framework.run_import`` (the background job's path: the file is
read in a child process, parsed, validated, committed through the orgs services),
once as a first import and once more as a re-import of the same file (every row
unchanged), with the wall time and the peak resident memory of each.

The tree: one national root, the 34 provinces and 3,321 communes of
``tuyengiao.orgs.official``, then synthetic cells (``Chi bộ``) spread over the
communes up to the scale's row count. Members are spread over the cells.

Peak memory is the larger of this process's peak RSS during the import (``VmHWM``,
reset before each import through ``/proc/self/clear_refs``) and the reading child's
(``RUSAGE_CHILDREN``, a fresh child per import).
"""

from __future__ import annotations

import contextlib
import io
import resource
import time
from pathlib import Path
from typing import Any

from tuyengiao.orgs.access import SYSTEM

UNIT_ROWS = {"small": 5_000, "province": 20_000, "national": 100_000}
MEMBER_ROWS = {"small": 10_000, "province": 100_000, "national": 100_000}
VALID_FROM = "01/07/2025"
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
_MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Đức", "Thanh", "Quốc"]
_GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Lan", "Long", "Mai", "Nam", "Phúc"]


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    own = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, child)


def _save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unit_rows(scale: str) -> list[tuple[str, str, str, str]]:
    """(code, name, parent code, kind) of the national tree plus synthetic cells."""
    from tuyengiao.orgs import official

    rows = [("QG", "Đảng bộ Quốc gia", "", "Trung ương")]
    communes: list[str] = []
    for p in official.provinces():
        rows.append((f"T{p.code}", f"Đảng bộ {p.name}", "QG", "Tỉnh ủy"))
        for c in official.communes(p.code):
            rows.append((f"X{c.code}", c.party_name, f"T{p.code}", c.party_kind))
            communes.append(f"X{c.code}")
    n = 0
    while len(rows) < UNIT_ROWS[scale]:
        n += 1
        parent = communes[n % len(communes)]
        rows.append((f"CB{n:07d}", f"Chi bộ số {n}", parent, "Chi bộ"))
    return rows


def unit_workbook(rows: list[tuple[str, str, str, str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đơn vị")
    ws.append(["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị", "Hiệu lực từ"])
    for code, name, parent, kind in rows:
        ws.append([code, name, parent, kind, VALID_FROM])
    return _save(wb)


def member_workbook(scale: str, cells: list[str]) -> tuple[bytes, int]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đảng viên")
    ws.append(
        [
            "Mã đảng viên",
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Mã đơn vị",
            "Sinh hoạt tại đơn vị từ",
            "Ngày vào Đảng",
            "Miễn sinh hoạt",
        ]
    )
    count = MEMBER_ROWS[scale]
    for i in range(count):
        name = f"{_FAMILY[i % 10]} {_MIDDLE[(i // 10) % 8]} {_GIVEN[(i // 80) % 11]}"
        ws.append(
            [
                f"DV{i:08d}",
                name,
                "Nữ" if i % 2 else "Nam",
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 40}",
                cells[i % len(cells)],
                "",
                f"{1 + i % 28:02d}/{1 + (i + 3) % 12:02d}/{1990 + i % 30}",
                "Có" if i % 50 == 0 else "Không",
            ]
        )
    return _save(wb), count


def timed_import(book: bytes, name: str, sheet: str) -> tuple[float, float, Any]:
    """(seconds, peak MB, counts of the sheet) of one committed import."""
    from tuyengiao.imports.framework import run_import

    _reset_peak()
    start = time.perf_counter()
    result = run_import([(name, book)], actor=SYSTEM, dry_run=False)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    if not result.ok:
        raise AssertionError([e.as_text() for e in result.errors[:5]])
    return seconds, peak, result.counts[sheet]


def ensure_units(ctx: Any) -> dict[str, Any]:
    """Import the unit workbook twice (first, re-import) once per run; the figures."""
    if "import_units" in ctx.shared:
        return dict(ctx.shared["import_units"])
    rows = unit_rows(ctx.scale)
    book = unit_workbook(rows)
    first_s, first_mb, first = timed_import(book, "don-vi.xlsx", "Đơn vị")
    again_s, again_mb, again = timed_import(book, "don-vi.xlsx", "Đơn vị")
    assert first.created == len(rows), first
    assert again.unchanged == len(rows), again
    figures = {
        "import_units_rows": len(rows),
        "import_units_seconds": round(first_s, 2),
        "import_units_rows_per_s": round(len(rows) / first_s),
        "import_units_peak_mb": round(first_mb),
        "reimport_units_seconds": round(again_s, 2),
        "reimport_units_rows_per_s": round(len(rows) / again_s),
        "reimport_units_peak_mb": round(again_mb),
    }
    ctx.shared["import_units"] = figures
    ctx.shared["import_units_cells"] = [code for code, _, _, kind in rows if kind == "Chi bộ"] or [
        code for code, *_ in rows[-100:]
    ]
    return dict(figures)
