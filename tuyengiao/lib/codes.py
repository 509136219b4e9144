"""The code alphabet: the one definition of what a unit, member or session code may be.

A code is a key that users type, that workbooks carry and that URLs embed
(``/don-vi/<code>/``), so it keeps to characters that need no escaping anywhere:
ASCII letters, digits, ``-``, ``_`` and ``.``, starting with a letter or a digit
(so ``.`` and ``..`` are never a code), at most 64 characters. A ``/`` in a code
made every page that links to it fail.

Used by the services (the rule), the forms and sheets (early, friendly errors) and
``CodeConverter`` (the URL converter registered as ``<code:...>``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from .numbers import is_digits
from .text import normalize

MAX_LENGTH = 64
PATTERN = r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
_FULL = re.compile(rf"\A{PATTERN}\Z")

RULE = (
    "chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (tối đa 64 ký tự, bắt đầu bằng chữ hoặc số)"
)


def is_valid_code(code: str) -> bool:
    return bool(_FULL.match(code))


def code_error(code: str, label: str = "Mã") -> str | None:
    """The Vietnamese message for a code outside the alphabet, or ``None``."""
    if is_valid_code(code):
        return None
    bad = sorted({c for c in code if not re.match(r"[A-Za-z0-9._\-]", c)})
    shown = " ".join(repr(c) if not c.isspace() else "dấu cách" for c in bad)
    detail = f" (có ký tự không hợp lệ: {shown})" if bad else ""
    return f"{label} '{code}' không hợp lệ{detail}: {label.lower()} {RULE}."


def check_code(code: str, label: str = "Mã") -> None:
    """``ValidationError`` for a code outside the alphabet."""
    if message := code_error(code, label):
        raise ValidationError(message)


def validate_code(value: str) -> None:
    """A model/form field validator."""
    check_code(value)


class CodeConverter:
    """URL converter for codes: ``path("don-vi/<code:code>/", ...)``."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register_url_converter() -> None:
    """Register ``<code:...>`` once; each ``urls.py`` that takes a code calls this
    before its patterns, whichever is imported first."""
    from django.urls import register_converter
    from django.urls.converters import get_converters

    if "code" not in get_converters():
        register_converter(CodeConverter, "code")


# --- codes that Excel turned into numbers ------------------------------------------------

LOST_ZEROS = (
    "mã đang ở dạng số, có thể đã mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) "
    "rồi nhập lại mã đầy đủ"
)


def lost_zeros_hint(code: str) -> str:
    """A sentence to add to "not found" when the code is only digits: the likely cause
    is a column Excel formatted as numbers."""
    if is_digits(code):
        return (
            " Mã chỉ gồm chữ số: có thể Excel đã bỏ các số 0 ở đầu; hãy định dạng cột là "
            "Văn bản (Text) rồi nhập lại mã đầy đủ."
        )
    return ""


def code_cell_parser(
    label: str, padded_variants: Callable[[str], list[str]]
) -> Callable[[Any], str]:
    """A workbook cell parser for a code column.

    Text is the code (checked against the alphabet). A number (Excel stores
    ``00004`` typed into a General column as ``4``) is an error naming the cause and
    the fix, unless it maps unambiguously: ``padded_variants(digits)`` (existing
    codes that are ``digits`` with or without leading zeros) is exactly
    ``[digits]`` itself."""

    def parse(value: Any) -> str:
        if isinstance(value, bool):
            raise ValueError(f"{label} không hợp lệ.")
        if isinstance(value, int | float):
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{label}: {LOST_ZEROS}.")
            digits = str(int(value))
            if int(value) >= 0 and padded_variants(digits) == [digits]:
                return digits
            raise ValueError(f"{label}: {LOST_ZEROS}.")
        text = normalize(str(value))
        if message := code_error(text, label):
            raise ValueError(message)
        return text

    return parse


# --- codes handed out on paper and typed back (survey codes, activation codes) -----------

PAPER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O, 1/I


def paper_code(length: int) -> str:
    """A random code of ``length`` symbols of ``PAPER_ALPHABET`` (5 bits each)."""
    return "".join(secrets.choice(PAPER_ALPHABET) for _ in range(length))


def typed_paper_code(raw: str, most: int) -> str:
    """A paper code as typed: spaces, dashes and case do not matter; at most ``most``."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:most]
