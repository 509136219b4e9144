"""Vietnamese date formats: ``dd/mm/yyyy`` everywhere, and the Party date line.

The Party date line (``Lai Châu, ngày 05 tháng 3 năm 2025``) pads days below 10
and the months January and February with a zero (Decree 30/2020, Appendix I), so
that nobody can write a digit in front of them afterwards.
"""

from __future__ import annotations

import datetime as dt

from .numbers import is_digits


def format_date(value: dt.date | dt.datetime) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# Years a date typed by a user may have (a document of 1930, a session planned
# years ahead); outside them date arithmetic overflows or the date is a typo.
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date(text: str) -> dt.date:
    """``dd/mm/yyyy`` (also ``d/m/yyyy``, ``-`` or ``.`` as separator), the year
    from ``MIN_YEAR`` to ``MAX_YEAR``; raises ``ValueError`` with a Vietnamese
    message."""
    raw = text.strip()
    for sep in ("/", "-", "."):
        parts = raw.split(sep)
        if len(parts) == 3 and all(is_digits(p.strip()) for p in parts):
            day, month, year = (int(p) for p in parts)
            if len(parts[2].strip()) == 4 and not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(
                    f"ngày không hợp lệ: '{text}' (năm phải từ {MIN_YEAR} đến {MAX_YEAR})"
                )
            if len(parts[2].strip()) == 4:
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    break
    raise ValueError(f"ngày không hợp lệ: '{text}' (cần dạng dd/mm/yyyy)")


def party_date_line(value: dt.date, place: str = "") -> str:
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    line = f"ngày {day} tháng {month} năm {value.year}"
    return f"{place}, {line}" if place else line[0].upper() + line[1:]
