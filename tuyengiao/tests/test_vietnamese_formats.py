"""Django's ``vi`` formats are overridden: grouping, day-first input, Monday first;
and the Party date line pads days below 10 and months 1–2."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.lib.dates import format_date, parse_date, party_date_line


def test_numbers_are_grouped_with_dots() -> None:
    with translation.override("vi"):
        assert formats.number_format(2033, use_l10n=True, force_grouping=True) == "2.033"
        assert formats.localize(227251) == "227.251"
        assert formats.number_format(96.23, 2) == "96,23"


def test_date_input_is_day_first() -> None:
    class F(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = F({"day": "05/03/2025"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(2025, 3, 5)
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.date_format(dt.date(2025, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2025"


def test_template_filters() -> None:
    out = Template(
        "{{ n|so }} {{ r|phantram }} {{ d|ngay }} | {{ d|dong_ngay:'Lai Châu' }}"
    ).render(Context({"n": 51081, "r": 96.2345, "d": dt.date(2025, 3, 5)}))
    assert out == "51.081 96,23% 05/03/2025 | Lai Châu, ngày 05 tháng 3 năm 2025"


def test_party_date_line_pads_day_and_first_months() -> None:
    assert party_date_line(dt.date(2025, 1, 9), "Hà Nội") == "Hà Nội, ngày 09 tháng 01 năm 2025"
    assert party_date_line(dt.date(2025, 2, 28)) == "Ngày 28 tháng 02 năm 2025"
    assert party_date_line(dt.date(2025, 12, 15), "X") == "X, ngày 15 tháng 12 năm 2025"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_date_format_round_trips(day: dt.date) -> None:
    assert parse_date(format_date(day)) == day
    line = party_date_line(day, "P")
    assert line.endswith(f"năm {day.year}") and f"ngày {day.day:02d} " in line


@given(st.text(max_size=30))
def test_parse_date_only_raises_value_error(text: str) -> None:
    try:
        parse_date(text)
    except ValueError as exc:
        assert "dd/mm/yyyy" in str(exc)


def test_a_moment_is_dated_in_local_time() -> None:
    """18:30 UTC on 31/12 is already 01/01 in Việt Nam (UTC+7): a code that runs out
    then runs out on the local day, as the slip says."""
    moment = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)
    assert Template("{{ m|ngay }}").render(Context({"m": moment})) == "01/01/2027"
