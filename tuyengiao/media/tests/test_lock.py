"""The lock of reported figures (``orgs.hooks.check_figures_open``) in media: media
output and awards in a period whose reports are approved are refused through the
service and the sheet; an unchanged re-import is not; after reopening the write goes
through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.imports.framework import run_import
from tuyengiao.media.models import Award, MediaOutput
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods.tests.helpers import approve_all, quarter, reopen_down_to

from .conftest import award, record

pytestmark = pytest.mark.django_db

MEDIA = (
    "Mã đơn vị,Từ ngày,Đến ngày,Loại,Ngôn ngữ,Số lượng,Thời lượng (phút),Số hiệu văn bản\n"
    'CB1,01/07/2025,30/09/2025,"Tin, bài",,{n},,\n'
)
AWARDS = (
    "Mã,Loại,Tên,Mã đơn vị,Mã đảng viên,Họ và tên,Ngày,Số quyết định\n"
    "BK-1,bang khen,{name},CB1,,,{day},15-QĐ/TU\n"
)


def _import(world: Any, name: str, text: str) -> Any:
    return run_import(
        [(f"{name}.csv", text.encode())], actor=world.users["province"], dry_run=False
    )


def test_media_output_and_awards_lock_through_the_sheet_and_the_service(world: Any) -> None:
    q = quarter(world)
    for name, text in (
        ("Tin bài", MEDIA.format(n=12)),
        ("Khen thưởng", AWARDS.format(name="Bằng khen", day="15/09/2025")),
    ):
        assert _import(world, name, text).committed
    approve_all(world, q)

    # unchanged: accepted; an award's name is not a figure: accepted
    for name, text in (
        ("Tin bài", MEDIA.format(n=12)),
        ("Khen thưởng", AWARDS.format(name="Bằng khen của Tỉnh ủy", day="15/09/2025")),
    ):
        again = _import(world, name, text)
        assert again.committed, [e.as_text() for e in again.errors]
    # a change of figures, and an award moved out of the period: refused, nothing written
    for name, text, value in (
        ("Tin bài", MEDIA.format(n=13), "CB1"),
        ("Khen thưởng", AWARDS.format(name="Bằng khen", day="15/10/2025"), "BK-1"),
    ):
        refused = _import(world, name, text)
        assert not refused.committed
        assert [(e.sheet, e.row, e.value) for e in refused.errors] == [(name, 2, value)]
        assert "Quý III năm 2025" in refused.errors[0].message
    assert MediaOutput.objects.get().count == 12
    assert Award.objects.get().date == dt.date(2025, 9, 15)

    # through the service: new rows inside the period
    with pytest.raises(FiguresLocked, match="Chi bộ bản Một ngày 30/09/2025"):
        record(world.cell, "phat_thanh", 3)
    with pytest.raises(FiguresLocked, match="phê duyệt"):
        award("BK-2", world.cell, "bang_khen")
    # a record of the next quarter is not locked
    assert record(world.cell, "phat_thanh", 3, date_from=dt.date(2025, 10, 1),
                  date_to=dt.date(2025, 12, 31)).pk  # fmt: skip

    reopen_down_to(q, world.cell)
    assert _import(world, "Tin bài", MEDIA.format(n=13)).committed
    assert MediaOutput.objects.get(date_to=dt.date(2025, 9, 30)).count == 13
