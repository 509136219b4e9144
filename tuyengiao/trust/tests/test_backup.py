"""``backup`` then ``restore`` gives back exactly the same data, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    data = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            data[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return data


def change_everything(world: Any) -> None:
    services.unit_rename(
        actor=SYSTEM, unit=world.cell, name="Chi bộ Đổi Tên", on=dt.date(2025, 3, 1)
    )
    services.member_create(
        actor=SYSTEM, code="DVMOI", full_name="Đảng Viên Mới", unit=world.cell, since=None
    )


def test_round_trip_gives_identical_data(world: Any, tmp_path: Path) -> None:
    before = snapshot()
    assert before["orgs.Member"] and before["auditlog.LogEntry"]
    target = tmp_path / "sao-luu.bak"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    change_everything(world)
    assert snapshot() != before
    if connection.vendor == "sqlite":
        call_command("restore", str(target), interactive=False)
        assert snapshot() == before
        return
    # PostgreSQL: restore into a scratch database named after the test database.
    live = connection.settings_dict["NAME"]
    scratch = f"{live}_khoiphuc"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("restore", str(target), into=scratch, interactive=False)
        connection.close()
        connection.settings_dict["NAME"] = scratch
        try:
            restored = snapshot()
        finally:
            connection.close()
            connection.settings_dict["NAME"] = live
        assert restored == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def test_restore_refuses_a_file_that_is_not_a_backup(world: Any, tmp_path: Path) -> None:
    bogus = tmp_path / "khong-phai.bak"
    bogus.write_bytes(b"PK\x03\x04 not a database at all" * 10)
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), interactive=False)
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("restore", str(tmp_path / "missing.bak"), interactive=False)
    assert snapshot() == before


def test_restore_asks_before_replacing(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "a.bak"
    call_command("backup", str(target))
    monkeypatch.setattr("builtins.input", lambda _: "khong")
    with pytest.raises(CommandError, match="Đã huỷ"):
        call_command("restore", str(target))
