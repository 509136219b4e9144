"""An attendance workbook (``Hội nghị`` + ``Điểm danh``) through the import
framework end to end (read with calamine, parse, validate scope and duplicates,
commit through the study services, roll-up facts refreshed), against the raw bulk
load of the same rows (COPY on PostgreSQL, executemany on SQLite) in a rolled-back
transaction.

Keys: import_rows_per_s (attendance rows / s, end to end), import_copy_ratio
(raw rows/s / ours), import_rows.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from typing import Any

from django.db import connection, transaction

from bench.synthetic import NOW, YEAR, dataset, insert_rows
from tuyengiao.orgs.access import SYSTEM

ROWS = {"small": 10_000, "province": 50_000, "national": 100_000}


def _workbook(data: Any, cells: list[int], codes: dict[int, str], tag: str) -> tuple[bytes, int]:
    from openpyxl import Workbook

    from tuyengiao.orgs.models import Member, Unit

    unit_codes = dict(Unit.objects.filter(pk__in=cells).values_list("pk", "code"))
    member_codes = dict(
        Member.objects.filter(pk__in=[m for c in cells for m in data.cell_members[c]]).values_list(
            "pk", "code"
        )
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hội nghị")
    ws.append(
        [
            "Mã hội nghị",
            "Mã đơn vị",
            "Số hiệu văn bản",
            "Ngày",
            "Hình thức",
            "Số lượt người khác tham dự",
            "Số lượt nhân dân được tuyên truyền",
        ]
    )
    symbol = data.document_symbols[data.campaign_ids[0]]
    for c in cells:
        ws.append([f"{tag}{c}", unit_codes[c], symbol, f"15/06/{YEAR}", "Trực tiếp", "2", "1.000"])
    ws2 = wb.create_sheet("Điểm danh")
    ws2.append(["Mã hội nghị", "Mã đảng viên", "Trạng thái"])
    rng = random.Random(5)
    n = 0
    for c in cells:
        for m in data.cell_members[c]:
            ws2.append(
                [f"{tag}{c}", member_codes[m], "Có mặt" if rng.random() < 0.9 else "Vắng có lý do"]
            )
            n += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), n


class _Rollback(Exception):
    pass


def _raw(data: Any, cells: list[int]) -> tuple[float, int]:
    """The same rows straight into the tables, rolled back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM study_session")
        sid = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM study_attendance")
        aid = cursor.fetchone()[0]
    sessions, attendance = [], []
    for i, c in enumerate(cells, start=1):
        sessions.append(
            (
                sid + i,
                f"RAW{c}",
                data.campaign_ids[0],
                c,
                dt.date(YEAR, 6, 15),
                "",
                "",
                "truc_tiep",
                False,
                "",
                2,
                1000,
                NOW,
                NOW,
            )
        )
        for m in data.cell_members[c]:
            aid += 1
            attendance.append((aid, sid + i, m, "co_mat", "import", NOW))
    start = time.perf_counter()
    try:
        with transaction.atomic():
            insert_rows(
                "study_session",
                [
                    "id",
                    "code",
                    "campaign_id",
                    "host_id",
                    "date",
                    "title",
                    "place",
                    "format",
                    "is_makeup",
                    "outside_presenters",
                    "other_attendees",
                    "public_reached",
                    "created_at",
                    "updated_at",
                ],
                sessions,
            )
            n = insert_rows(
                "study_attendance",
                ["id", "session_id", "member_id", "status", "source", "updated_at"],
                attendance,
            )
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, n


def measure(ctx: Any) -> dict[str, Any]:
    from tuyengiao.imports.framework import run_import

    data = dataset(ctx)
    per_cell = max(1, len(next(iter(data.cell_members.values()))))
    want = ROWS[ctx.scale] // per_cell
    cells = data.levels["cell"][:want]
    book, n = _workbook(data, cells, {}, "IMP")
    start = time.perf_counter()
    result = run_import([("diem-danh.xlsx", book)], actor=SYSTEM, dry_run=False)
    ours_s = time.perf_counter() - start
    if not result.ok:
        raise AssertionError([e.as_text() for e in result.errors[:5]])
    raw_s, raw_n = _raw(data, cells)
    ours_rate = n / ours_s
    raw_rate = raw_n / raw_s
    return {
        "import_rows": n,
        "import_seconds": round(ours_s, 2),
        "import_rows_per_s": round(ours_rate),
        "import_raw_rows_per_s": round(raw_rate),
        "import_copy_ratio": round(raw_rate / ours_rate, 1),
    }
