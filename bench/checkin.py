"""Check-in under load: a real gunicorn server on the bench database and 200
concurrent keep-alive clients (an asyncio load generator in this process),
each checking in its own members by POSTing the QR token to the scan page.

Reports ``checkin_per_s``, ``checkin_p99_ms``, ``checkin_vs_empty`` (check-in
throughput ÷ that of an empty Django view, same server, same run),
``checkin_lost`` (accepted check-ins without a row) and ``checkin_duplicated``
(rows beyond one per member), ``checkin_db_share`` (PostgreSQL CPU per check-in ÷
the whole CPU of an empty Django request, same run) and ``checkin_groups`` (the
groups the scans were written in: rows sharing a transaction id). The server is
Django's plain WSGI application. Run: ``python -m bench.run --db postgres --only checkin``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tuyengiao.orgs.access import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 200
PER_CLIENT = {"small": 10, "province": 25, "national": 50}
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "24"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(total: int, prefix: str = "B") -> dict[str, Any]:
    """A commune with ten cells, ``total`` members each with a user and a signed-in
    session, a campaign and a session to check in to; codes and usernames start
    with ``prefix`` (one per bench module sharing a database)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as DjangoSession
    from django.core import signing
    from django.utils import timezone

    from tuyengiao.documents.models import Document
    from tuyengiao.orgs import services as org_services
    from tuyengiao.study import services
    from tuyengiao.study.models import Attendance

    day = dt.date(2025, 9, 1)
    province = org_services.unit_create(
        actor=SYSTEM, code=f"{prefix}-TINH", name="Tỉnh", kind="Tỉnh ủy"
    )
    commune = org_services.unit_create(
        actor=SYSTEM, code=f"{prefix}-XA", name="Xã", kind="Đảng ủy xã", parent=province
    )
    cells = [
        org_services.unit_create(
            actor=SYSTEM, code=f"{prefix}-CB{i}", name=f"Chi bộ {i}", kind="Chi bộ", parent=commune
        )
        for i in range(10)
    ]
    members = org_services.member_bulk_create(
        actor=SYSTEM,
        rows=[
            org_services.NewMember(
                code=f"{prefix}{i:06d}", full_name=f"Nguyễn Văn Thử {i}", unit=cells[i % 10]
            )
            for i in range(total)
        ],
    )
    user_model = get_user_model()
    users = [
        user_model(username=f"{prefix.lower()}{i:06d}", password="!" + secrets.token_hex(8))
        for i in range(total)
    ]
    user_model.objects.bulk_create(users, batch_size=2000)
    users = list(
        user_model.objects.filter(username__startswith=prefix.lower()).order_by("username")
    )
    members = sorted(members, key=lambda m: m.code)
    for m, u in zip(members, users, strict=True):
        m.user_id = u.pk
    type(members[0]).objects.bulk_update(members, ["user"], batch_size=2000)
    backend = "tuyengiao.trust.sessions.UserBackend"
    store = SessionStore()
    expire = timezone.now() + dt.timedelta(hours=2)
    keys = []
    rows = []
    for u in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(u.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": u.get_session_auth_hash(),
        }
        rows.append(
            DjangoSession(session_key=key, session_data=store.encode(data), expire_date=expire)
        )
        keys.append(key)
    DjangoSession.objects.bulk_create(rows, batch_size=2000)
    document, _ = Document.objects.get_or_create(  # shared by the modules of one run
        symbol_key="57-nq/tw",
        defaults={
            "system": "party",
            "kind": "Nghị quyết",
            "type_code": "NQ",
            "number": 57,
            "issuer_code": "TW",
            "symbol": "57-NQ/TW",
            "title": "Thử tải",
        },
    )
    campaign = services.campaign_create(
        actor=SYSTEM,
        title="Thử tải điểm danh",
        documents=[document],
        owner=commune,
        start=day,
        deadline=day + dt.timedelta(days=30),
    )
    session = services.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code=f"{prefix}-HN",
        host=commune,
        date=day,
        format="truc_tuyen",
    )
    device_signer = signing.get_cookie_signer(salt=services.DEVICE_COOKIE + services.DEVICE_SALT)
    devices = [device_signer.sign(secrets.token_urlsafe(12)) for _ in users]
    assert not Attendance.objects.filter(session=session).exists()
    return {
        "session": session,
        "member_ids": [m.pk for m in members],
        "session_keys": keys,
        "devices": devices,
    }


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bool]:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    close = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lname = name.strip().lower()
        if lname == "content-length":
            length = int(value.strip())
        elif lname == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def _load(port: int, jobs: list[list[Any]]) -> tuple[list[float], list[int], float]:
    """Each job list is one client's requests, sent one after another on a
    keep-alive connection. Returns latencies (s), statuses, wall time (s)."""
    latencies: list[float] = []
    statuses: list[int] = []

    async def client(requests: list[bytes]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for item in requests:
            raw = item() if callable(item) else item
            for attempt in range(3):
                start = time.perf_counter()
                try:
                    status, close = await _request(reader, writer, raw)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    if attempt == 2:
                        statuses.append(0)
                    continue
                latencies.append(time.perf_counter() - start)
                statuses.append(status)
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(r) for r in jobs))
    return latencies, statuses, time.perf_counter() - start


