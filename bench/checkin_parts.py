"""Where a check-in group's cost goes: the check-ins of ``bench.checkin``'s world
written serially, on one connection, by ``services.checkin_group`` (what the
server's group writer calls), in groups of 1, 5, 20 and 40 scans.

For each group size it reports the CPU per scan of this process (the writer's
Python) and of its PostgreSQL backend (``/proc``), and from the sizes 1 and 40 the
database's fixed cost per group and its cost per scan (a straight line through
the two). With ``BENCH_CHECKIN_CUT=member_facts`` the statement is run without
its two member-fact upserts and the members' locks (``facts.presence_added_ctes``
cut after the presence rows): an analysis of what those items cost, never a
mode of the system. PostgreSQL only. Run:
``python -m bench.run --db postgres --only checkin_parts``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from typing import Any

from bench.checkin import _cpu_seconds, _setup

SIZES = (1, 5, 20, 40)
PER_SIZE = 2000  # scans written at each size (each member once)


def measure(ctx: Any) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from tuyengiao.orgs.models import Member
    from tuyengiao.study import services

    if connection.vendor != "postgresql":
        return {}
    cut = os.environ.get("BENCH_CHECKIN_CUT", "")
    if cut not in ("", "member_facts"):
        raise ValueError(f"BENCH_CHECKIN_CUT: {cut!r} (only member_facts)")
    warm = 200
    data = _setup(warm + PER_SIZE * len(SIZES), prefix="P")
    session = data["session"]
    # inside the session's check-in window (the server bench opens it through settings)
    at = timezone.make_aware(dt.datetime.combine(session.date, dt.time(8)))
    users = list(
        Member.objects.filter(pk__in=data["member_ids"])
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    statement = services.presence_added_ctes
    if cut:
        services.presence_added_ctes = lambda source: statement(source).split(", lk AS")[0]  # type: ignore[assignment]
        services._checkin_statement.cache_clear()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()

        def write(first: int, count: int, size: int) -> tuple[float, float]:
            """Process and database CPU (ms) per scan of ``count`` scans from member
            ``first`` on, in groups of ``size``."""
            app, db = time.process_time(), _cpu_seconds({backend})
            for start in range(first, first + count, size):
                scans = [
                    services.Scan(users[i], secrets.token_urlsafe(12), at)
                    for i in range(start, min(first + count, start + size))
                ]
                for answer in services.checkin_group(session.pk, scans):
                    if not isinstance(answer, services.CheckinResult):
                        raise RuntimeError(f"check-in refused: {answer!r}")
            return (
                (time.process_time() - app) / count * 1000,
                (_cpu_seconds({backend}) - db) / count * 1000,
            )

        write(0, warm, 5)  # statements prepared, caches warm
        figures: dict[str, Any] = {}
        per_scan: dict[int, float] = {}
        for n, size in enumerate(SIZES):
            app_ms, db_ms = write(warm + n * PER_SIZE, PER_SIZE, size)
            per_scan[size] = db_ms
            figures[f"checkin_parts_g{size}_db_ms"] = round(db_ms, 3)
            figures[f"checkin_parts_g{size}_app_ms"] = round(app_ms, 3)
        # db(size) = fixed / size + each: through the sizes 1 and 40
        lo, hi = SIZES[0], SIZES[-1]
        each = (per_scan[hi] * hi - per_scan[lo] * lo) / (hi - lo)
        figures["checkin_parts_db_fixed_ms"] = round(per_scan[lo] * lo - each * lo, 3)
        figures["checkin_parts_db_each_ms"] = round(each, 3)
        figures["checkin_parts_cut"] = cut or "none"
        return figures
    finally:
        services.presence_added_ctes = statement  # type: ignore[assignment]
        services._checkin_statement.cache_clear()
