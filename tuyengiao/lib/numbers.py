"""Vietnamese numbers: ``.`` groups thousands, ``,`` is the decimal mark (``1.234.567,89``).

Django's ``vi`` locale sets no NUMBER_GROUPING, and Python's ``locale`` depends on what the
server has installed, so reports, templates and imports use these explicit functions.

Parsing is strict on purpose. Someone used to English conventions who types ``1,5`` meaning
fifteen hundred, or ``96.23`` meaning a decimal, would otherwise be read silently wrong by a
factor of a thousand or a hundred; rejecting the ambiguous forms with a Vietnamese message
makes them retype instead. Stdlib only.
"""

from __future__ import annotations

import operator
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "format_decimal",
    "format_int",
    "format_percent",
    "parse_decimal",
    "parse_int",
    "parse_offset",
]

# Either plain digits, or groups of exactly three after a first group without a leading
# zero: "1.000" is a thousand, "1.00" and "0.500" are mistakes, not numbers.
_INTEGER_PART = r"[+-]?(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)"
_INTEGER = re.compile(_INTEGER_PART)
_DECIMAL = re.compile(rf"({_INTEGER_PART})(?:,([0-9]+))?")
# Word processors turn "-" into a real minus sign.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_TO_VIETNAMESE = str.maketrans({",": ".", ".": ","})


def format_int(n: int) -> str:
    """``2033`` → ``"2.033"``, ``-1234567`` → ``"-1.234.567"``."""
    return f"{operator.index(n):,}".replace(",", ".")


def format_decimal(x: float | Decimal, places: int = 2) -> str:
    """``96.2345`` → ``"96,23"``: rounded half up to ``places`` digits, thousands grouped.

    Floats are taken at their shortest representation (``2.675`` → ``"2,68"``, as a person
    reading the number expects, not ``2,67`` from its binary value). Zero has no sign.
    """
    if places < 0:
        raise ValueError(f"số chữ số thập phân phải không âm: {places}")
    value = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    if not value.is_finite():
        raise ValueError(f"không phải số hữu hạn: {x!r}")
    with localcontext() as ctx:
        # Enough precision that quantize never fails on large values.
        ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # "-0,00" would read as a negative amount
    return f"{rounded:,f}".translate(_TO_VIETNAMESE)


def format_percent(x: float | Decimal, places: int = 2) -> str:
    """``x`` is already a percentage: ``96.23`` → ``"96,23%"``."""
    return format_decimal(x, places) + "%"


def parse_int(s: str) -> int:
    """``"227.251"``, ``"227251"``, ``" 1.000 "`` → int. ``"1,5"`` (a decimal) and ``"1.00"``
    (wrong grouping) raise ``ValueError`` with a Vietnamese message."""
    text = s.strip()
    if not _INTEGER.fullmatch(text.translate(_MINUS_SIGNS)):
        raise ValueError(f"không phải số nguyên: '{text}'")
    return int(text.translate(_MINUS_SIGNS).replace(".", ""))


def parse_decimal(s: str) -> Decimal:
    """``"96,23"``, ``"1.234,5"``, ``"-3"`` → Decimal. ``"96.23"`` raises ``ValueError``: the
    decimal mark is a comma."""
    text = s.strip()
    match = _DECIMAL.fullmatch(text.translate(_MINUS_SIGNS))
    if not match:
        raise ValueError(f"không phải số: '{text}'")
    integer, fraction = match.groups()
    digits = integer.replace(".", "")
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


MAX_OFFSET = 1_000_000_000  # beyond any list; the databases' integers hold it

# A head count or number of copies typed by a user: below a bound no real figure
# reaches, so that a typo of extra digits is refused with a sentence instead of
# reaching a column that cannot hold it (PostgreSQL's integer stops at 2.147.483.647,
# SQLite's at 2^63).
MAX_COUNT = 10_000_000
# Row ids from a form or a query string: digits that fit a 64-bit integer.
MAX_ID_DIGITS = 18


def check_count(value: int | None, what: str, *, most: int = MAX_COUNT) -> None:
    """Refuse a count that is missing, negative or above ``most``, naming ``what``
    (``"Số lượt người nghe"``)."""
    from django.core.exceptions import ValidationError

    if value is None or value < 0:
        raise ValidationError(f"{what} phải là số nguyên không âm.")
    if value > most:
        raise ValidationError(f"{what} quá lớn (tối đa {format_int(most)}).")


def is_digits(text: str) -> bool:
    """Only the digits 0–9 (and at least one). ``str.isdigit`` is also true of "²" and
    other digits ``int`` refuses: a ``ValueError`` (a 500) from a typed value."""
    return text.isascii() and text.isdigit()


def parse_id(raw: str | None) -> int | None:
    """A row id from a form or a query string, or ``None`` when it is not plain digits
    that fit the databases' integers (a lookup ``pk__in=[10**20]`` fails on SQLite)."""
    text = (raw or "").strip()
    if not is_digits(text) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


def parse_offset(raw: str | None) -> int:
    """A list offset from a query string (``?tu=200``): plain digits up to
    ``MAX_OFFSET``; anything else (empty, negative, huge, not a number) is 0."""
    text = (raw or "").strip()
    if not is_digits(text) or len(text) > 10:
        return 0
    value = int(text)
    return value if value <= MAX_OFFSET else 0
