"""Tests for tuyengiao.lib.numbers: plain functions, no database, no Django settings."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuyengiao.lib.numbers import (
    format_decimal,
    format_int,
    format_percent,
    parse_decimal,
    parse_int,
)

FAST = settings(max_examples=200, deadline=None)
GROUPED_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,2}(?:\.[0-9]{3})*)")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1.000"),
        (2033, "2.033"),
        (227251, "227.251"),
        (-1234567, "-1.234.567"),
        (10**12, "1.000.000.000.000"),
    ],
)
def test_format_int(n: int, text: str) -> None:
    assert format_int(n) == text


def test_format_int_rejects_floats() -> None:
    with pytest.raises(TypeError):
        format_int(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "places", "text"),
    [
        (96.2345, 2, "96,23"),
        (96.235, 2, "96,24"),  # half up, on the number as written
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # binary 2.67499… would give 2,67
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (1234.5, 1, "1.234,5"),
        (-1234.5, 2, "-1.234,50"),
        (-0.001, 2, "0,00"),  # no "-0,00"
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (5, 2, "5,00"),
        (Decimal("1E+3"), 2, "1.000,00"),
        (1e-05, 4, "0,0000"),
        (Decimal("1e30"), 2, "1.000.000.000.000.000.000.000.000.000.000,00"),
    ],
)
def test_format_decimal(x: float | Decimal, places: int, text: str) -> None:
    assert format_decimal(x, places) == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("-Infinity")])
def test_format_decimal_rejects_non_finite(bad: float | Decimal) -> None:
    with pytest.raises(ValueError):
        format_decimal(bad)


def test_format_decimal_rejects_negative_places() -> None:
    with pytest.raises(ValueError):
        format_decimal(1.5, -1)


@pytest.mark.parametrize(
    ("x", "places", "text"),
    [(96.23, 2, "96,23%"), (100, 2, "100,00%"), (33.3333, 1, "33,3%"), (Decimal(5), 0, "5%")],
)
def test_format_percent(x: float | Decimal, places: int, text: str) -> None:
    assert format_percent(x, places) == text


def test_format_percent_default_places() -> None:
    assert format_percent(96.2345) == "96,23%"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("227.251", 227251),
        ("227251", 227251),
        (" 1.000 ", 1000),
        ("0", 0),
        ("007", 7),
        ("-1.234.567", -1234567),
        ("\u22125", -5),  # minus sign from a word processor
        ("+12", 12),
        ("1.000.000", 1000000),
    ],
)
def test_parse_int(text: str, n: int) -> None:
    assert parse_int(text) == n


@pytest.mark.parametrize(
    "bad",
    ["1,5", "1,000", "1.00", "1.0000", "0.500", "12.34.567", ".123", "1.", "", " ", "1 000", "a1"],
)
def test_parse_int_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="không phải số nguyên"):
        parse_int(bad)


def test_parse_int_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_int(" 1,5 ")
    assert str(info.value) == "không phải số nguyên: '1,5'"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("96,23", Decimal("96.23")),
        ("1.234,5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1.000", Decimal(1000)),
        ("1,000", Decimal("1.000")),
        ("-0,5", Decimal("-0.5")),
        (" 42 ", Decimal(42)),
    ],
)
def test_parse_decimal(text: str, value: Decimal) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("bad", ["96.23", "1,234.5", "1,", ",5", "1,2,3", "", "12%", "1.00,5"])
def test_parse_decimal_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="không phải số"):
        parse_decimal(bad)


@FAST
@given(st.integers())
def test_int_round_trip(n: int) -> None:
    text = format_int(n)
    assert GROUPED_INT.fullmatch(text)
    assert parse_int(text) == n
    assert parse_int(str(n)) == n
    assert parse_decimal(text) == n


@FAST
@given(st.integers(min_value=0, max_value=6), st.data())
def test_decimal_round_trip(places: int, data: st.DataObject) -> None:
    value = data.draw(
        st.decimals(
            min_value=-(10**15),
            max_value=10**15,
            places=places,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    text = format_decimal(value, places)
    assert parse_decimal(text) == value
    assert text.count(",") == (1 if places else 0)
    assert format_percent(value, places) == text + "%"


@FAST
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4))
def test_format_decimal_rounds_half_up_within_half_a_unit(x: float, places: int) -> None:
    shown = parse_decimal(format_decimal(x, places))
    assert abs(shown - Decimal(repr(x))) <= Decimal("0.5").scaleb(-places)


@FAST
@given(st.text(alphabet="0123456789.,-+ ", max_size=12))
def test_parse_int_never_misreads_a_comma(text: str) -> None:
    try:
        n = parse_int(text)
    except ValueError:
        return
    assert "," not in text
    assert n == int(text.strip().replace(".", ""))


def test_parse_offset_is_bounded() -> None:
    from tuyengiao.lib.numbers import parse_offset

    assert parse_offset("200") == 200
    assert [parse_offset(v) for v in ("", None, "-1", "1.5", "9" * 40, "x", "2000000000")] == [
        0
    ] * 7


def test_parse_id_takes_only_ids_a_database_integer_holds() -> None:
    from tuyengiao.lib.numbers import parse_id

    assert parse_id("42") == 42 and parse_id(" 7 ") == 7
    assert parse_id("9" * 18) == int("9" * 18)
    for bad in ("9" * 19, "99999999999999999999", "-1", "1.5", "", None, "١٢", "²", "abc"):
        assert parse_id(bad) is None, bad


def test_check_count_refuses_missing_negative_and_huge_counts_by_name() -> None:
    from django.core.exceptions import ValidationError

    from tuyengiao.lib.numbers import MAX_COUNT, check_count

    check_count(0, "Số bản")
    check_count(MAX_COUNT, "Số bản")
    with pytest.raises(ValidationError, match=r"^\['Số bản phải là số nguyên không âm.'\]$"):
        check_count(-1, "Số bản")
    with pytest.raises(ValidationError, match="Số bản phải là số nguyên không âm"):
        check_count(None, "Số bản")
    with pytest.raises(ValidationError, match=r"Số bản quá lớn \(tối đa 10\.000\.000\)"):
        check_count(MAX_COUNT + 1, "Số bản")
    with pytest.raises(ValidationError, match=r"Dân số quá lớn \(tối đa 1\.000\)"):
        check_count(1001, "Dân số", most=1000)


def test_a_date_of_odd_digits_is_a_vietnamese_error() -> None:
    """ "²" passes str.isdigit; int refuses it with an English message that reached the
    page as "Ngày không hợp lệ: invalid literal for int()"."""
    from tuyengiao.lib.dates import parse_date

    with pytest.raises(ValueError, match=r"^ngày không hợp lệ") as refused:
        parse_date("²/²/²⁰²⁵")
    assert "invalid literal" not in str(refused.value)
