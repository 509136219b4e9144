"""Hypothesis fuzzing: the workbook parser and the text and date helpers never
raise anything but their documented ``ValueError``; bad input becomes listed
issues with sheet, row and column."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuyengiao.imports import framework
from tuyengiao.imports.framework import ImportContext, parse_sheet, registered_sheets
from tuyengiao.imports.reading import RawSheet
from tuyengiao.lib import dates, numbers, text
from tuyengiao.orgs.access import SYSTEM

VIETNAMESE = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(
    list(VIETNAMESE + VIETNAMESE.upper() + "./- 0123456789")
)

CELLS = st.one_of(
    st.none(),
    st.text(ALPHABET, max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.sampled_from(["01/07/2025", "31/02/2025", "2025-07-01", "Nam", "nữ", "có", "1.234", ""]),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def raw_sheets(draw: Any) -> tuple[Any, RawSheet]:
    spec = draw(st.sampled_from(registered_sheets()))
    headers = [c.header for c in spec.columns]
    headers = draw(st.permutations(headers))
    headers = headers[: draw(st.integers(min_value=0, max_value=len(headers)))]
    extra = draw(st.lists(CELLS, max_size=2))
    header_row = [*headers, *extra]
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header_row) + 2), max_size=8))
    return spec, RawSheet(name=spec.name, rows=[header_row, *rows])


@pytest.mark.django_db  # a number in a code column is looked up (unambiguous or an error)
@FUZZ
@given(raw_sheets())
def test_parse_sheet_turns_any_cells_into_records_or_issues(case: tuple[Any, RawSheet]) -> None:
    spec, raw = case
    ctx = ImportContext(actor=SYSTEM)
    records = parse_sheet(spec, raw, ctx)
    assert all(isinstance(r, spec.record) for r in records)
    for issue in ctx.errors + ctx.warnings:
        assert issue.message and issue.as_text()
        assert issue.sheet == spec.name
        assert issue.row is None or 1 <= issue.row <= len(raw.rows)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(["Đơn vị", "Đảng viên", "don vi", "Khác"]),
    st.lists(st.lists(st.text(ALPHABET, max_size=12), max_size=9), max_size=6),
)
def test_run_import_of_random_csv_never_crashes(sheet: str, rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    from tuyengiao.lib.text import fold

    specs = [s for s in registered_sheets() if s.key == fold(sheet)]
    headers = [c.header for s in (specs or registered_sheets()) for c in s.columns]
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    data = buffer.getvalue().encode("utf-8", errors="surrogatepass")
    result = framework.run_import([(f"{sheet}.csv", data)], actor=SYSTEM, dry_run=True)
    assert not result.committed
    assert result.ok or all(e.message for e in result.errors)


@FUZZ
@given(st.binary(max_size=400))
def test_reading_random_bytes_is_a_clear_error(data: bytes) -> None:
    # The reader the child process runs, called here directly: 600 child processes would
    # fuzz process start-up, not the reader (test_bounded_uploads covers the child).
    from tuyengiao.imports import reading
    from tuyengiao.lib.isolated import Limits, Refused

    for name in ("x.xlsx", "Đơn vị.csv", "x.zip", "x.ods"):
        try:
            reading.read_file(name, data, Limits())
        except Refused as exc:  # UnreadableFile is one
            assert str(exc)


@FUZZ
@given(st.text(ALPHABET, max_size=60))
def test_text_helpers_never_crash(s: str) -> None:
    for fn in (
        text.normalize,
        text.fold,
        text.canonical_key,
        text.collation_key,
        text.to_old_tone_style,
    ):
        assert isinstance(fn(s), str)
    family, middle, given_name = text.split_full_name(s)
    assert isinstance(text.name_sort_key(given=given_name, family=family, middle=middle), str)


@FUZZ
@given(st.text(ALPHABET, max_size=20))
def test_date_and_number_parsers_raise_only_value_error(s: str) -> None:
    for parse in (dates.parse_date, numbers.parse_int, numbers.parse_decimal):
        try:
            parse(s)
        except ValueError as exc:
            assert str(exc)


@FUZZ
@given(st.dates(min_value=dt.date(dates.MIN_YEAR, 1, 1), max_value=dt.date(dates.MAX_YEAR, 12, 31)))
def test_dates_format_and_parse_round_trip(day: dt.date) -> None:
    assert dates.parse_date(dates.format_date(day)) == day
    assert dates.party_date_line(day, "Lào Cai")


@FUZZ
@given(st.dates().filter(lambda d: not dates.MIN_YEAR <= d.year <= dates.MAX_YEAR))
def test_dates_outside_the_years_are_refused_in_vietnamese(day: dt.date) -> None:
    with pytest.raises(ValueError, match="năm phải từ 1900 đến 2100"):
        dates.parse_date(dates.format_date(day))


def test_csv_with_a_stray_carriage_return_is_a_clear_error() -> None:
    # Found by the fuzzer above: csv.Error escaped the reader.
    result = framework.run_import([("Đơn vị.csv", b"\r\x00")], actor=SYSTEM, dry_run=True)
    assert not result.ok
    assert "CSV" in result.errors[0].message


@pytest.mark.django_db
def test_a_cell_of_invisible_characters_is_empty() -> None:
    # Found by the fuzzer: a soft hyphen passed as a unit kind, then the service
    # (which normalises it away) raised ValidationError out of run_import.
    data = "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại đơn vị\n0,0,,\xad\n".encode()
    result = framework.run_import([("Đơn vị.csv", data)], actor=SYSTEM, dry_run=False)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Loại đơn vị", "Không được để trống.")
    ]


@pytest.mark.django_db
def test_a_service_refusal_during_commit_is_listed_not_raised(monkeypatch: Any) -> None:
    from django.core.exceptions import ValidationError

    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import Unit

    def refuse(**_: Any) -> Any:
        raise ValidationError("Dịch vụ từ chối dòng này.")

    monkeypatch.setattr(services, "unit_create", refuse)
    data = "Mã đơn vị,Tên đơn vị,Loại đơn vị\nT9,Tỉnh ủy Chín,Tỉnh ủy\n".encode()
    result = framework.run_import([("Đơn vị.csv", data)], actor=SYSTEM, dry_run=False)
    assert not result.committed and not Unit.objects.exists()
    assert [e.message for e in result.errors] == ["Dịch vụ từ chối dòng này."]
