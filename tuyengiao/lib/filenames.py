"""Uploaded file names, short enough for every disk and column.

A name is kept for the user to recognise their file, but a file system allows
255 bytes per name (Vietnamese letters take two or three bytes each in UTF-8)
and the columns that keep names hold 255 characters. ``short_filename`` cuts
the stem, never the extension, so the stored name always fits.

``purge_orphans`` deletes the stored files of a folder that no row names: what a
transaction rolled back after its file was written leaves behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

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


def purge_orphans(folder: str, known: Callable[[], Iterable[str]], *, older_than: float) -> int:
    """Delete the files under ``folder`` (a folder of the default storage) whose
    storage names ``known()`` does not return and that are older than ``older_than``
    (a POSIX time, so that a file whose row is being written is left alone); returns
    how many went. ``known`` is only called when the folder exists."""
    from django.core.files.storage import default_storage

    root = Path(default_storage.path(folder))
    if not root.is_dir():
        return 0
    base = Path(default_storage.path(""))
    names = set(known())
    removed = 0
    for path in root.rglob("*"):
        try:
            if (
                path.is_file()
                and path.relative_to(base).as_posix() not in names
                and path.stat().st_mtime < older_than
            ):
                path.unlink()
                removed += 1
        except OSError:  # removed meanwhile
            continue
    return removed
