"""Template filters available in every template: Vietnamese numbers and dates.

``{{ n|so }}`` → ``2.033``; ``{{ r|phantram }}`` → ``96,23%``; ``{{ d|ngay }}`` →
``05/03/2025``; ``{{ d|dong_ngay:"Lai Châu" }}`` → ``Lai Châu, ngày 05 tháng 3 năm 2025``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from tuyengiao.lib.dates import format_date, party_date_line
from tuyengiao.lib.numbers import format_int, format_percent

register = template.Library()


@register.filter
def so(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        return (
            format_int(int(value)) if isinstance(value, int | float | str | Decimal) else str(value)
        )
    except (TypeError, ValueError):
        return str(value)


@register.filter
def phantram(value: object, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value) if isinstance(value, int | float | str | Decimal) else None
        return str(value) if number is None else format_percent(number, places)
    except (TypeError, ValueError):
        return str(value)


@register.filter(expects_localtime=True)
def ngay(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy; a moment is read in local time (an activation code that runs out at
    01:00 local runs out on that local day, not on the day before in UTC)."""
    return format_date(value) if value else ""


@register.filter
def dong_ngay(value: dt.date | None, place: str = "") -> str:
    return party_date_line(value, place) if value else ""
