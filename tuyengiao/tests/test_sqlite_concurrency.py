"""SQLite in WAL mode with IMMEDIATE transactions: concurrent writers queue on the
busy timeout instead of failing with "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import django, sys
django.setup()
from django.db import transaction
from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
worker = sys.argv[1]
root = Unit.objects.get(code="ROOT")
for i in range(40):
    with transaction.atomic():
        # read then write in one transaction: the pattern that deadlocks on DEFERRED
        n = Unit.objects.filter(parent=root).count()
        services.unit_create(actor=SYSTEM, code=f"W{worker}-{i}", name=f"Đơn vị {n}", kind="Chi bộ", parent=root)
"""


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking behaviour")
def test_concurrent_writers_do_not_fail_with_database_locked(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup = "import django; django.setup(); from tuyengiao.orgs import services; from tuyengiao.orgs.access import SYSTEM; services.unit_create(actor=SYSTEM, code='ROOT', name='Gốc', kind='Tỉnh ủy')"
    subprocess.run([python, "-c", setup], cwd=ROOT, env=env, check=True)
    procs = [
        subprocess.Popen([python, "-c", WRITER, str(w)], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for w in range(4)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    count = subprocess.run(
        [
            python,
            "-c",
            "import django; django.setup(); from tuyengiao.orgs.models import Unit; print(Unit.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert count == str(1 + 4 * 40)
