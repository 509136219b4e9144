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

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

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
