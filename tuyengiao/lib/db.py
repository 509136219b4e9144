"""Database helpers for the few hot statements written in SQL.

``fetchone_hot`` (and ``fetchall_hot``) run a statement that a busy path repeats thousands of times a
minute (the QR check-in). On PostgreSQL it is a server-side prepared statement:
the check-in lookup takes about 1 ms to plan and 0,2 ms to run, so planning it
once per connection instead of per scan is most of its cost. Django's own
cursors bind parameters on the client and cannot prepare, so this uses a plain
psycopg cursor on Django's connection (same transaction, same type adapters),
with database errors translated to Django's as usual. Elsewhere it is an
ordinary cursor.

Behind a connection pooler in transaction mode, prepared statements need
PgBouncer >= 1.21 with ``max_prepared_statements`` set (see README).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.db.models.expressions import RawSQL


@contextmanager
def _hot_cursor(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> Iterator[Any]:
    """A cursor that has run ``sql``: prepared on PostgreSQL, plain elsewhere."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        yield cursor


def fetchone_hot(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (placeholders ``%s`` or ``%(name)s``), prepared on
    PostgreSQL."""
    with _hot_cursor(sql, params) as cursor:
        row: tuple[Any, ...] | None = cursor.fetchone()  # database values, typed by the SQL
        return row


def fetchall_hot(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """All rows of ``sql``, prepared on PostgreSQL."""
    with _hot_cursor(sql, params) as cursor:
        return list(cursor.fetchall())


# Above this many ids, PostgreSQL gets them as one array parameter.
_ARRAY_IDS = 100


def in_ids(ids: Sequence[int]) -> Sequence[int] | RawSQL:
    """``ids`` for a ``field__in=`` filter. On PostgreSQL a long list goes as one array
    parameter (``IN (SELECT unnest(%s::bigint[]))``) instead of one placeholder per id:
    a statement with a province's 3.001 unit ids spent 115–150 ms in the driver
    splitting its placeholders, 25–35 ms as an array (``docs/benchmarks.md``, "Pages").
    Elsewhere, and for short lists, the list itself."""
    if connection.vendor != "postgresql" or len(ids) <= _ARRAY_IDS:
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))


_turns = threading.local()


@contextmanager
def sqlite_writers_take_turns() -> Iterator[None]:
    """On SQLite with a database file, hold an exclusive ``flock`` on ``<file>.writers``
    for the block; elsewhere, nothing.

    SQLite has one writer at a time, and a writer that finds the lock taken polls for it
    (``busy_timeout``) with sleeps growing to 100 ms, so among several processes that
    write all the time one can lose the race for seconds: the check-in writers of three
    server processes under 200 scanners had a p99 of 5-6 s, one process alone 0,7 s
    (``docs/benchmarks.md``). Writers that take turns here wait in the kernel instead
    and get the lock as soon as it is let go. Only for writers that run back to back
    (the check-in groups); another write still queues on ``busy_timeout`` as before,
    and never waits for this lock, so no cycle can form."""
    name = str(connection.settings_dict["NAME"])
    try:
        import fcntl  # POSIX; elsewhere the writers queue on busy_timeout alone
    except ImportError:  # pragma: no cover  (Windows)
        fcntl = None  # type: ignore[assignment]  # the module or nothing
    if connection.vendor != "sqlite" or fcntl is None or not Path(name).is_file():
        yield
        return
    files: dict[str, IO[bytes]] = _turns.__dict__.setdefault("files", {})
    lock = files.get(name)
    if lock is None:
        lock = files[name] = open(f"{name}.writers", "ab")  # noqa: SIM115  kept open by the thread: one open file a writer, not one a group
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
