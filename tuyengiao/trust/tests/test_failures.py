"""Failure tests: an import killed part-way leaves the database exactly as it was;
two imports of the same workbook at once write it once.

Each runs ``manage.py import_workbook`` in real subprocesses: on SQLite against a
file database (a copy of the migrated test database), on PostgreSQL against the
test database itself. (The server-restart-during-check-ins test belongs to the
study app.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from tuyengiao.imports.tests.test_workbook_import import workbook
from tuyengiao.tests.waits import wait_until
from tuyengiao.trust.backup import backup

from .bigbook import big_workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LOCK = 7_000_001  # the imports' advisory lock (imports/framework.py)
# Advisory locks are per database; other test databases share the server.
THIS_DATABASE = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
WAITING = "waiting for the write lock"  # the import's log line before its commit


class Output:
    """A subprocess's output read as it comes; ``waiting`` is set once the
    import logs that it waits for the write lock."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.waiting = threading.Event()
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self.out)),
            threading.Thread(target=self._read, args=(process.stderr, self.err)),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)
            if WAITING in line:
                self.waiting.set()

    def finish(self, timeout: float) -> tuple[str, str]:
        self.process.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        return "".join(self.out), "".join(self.err)


class Target:
    """Where the subprocesses write, and how the test reads it back."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.file = tmp_path / "db.sqlite3"
            backup(self.file)
            self.url = f"sqlite:///{self.file}"
        else:
            c = connection.settings_dict
            auth = c["USER"] + (f":{c['PASSWORD']}" if c.get("PASSWORD") else "")
            self.url = (
                f"postgres://{auth}@{c['HOST'] or '127.0.0.1'}:{c['PORT'] or 5432}/{c['NAME']}"
            )

    def command(self, *args: str) -> subprocess.Popen[str]:
        env = dict(os.environ, DATABASE_URL=self.url, PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_workbook", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.file)
            try:
                names = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {n: db.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}
            finally:
                db.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            names = [r[0] for r in cursor.fetchall()]
            out = {}
            for n in names:
                cursor.execute(f'SELECT * FROM "{n}" ORDER BY 1')
                out[n] = cursor.fetchall()
            return out

    def count(self, table: str) -> int:
        return len(self.tables()[table])

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold what an import's commit waits for (SQLite's write lock, the
        PostgreSQL advisory lock) while the block runs."""
        if self.vendor == "sqlite":
            holder = sqlite3.connect(self.file, isolation_level=None)
            try:
                # As the server's connections set it (config/settings.py): switching
                # the journal mode later would itself wait for this lock.
                holder.execute("PRAGMA journal_mode=WAL")
                holder.execute("BEGIN IMMEDIATE")
                yield
                holder.execute("ROLLBACK")
            finally:
                holder.close()
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            yield

    def waiting_for_the_lock(self) -> int:
        """PostgreSQL: how many sessions wait for the import lock."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                f"AND objid = %s AND {THIS_DATABASE}",
                [LOCK],
            )
            return int(cursor.fetchone()[0])

    def writing_members(self) -> bool:
        """PostgreSQL: the importer holding the import lock has begun writing
        members (uncommitted)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks a JOIN pg_locks w ON w.pid = a.pid "
                "WHERE a.locktype = 'advisory' AND a.granted AND a.objid = %s "
                f"AND a.{THIS_DATABASE} AND w.relation = 'orgs_member'::regclass "
                "AND w.mode = 'RowExclusiveLock')",
                [LOCK],
            )
            return bool(cursor.fetchone()[0])

    def in_commit(self) -> bool:
        """True while an importer holds the write lock of its commit transaction."""
        if self.vendor == "sqlite":
            probe = sqlite3.connect(self.file, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                f"AND objid = %s AND pid <> pg_backend_pid() AND {THIS_DATABASE}",
                [LOCK],
            )
            row = cursor.fetchone()
            return row is not None and row[0] > 0


def test_import_killed_mid_commit_leaves_the_database_as_before(tmp_path: Path) -> None:
    target = Target(tmp_path)
    book = tmp_path / "lon.xlsx"
    book.write_bytes(big_workbook(60, 100))
    before = target.tables()
    process = target.command(str(book))

    def running(check: Any) -> Any:
        def predicate() -> bool:
            assert process.poll() is None, "the import finished before it could be killed"
            return bool(check())

        return predicate

    try:
        wait_until(running(target.in_commit), "the import to start its commit", timeout=90)
        if target.vendor == "sqlite":
            # Wait until uncommitted pages spill from SQLite's cache to the WAL file.
            wal = Path(f"{target.file}-wal")
            wait_until(
                running(lambda: wal.exists() and wal.stat().st_size > 0),
                "uncommitted pages in the WAL file",
            )
        else:
            # Inside the commit, with members written and not committed.
            wait_until(running(target.writing_members), "the import to write members")
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    # PostgreSQL notices the dropped connection and rolls back; wait for the lock.
    wait_until(lambda: not target.in_commit(), "the killed import's lock to go", timeout=10)
    assert target.tables() == before
    # The same workbook imports cleanly afterwards: nothing half-done blocks it.
    again = target.command(str(book))
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0 and "Đã nhập" in out, err
    assert target.count("orgs_member") == len(before["orgs_member"]) + 6000


def test_two_imports_of_the_same_workbook_at_once_write_it_once(tmp_path: Path) -> None:
    target = Target(tmp_path)
    book = tmp_path / "du-lieu.xlsx"
    book.write_bytes(workbook())
    units, members = target.count("orgs_unit"), target.count("orgs_member")
    # The test holds the lock the imports' commits take, so neither can commit
    # before both are seen waiting for it: they overlap, observed, not assumed.
    with target.write_lock():
        first, second = target.command(str(book)), target.command(str(book))
        readers = [Output(first), Output(second)]
        for reader in readers:
            assert reader.waiting.wait(120), "".join(reader.err)
        if target.vendor == "postgresql":
            wait_until(lambda: target.waiting_for_the_lock() == 2, "both imports at the lock")
        assert first.poll() is None and second.poll() is None
    outputs = [reader.finish(timeout=120) for reader in readers]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert target.count("orgs_unit") == units + 3
    assert target.count("orgs_member") == members + 3
    assert target.count("orgs_membership") == 3
    unchanged = [out for out, _ in outputs if "Không có thay đổi nào" in out]
    assert len(unchanged) == 1, outputs
    assert target.count("imports_importbatch") == 2
