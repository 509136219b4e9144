"""A server killed (SIGKILL) and restarted in the middle of QR check-ins loses no
check-in it had accepted: an answered check-in is a committed row (issue 6 §6).

Runs a real gunicorn against the test database, so PostgreSQL only (the SQLite
test database lives in this process's memory).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from typing import Any

import pytest
from django.db import connection

from bench.checkin import _checkin_request, _free_port, _setup, start_server
from tuyengiao.tests.waits import wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server-visible database"),
]


def _start(port: int) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    host, user = db["HOST"] or "127.0.0.1", db["USER"] or "postgres"
    url = f"postgres://{user}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    return start_server(port, url, [], workers=2)


def _send(port: int, payload: bytes) -> int | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(payload)
            head = s.recv(32)
        return int(head.split()[1]) if head.startswith(b"HTTP/1.1") else None
    except (OSError, ValueError, IndexError):
        return None  # refused or cut off: not accepted


def test_no_accepted_checkin_is_lost_across_a_server_kill(db: Any) -> None:
    from tuyengiao.study import services
    from tuyengiao.study.models import Attendance

    total = 60
    data = _setup(total)
    session = data["session"]
    port = _free_port()
    proc = _start(port)
    accepted: list[int] = []
    done = threading.Event()

    def scan_all() -> None:
        for n in range(total):
            payload = _checkin_request(
                services.make_token(session), data["session_keys"][n], data["devices"][n], "c" * 32
            )
            for _ in range(50):  # a member whose scan failed scans again
                status = _send(port, payload)
                if status == 200:
                    accepted.append(data["member_ids"][n])
                    break
                time.sleep(0.1)
        done.set()

    scanner = threading.Thread(target=scan_all)
    scanner.start()
    try:
        wait_until(
            lambda: len(accepted) >= total // 3 or done.is_set(), "a third of the scans", 120
        )
        os.killpg(proc.pid, signal.SIGKILL)  # mid-stream, no graceful shutdown
        proc.wait(timeout=30)
        killed_after = len(accepted)
        proc = _start(port)
        scanner.join(timeout=240)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert 0 < killed_after < total
    rows = list(Attendance.objects.filter(session=session).values_list("member_id", flat=True))
    assert len(rows) == len(set(rows))  # nothing duplicated
    assert set(accepted) <= set(rows)  # nothing accepted was lost
    assert len(accepted) == total
