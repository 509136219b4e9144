"""``lib.db``: the hot statements really are prepared on PostgreSQL, and Django's
own queries are not (they must keep working behind a pooler in transaction mode);
SQLite's back-to-back writers take turns on a lock beside the database file."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tuyengiao.lib.db import fetchall_hot, fetchone_hot, sqlite_writers_take_turns
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

HOT = "SELECT %(n)s::int + 1 AS hot_statement_probe"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_hot_statements_give_their_rows() -> None:
    assert fetchone_hot("SELECT %s + 1", [41]) == (42,)
    assert fetchall_hot("SELECT %s + 1 UNION ALL SELECT %s + 2", [1, 1]) == [(2,), (3,)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_hot_statement_is_prepared_once_and_django_queries_are_not() -> None:
    for n in range(3):
        assert fetchone_hot(HOT, {"n": n}) == (n + 1,)
    for pk in range(10):  # more than psycopg's default threshold of 5
        list(Unit.objects.filter(pk=pk)[:1])
    prepared = _prepared()
    assert [s for s in prepared if "hot_statement_probe" in s] != []
    assert len([s for s in prepared if "hot_statement_probe" in s]) == 1
    assert not [s for s in prepared if "orgs_unit" in s]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_hot_statements_run_their_one_generic_plan() -> None:
    """Left to choose, PostgreSQL re-planned a statement over arrays of unknown length on
    every call (a custom plan each time): the connections ask for the generic plan."""
    sql = "SELECT count(*) AS generic_plan_probe FROM unnest(%(ids)s::bigint[]) AS u(id)"
    for n in range(1, 9):  # (an empty list would be typed apart, as another statement)
        assert fetchone_hot(sql, {"ids": list(range(n))}) == (n,)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["%generic_plan_probe%"],
        )
        assert cursor.fetchall() == [(8, 0)]


def _free(lock_file: Path) -> bool:
    """Whether another open file (as another process has) can take the lock now."""
    with lock_file.open("ab") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_sqlite_writers_take_turns_on_the_database_file(tmp_path: Path, monkeypatch: Any) -> None:
    database = tmp_path / "db.sqlite3"
    database.touch()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    lock_file = tmp_path / "db.sqlite3.writers"
    with sqlite_writers_take_turns():
        assert not _free(lock_file)  # another process's writer waits here
    assert _free(lock_file)
    with sqlite_writers_take_turns():  # the same open file, again
        assert not _free(lock_file)
    assert _free(lock_file)


def test_no_turns_without_a_database_file(tmp_path: Path, monkeypatch: Any) -> None:
    """PostgreSQL, or SQLite in memory (the tests): nothing to take turns on."""
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "absent.sqlite3"))
    with sqlite_writers_take_turns():
        pass
    assert list(tmp_path.iterdir()) == []
