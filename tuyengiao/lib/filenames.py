"""Uploaded file names, short enough for every disk and column.

A name is kept for the user to recognise their file, but a file system allows
255 bytes per name (Vietnamese letters take two or three bytes each in UTF-8)
and the columns that keep names hold 255 characters. ``short_filename`` cuts
the stem, never the extension, so the stored name always fits.
"""

from __future__ import annotations

MAX_BYTES = 150  # leaves room for the suffix storage adds to make a name unique


def short_filename(name: str, max_bytes: int = MAX_BYTES) -> str:
    """``name`` with its stem cut so that the whole is at most ``max_bytes`` in UTF-8."""
    if len(name.encode()) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    tail = f".{ext}" if ext else ""
    room = max_bytes - len(tail.encode())
    cut = stem.encode()[:room].decode(errors="ignore").rstrip()
    return (cut or "tep") + tail
