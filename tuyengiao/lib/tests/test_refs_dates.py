"""``date_after``: the date written right after a reference (kept apart from test_refs.py)."""

from __future__ import annotations

import datetime as dt

from tuyengiao.lib.refs import date_after, extract_refs


def after(text: str) -> dt.date | None:
    ref = next(r for r in extract_refs(text) if r.system != "bare")
    return date_after(text, ref.end)


def test_date_after_reads_the_date_written_next_to_a_reference() -> None:
    assert after("Chỉ thị số 35-CT/TW ngày 14/6/2024 của Ban Bí thư") == dt.date(2024, 6, 14)
    assert after("Chỉ thị 35-CT/TW, ngày 30 tháng 5 năm 2019") == dt.date(2019, 5, 30)
    assert after("35-CT/TW (ngày 14-06-2024)") == dt.date(2024, 6, 14)
    assert after("CHỈ THỊ 35-CT/TW NGÀY 14.6.2024") == dt.date(2024, 6, 14)


def test_date_after_ignores_dates_not_next_to_it_or_impossible() -> None:
    assert after("Chỉ thị 35-CT/TW và ngày 14/6/2024") is None
    assert after("Chỉ thị 35-CT/TW ngày 31/2/2024") is None
    assert after("Chỉ thị 35-CT/TW" + " " * 10_000 + "ngày 14/6/2024") is None
