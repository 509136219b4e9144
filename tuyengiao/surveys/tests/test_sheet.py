"""The ``Phiếu khảo sát`` sheet: paper and Kobo/ODK answers, all or nothing, every
error with sheet/row/column/value, a re-import adds nothing, and an export's other
columns (device, submitter, times) are stored nowhere."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.imports.framework import run_import
from tuyengiao.surveys.models import Answer, Response, Survey

from .test_answer import _all_text

pytestmark = pytest.mark.django_db

# As KoboToolbox exports submissions ("XML values and headers"), plus the three
# columns of WORKBOOK.md.
KOBO = (
    "Mã khảo sát,Mã đơn vị,Ngày,start,end,deviceid,vai_tro,kenh_nhom/kenh,so_buoi,y_kien,"
    "_id,_uuid,_submission_time,_submitted_by\n"
    "KS-2026,CB1,15/03/2026,2026-03-15T08:01:02,2026-03-15T08:09:00,imei:357001,tot,"
    "hoi_nghi mang,2,Tốt,101,uuid-aaa,2026-03-15T08:09:05,nguoi_thu\n"
    "KS-2026,CB1,15/03/2026,2026-03-15T09:01:02,2026-03-15T09:05:00,imei:357002,chua_tot,"
    ",,,102,uuid-bbb,2026-03-15T09:05:05,nguoi_thu\n"
    "KS-2026,CB2,16/03/2026,,,,tot,bao_chi,,,103,uuid-ccc,,\n"
    "KS-2026,CB2,16/03/2026,,,,tot,bao_chi,,,104,uuid-ddd,,\n"
)


def _import(actor: Any, text: str, *, dry_run: bool = False) -> Any:
    return run_import([("Phiếu khảo sát.csv", text.encode())], actor=actor, dry_run=dry_run)


def test_kobo_export_comes_in_and_a_second_import_adds_nothing(world: Any, survey: Survey) -> None:
    result = _import(world.users["commune"], KOBO)
    assert result.committed, [e.as_text() for e in result.errors]
    assert result.counts["Phiếu khảo sát"].created == 4
    assert Response.objects.filter(unit=world.cell).count() == 2
    # two identical rows are two respondents
    assert Response.objects.filter(unit=world.cell2).count() == 2
    kenh = Answer.objects.filter(question__name="kenh", response__unit=world.cell)
    assert sorted(a.choice.name for a in kenh if a.choice) == ["hoi_nghi", "mang"]
    dump = _all_text()
    for secret in ("imei:357001", "uuid-aaa", "nguoi_thu", "08:01:02", "T08:09"):
        assert secret not in dump, secret
    assert any("không phải câu hỏi" in w.message for w in result.warnings)
    again = _import(world.users["commune"], KOBO)
    assert again.committed
    assert (again.counts["Phiếu khảo sát"].created, again.counts["Phiếu khảo sát"].unchanged) == (
        0,
        4,
    )
    assert Response.objects.count() == 4


def test_every_bad_cell_is_named_and_nothing_is_written(world: Any, survey: Survey) -> None:
    bad = (
        "Mã khảo sát,Mã đơn vị,Ngày,vai_tro,so_buoi\n"
        "KS-2026,CB1,15/03/2026,rat_tot,2\n"
        "KS-2026,CB1,15/03/2025,tot,2\n"
        "KS-2026,CB1,15/03/2026,,hai\n"
        "KS-KHONG,CB1,15/03/2026,tot,\n"
        "KS-2026,CB3,15/03/2026,tot,\n"
        "KS-2026,CB1,15/03/2026,tot,1\n"
    )
    result = _import(world.users["commune"], bad)
    assert not result.committed
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (2, "vai_tro", "rat_tot") in found
    assert (3, "Ngày", "15/03/2025") in found
    assert (4, "vai_tro", "") in found and (4, "so_buoi", "hai") in found
    assert (5, "Mã khảo sát", "KS-KHONG") in found
    assert (6, "Mã đơn vị", "CB3") in found  # XA2 is not the commune's
    assert all(e.sheet == "Phiếu khảo sát" and e.message for e in result.errors)
    assert not Response.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(world: Any, survey: Survey) -> None:
    result = _import(world.users["province"], KOBO, dry_run=True)
    assert result.counts["Phiếu khảo sát"].created == 4
    assert not Response.objects.exists()
