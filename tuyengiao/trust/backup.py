"""Backup and restore of the whole database.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent
snapshot while the system keeps running; restore copies the file back page by
page through the same API, so the live database is replaced in one step.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``
(single transaction), with the connection settings of ``DATABASES``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    pass


def _pg_env(conf: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if conf.get(key):
            env[var] = str(conf[key])
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603  pg_dump or pg_restore with an argument list built here, no shell
    if done.returncode != 0:
        raise BackupError(f"{args[0]} thất bại: {done.stderr.strip()[:2000]}")


def backup(path: Path, alias: str = "default") -> None:
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        tmp = path.with_name(path.name + ".tmp")
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(tmp, path)
    elif connection.vendor == "postgresql":
        conf = connection.settings_dict
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), conf["NAME"]],
            _pg_env(conf),
        )
    else:  # pragma: no cover - settings refuse other engines
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")


def _check_sqlite_file(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} không phải tệp sao lưu SQLite.")
    probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"Tệp sao lưu {path} bị hỏng.")
    finally:
        probe.close()


def restore(path: Path, alias: str = "default", into: str | None = None) -> None:
    """Replace the database's contents with the backup at ``path``. On PostgreSQL,
    ``into`` restores into another (existing, empty) database instead, to check a
    backup without touching the live one."""
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu: {path}")
    connection = connections[alias]
    if connection.vendor == "sqlite":
        _check_sqlite_file(path)
        if into:
            target = sqlite3.connect(into)
            source = sqlite3.connect(path)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
            return
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        conf = connection.settings_dict
        env = _pg_env(conf)
        _run(["pg_restore", "--list", str(path)], env)  # a readable custom-format dump
        if into is None:
            connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                into or conf["NAME"],
                str(path),
            ],
            env,
        )
    else:  # pragma: no cover
        raise BackupError(f"Không hỗ trợ khôi phục cơ sở dữ liệu {connection.vendor}.")
