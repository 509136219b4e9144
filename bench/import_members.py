"""A ``Đảng viên`` workbook (100,000 rows at province scale) over the cells of the
national tree (``bench.import_units`` is run first when it has not been), through
the import framework end to end, first import and re-import (see
``bench.import_orgs``).

Keys: import_members_rows, import_members_rows_per_s, import_members_peak_mb and the
same for the re-import (reimport_members_*).
"""

from __future__ import annotations

from typing import Any

from bench.import_orgs import ensure_units, member_workbook, timed_import


def measure(ctx: Any) -> dict[str, Any]:
    ensure_units(ctx)
    book, n = member_workbook(ctx.scale, ctx.shared["import_units_cells"])
    first_s, first_mb, first = timed_import(book, "dang-vien.xlsx", "Đảng viên")
    again_s, again_mb, again = timed_import(book, "dang-vien.xlsx", "Đảng viên")
    assert first.created == n, first
    assert again.unchanged == n, again
    return {
        "import_members_rows": n,
        "import_members_seconds": round(first_s, 2),
        "import_members_rows_per_s": round(n / first_s),
        "import_members_peak_mb": round(first_mb),
        "reimport_members_seconds": round(again_s, 2),
        "reimport_members_rows_per_s": round(n / again_s),
        "reimport_members_peak_mb": round(again_mb),
    }
