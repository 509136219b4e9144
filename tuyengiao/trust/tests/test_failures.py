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
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tuyengiao.imports.tests.test_workbook_import import workbook
from tuyengiao.trust.backup import backup

from .bigbook import big_workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


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
        env = dict(os.environ, DATABASE_URL=self.url, PYTHONUNBUFFERED="1")
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
                "AND objid = 7000001 AND pid <> pg_backend_pid() "
                # advisory locks are per database; other test databases share the server
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            return cursor.fetchone()[0] > 0


def test_import_killed_mid_commit_leaves_the_database_as_before(tmp_path: Path) -> None:
    target = Target(tmp_path)
    book = tmp_path / "lon.xlsx"
    book.write_bytes(big_workbook(60, 100))
    before = target.tables()
    process = target.command(str(book))
    deadline = time.monotonic() + 90
    try:
        while not target.in_commit():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started its commit"
            time.sleep(0.02)
        if target.vendor == "sqlite":
            # Wait until uncommitted pages spill from SQLite's cache to the WAL file.
            wal = Path(f"{target.file}-wal")
            while not (wal.exists() and wal.stat().st_size > 0):
                assert process.poll() is None, "the import finished before it could be killed"
                time.sleep(0.005)
        else:
            # Inside the commit: it writes from the moment it holds the lock. (0.8 s was
            # about as long as the whole commit once imports got faster, and the
            # import sometimes committed before it was killed.)
            time.sleep(0.3)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    # PostgreSQL notices the dropped connection and rolls back; wait for the lock.
    for _ in range(200):
        if not target.in_commit():
            break
        time.sleep(0.05)
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
    first, second = target.command(str(book)), target.command(str(book))
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert target.count("orgs_unit") == units + 3
    assert target.count("orgs_member") == members + 3
    assert target.count("orgs_membership") == 3
    unchanged = [out for out, _ in outputs if "Không có thay đổi nào" in out]
    assert len(unchanged) == 1, outputs
    assert target.count("imports_importbatch") == 2