def _checkin_request(token: str, session_key: str, device: str, csrf: str) -> bytes:
    from urllib.parse import quote

    body = f"t={quote(token)}".encode()
    return (
        "POST /hoc-tap/quet/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: sessionid={session_key}; csrftoken={csrf}; tg_thiet_bi={device}\r\n"
        f"X-CSRFToken: {csrf}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def _empty_request(session_key: str) -> bytes:
    return (
        f"GET /bench/empty/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid={session_key}\r\n\r\n"
    ).encode()


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(
                    b"GET /bench/empty/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def start_server(
    port: int,
    database_url: str,
    extra: list[str],
    *,
    workers: int,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:``port`` with the bench settings (the empty view for
    the baseline), in its own process group so that it can be killed whole;
    returns once it answers."""
    environment = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings_checkin",
        AXES_ENABLED="false",
        TWO_FACTOR_ENFORCED="false",
        # The bench session is dated 2025-09-01 and scanned now: window wide open.
        CHECKIN_OPENS_MINUTES_BEFORE="10000000",
        CHECKIN_CLOSES_MINUTES_AFTER="10000000",
        LOG_LEVEL="ERROR",
        **(env or {}),
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    try:
        _wait_ready(port, proc)
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    return proc


def _proc_stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or
    ``None`` for a process that has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time consumed so far by ``pids`` (Linux /proc)."""
    stats = [fields for fields in map(_proc_stat, pids) if fields is not None]
    ticks = sum(int(fields[11]) + int(fields[12]) for fields in stats)  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _server_pids(group: int) -> tuple[set[int], set[int]]:
    """The server's processes (its process group) and, on PostgreSQL, the
    database backends serving the bench database: CPU per request counted this
    way does not depend on what else the shared machine is doing."""
    pids = set()
    backends: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _proc_stat(entry.name)) and int(fields[2]) == group:
            pids.add(int(entry.name))
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            backends.update(pid for (pid,) in cursor.fetchall())
    return pids, backends


def measure(ctx: Any) -> dict[str, Any]:
    from django.db import connection

    from bench.run import percentile
    from tuyengiao.study import services
    from tuyengiao.study.models import Attendance

    per_client = PER_CLIENT.get(ctx.scale, 10)
    total = CLIENTS * per_client
    data = _setup(total)
    session = data["session"]
    port = _free_port()
    proc = start_server(
        port,
        ctx.database_url,
        [
            "--worker-class",
            "gthread",
            "--threads",
            str(THREADS),
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
        ],
        workers=WORKERS,
        env={"CONN_MAX_AGE": "600"},
    )
    try:
        keys, devices, csrf = data["session_keys"], data["devices"], secrets.token_hex(16)
        # Warm up every worker and thread (imports, connections) with the empty view,
        # as many clients as measured: a server thread that first answers during a
        # measured run opens its database connection then. Both runs below count such
        # a connection's whole CPU (its start included), as they count every other
        # backend's CPU during the run; the warm-up makes that rare in either. (Until
        # 30/11/2026 the empty run did not count the connections it opened while the
        # check-in run did: with 20 warm-up clients most of the 72 threads connected
        # during the empty run, whose database CPU per request then read 0,05-0,14 ms
        # against 0,24-0,38 ms for the same two queries from one warm connection.)
        warm_up = [[_empty_request(keys[c])] * 3 for c in range(CLIENTS)]
        asyncio.run(_load(port, warm_up))
        # Each request with its own member's session, as the check-ins below.
        empty_jobs = [
            [_empty_request(keys[c * per_client + i]) for i in range(per_client)]
            for c in range(CLIENTS)
        ]
        web, backends = _server_pids(proc.pid)
        cpu_before, empty_db_before = _cpu_seconds(web | backends), _cpu_seconds(backends)
        _, empty_status, empty_wall = asyncio.run(_load(port, empty_jobs))
        backends |= _server_pids(proc.pid)[1]  # connections opened during the run
        empty_cpu = _cpu_seconds(web | backends) - cpu_before
        empty_db_cpu = _cpu_seconds(backends) - empty_db_before
        empty_per_s = sum(1 for s in empty_status if s == 200) / empty_wall
        # The token in use is refreshed every 5 s, as members scan whatever the
        # QR screen shows; each client checks in its own members.
        current = {"token": services.make_token(session), "at": time.monotonic()}

        def token() -> str:
            if time.monotonic() - current["at"] > 5:  # type: ignore[operator]
                current.update(token=services.make_token(session), at=time.monotonic())
            return str(current["token"])

        def request_for(n: int) -> Any:
            return lambda: _checkin_request(token(), keys[n], devices[n], csrf)

        jobs = [
            [request_for(c * per_client + i) for i in range(per_client)] for c in range(CLIENTS)
        ]
        web, backends = _server_pids(proc.pid)
        web_before, db_before = _cpu_seconds(web), _cpu_seconds(backends)
        latencies, statuses, wall = asyncio.run(_load(port, jobs))
        backends |= _server_pids(proc.pid)[1]  # connections opened during the run
        checkin_db_cpu = _cpu_seconds(backends) - db_before
        checkin_cpu = _cpu_seconds(web) - web_before + checkin_db_cpu
        # The empty view again after the check-ins: the baseline is the mean of the
        # runs before and after, so a load drifting on a shared machine biases less.
        _, after_status, after_wall = asyncio.run(_load(port, empty_jobs))
        empty_after_per_s = sum(1 for s in after_status if s == 200) / after_wall
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    accepted = sum(1 for s in statuses if s == 200)
    rows = Attendance.objects.filter(session=session)
    n_rows = rows.count()
    distinct = rows.values("member_id").distinct().count()
    checkin_per_s = accepted / wall
    groups = ""
    if connection.vendor == "postgresql":  # rows written together share their xmin
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(DISTINCT xmin::text) FROM {Attendance._meta.db_table} "
                "WHERE session_id = %s",
                [session.pk],
            )
            (written_by,) = cursor.fetchone()
        groups = f"{written_by} ({n_rows / max(1, written_by):.1f} a group)"
    empty_before_per_s = empty_per_s
    empty_per_s = (empty_before_per_s + empty_after_per_s) / 2
    return {
        "checkin_requests": len(statuses),
        "checkin_accepted": accepted,
        "checkin_errors": len(statuses) - accepted,
        "checkin_per_s": round(checkin_per_s, 1),
        "checkin_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "checkin_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "checkin_empty_per_s": round(empty_per_s, 1),
        "checkin_empty_before_after": f"{empty_before_per_s:.0f} / {empty_after_per_s:.0f}",
        "checkin_vs_empty": round(checkin_per_s / empty_per_s, 3) if empty_per_s else 0.0,
        # CPU of the server and its database backends per request, a figure the
        # other work on a shared machine does not move (throughput it does).
        "checkin_cpu_ms": round(checkin_cpu / max(1, len(statuses)) * 1000, 2),
        "checkin_db_cpu_ms": round(checkin_db_cpu / max(1, len(statuses)) * 1000, 2),
        "checkin_empty_cpu_ms": round(empty_cpu / max(1, len(empty_status)) * 1000, 2),
        "checkin_empty_db_cpu_ms": round(empty_db_cpu / max(1, len(empty_status)) * 1000, 2),
        # The database's CPU per check-in against the CPU (server and database)
        # of an empty Django request: the part that does not scale out.
        "checkin_db_share": round(
            (checkin_db_cpu / max(1, len(statuses))) / (empty_cpu / max(1, len(empty_status))), 3
        )
        if empty_cpu and connection.vendor == "postgresql"
        else "",  # SQLite: the database works inside the server's processes
        "checkin_lost": max(0, accepted - distinct),
        "checkin_duplicated": n_rows - distinct,
        "checkin_groups": groups,
        "checkin_server": f"gunicorn gthread {WORKERS}x{THREADS}, {CLIENTS} clients",
    }
