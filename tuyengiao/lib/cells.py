"""Spreadsheet cells written by the system are data, never formulas.

A name typed by a user (a unit called ``=HYPERLINK(...)``, a session titled
``=1+1``) must come out of every export as the text it is. openpyxl turns any
string that starts with ``=`` into a formula (and ``#N/A``-like strings into
error values), so every exporter writes its rows through ``append`` / ``put``,
which store each string as a string (``data_type = "s"``) and mark the ones a
spreadsheet would read as a formula with Excel's quote prefix (the cell shows
the text and stays text when edited). ``csv_text`` does the same for CSV, where
the only defence is a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# What a spreadsheet may read as the start of a formula (or a DDE payload).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def as_text(cell: Any) -> Any:
    """Store the cell's string value as a string, never a formula or an error."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True
    return cell


def append(ws: Any, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every string cell stored as text."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        as_text(cell)


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """``ws.cell(row, column, value)`` with a string stored as text."""
    return as_text(ws.cell(row=row, column=column, value=value))


def csv_text(value: Any) -> Any:
    """A CSV field that no spreadsheet runs: strings starting with ``= + - @``,
    a tab or a line break get a leading apostrophe; other values are unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
