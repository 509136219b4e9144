"""A ``Đảng viên`` workbook (100,000 rows at province scale) over the cells of the
national tree (``bench.import_units`` is run first when it has not been), through
the import framework end to end, first import and re-import (see
``bench.import_orgs``), beside a raw load of the same rows in the same run.

The raw load writes the members and their memberships, every value computed
beforehand, straight into the tables (COPY on PostgreSQL, executemany on SQLite;
``bench.synthetic.insert_rows``) and is rolled back: the floor an import could reach.

Keys: import_members_rows, import_members_rows_per_s, import_members_peak_mb, the same
for the re-import (reimport_members_*), import_members_raw_rows_per_s and
import_members_copy_ratio (raw rows/s ÷ first-import rows/s).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.import_orgs import _FAMILY, _GIVEN, _MIDDLE, ensure_units, member_workbook, timed_import
from bench.synthetic import insert_rows


class _Rollback(Exception):
    pass


def _raw_load(n: int, cells: list[str]) -> float:
    """Seconds to write ``n`` members and memberships straight into the tables."""
    from tuyengiao.orgs.models import Unit

    unit_ids = dict(Unit.objects.filter(code__in=cells).values_list("code", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM orgs_member")
        first = cursor.fetchone()[0] + 1_000_000
    now = timezone.now()
    members, memberships = [], []
    for i in range(n):
        pk = first + i
        family, middle, given = _FAMILY[i % 10], _MIDDLE[(i // 10) % 8], _GIVEN[(i // 80) % 11]
        members.append(
            (
                pk,
                f"RAW{i:08d}",
                family,
                middle,
                given,
                "nu" if i % 2 else "nam",
                dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
                dt.date(1990 + i % 30, 1 + (i + 3) % 12, 1 + i % 28),
                f"k{i}",
                f" {family} {middle} {given} raw{i:08d}".lower(),
                now,
            )
        )
        memberships.append((pk, unit_ids[cells[i % len(cells)]], dt.date(2025, 7, 1)))
    columns = [
        "id",
        "code",
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "birth_date",
        "admission_date",
        "sort_key",
        "search_key",
        "created_at",
    ]
    start = time.perf_counter()
    elapsed = 0.0
    try:
        with transaction.atomic():
            insert_rows("orgs_member", columns, members)
            insert_rows("orgs_membership", ["member_id", "unit_id", "valid_from"], memberships)
            if connection.vendor == "postgresql":  # deferred foreign keys checked, as at commit
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def measure(ctx: Any) -> dict[str, Any]:
    ensure_units(ctx)
    cells = ctx.shared["import_units_cells"]
    book, n = member_workbook(ctx.scale, cells)
    first_s, first_mb, first = timed_import(book, "dang-vien.xlsx", "Đảng viên")
    again_s, again_mb, again = timed_import(book, "dang-vien.xlsx", "Đảng viên")
    assert first.created == n, first
    assert again.unchanged == n, again
    raw_s = _raw_load(n, cells)
    return {
        "import_members_rows": n,
        "import_members_seconds": round(first_s, 2),
        "import_members_rows_per_s": round(n / first_s),
        "import_members_peak_mb": round(first_mb),
        "reimport_members_seconds": round(again_s, 2),
        "reimport_members_rows_per_s": round(n / again_s),
        "reimport_members_peak_mb": round(again_mb),
        "import_members_raw_rows_per_s": round(n / raw_s),
        "import_members_copy_ratio": round(first_s / raw_s, 1),
    }
