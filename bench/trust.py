"""Trust measurements: the cost of the audit trail on writes, the audit page
query, and backup time and size.

Baseline in the same run: the same unit writes with django-auditlog disabled.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tuyengiao.orgs.access import SYSTEM

SIZES = {"small": 200, "province": 1000, "national": 3000}


def measure(ctx: Any) -> dict[str, float | int | str]:
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry

    from bench.run import percentile
    from tuyengiao.orgs import services
    from tuyengiao.trust import selectors
    from tuyengiao.trust.backup import backup

    n = SIZES[ctx.scale]
    root = services.unit_create(actor=SYSTEM, code="BENCH-TRUST", name="Tỉnh ủy Đo", kind="Tỉnh ủy")

    def writes(prefix: str) -> None:
        for i in range(n):
            unit = services.unit_create(
                actor=SYSTEM, code=f"{prefix}{i}", name=f"Chi bộ {i}", kind="Chi bộ", parent=root
            )
            services.unit_update(actor=SYSTEM, unit=unit, population=i)

    with disable_auditlog():
        (plain,) = ctx.timed(lambda: writes("BTP"), repeat=1)
    (audited,) = ctx.timed(lambda: writes("BTA"), repeat=1)
    page = ctx.timed(
        lambda: list(selectors.audit_entries(selectors.AuditFilter(model="orgs.unit"))[:50]),
        repeat=10,
    )
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "bench.bak"
        (backup_s,) = ctx.timed(lambda: backup(target), repeat=1)
        size = target.stat().st_size
    return {
        "trust.unit_writes": 2 * n,
        "trust.writes_plain_s": round(plain, 3),
        "trust.writes_audited_s": round(audited, 3),
        "trust.audit_overhead_pct": round(100 * (audited - plain) / plain, 1),
        "trust.log_entries": LogEntry.objects.count(),
        "trust.audit_page_p50_ms": round(1000 * percentile(page, 50), 2),
        "trust.audit_page_p95_ms": round(1000 * percentile(page, 95), 2),
        "trust.backup_s": round(backup_s, 3),
        "trust.backup_bytes": size,
    }
