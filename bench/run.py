"""``python -m bench.run --scale small|province|national --db sqlite|postgres [--fraction F]``.

Runs every measurement module listed in ``MODULES`` against a fresh database,
prints a table and writes ``bench/results.json``. Each module exposes
``measure(ctx: BenchContext) -> dict[str, float | int | str]``; it generates the
data it needs (or reuses ``ctx.shared``) and reports its figures together with a
baseline measured in the same run, since absolute times on shared machines are
noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"

# Measurement modules, in order. Each app adds its own.
MODULES: list[str] = [
    "bench.rollup",
    "bench.import_attendance",
    "bench.import_units",
    "bench.import_members",
    "bench.search",
    "bench.checkin",
    "bench.checkin_parts",
    "bench.trust",
    "bench.pages",
    "bench.essays",
    "bench.contests",
]


@dataclass
class BenchContext:
    scale: str
    db: str
    database_url: str
    fraction: float = 1.0  # of the cells per commune (bench.synthetic)
    shared: dict[str, Any] = field(default_factory=dict)

    def timed(self, fn: Any, repeat: int = 5) -> list[float]:
        """Wall-clock seconds of ``fn()`` over ``repeat`` runs."""
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def _fresh_database(db: str) -> str:
    if db == "sqlite":
        path = ROOT / "var" / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    # Several engineers bench on one server: BENCH_PG_DB keeps their databases apart.
    name = os.environ.get("BENCH_PG_DB", "tuyengiao_bench")
    if os.environ.get("BENCH_REUSE") == "1":  # the data of an earlier run (pages only)
        return f"{base}/{name}"
    subprocess.run(
        ["psql", f"{base}/postgres", "-qAt", "-c", f"DROP DATABASE IF EXISTS {name}"],
        check=True,
    )
    subprocess.run(
        ["psql", f"{base}/postgres", "-qAt", "-c", f"CREATE DATABASE {name}"], check=True
    )
    return f"{base}/{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["small", "province", "national"], default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--only", nargs="*", help="run only these modules")
    parser.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        help="generate this fraction of the cells per commune (0.05: 1/20 of the data)",
    )
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_REUSE") == "1" and (args.db != "postgres" or args.only != ["pages"]):
        parser.error("BENCH_REUSE=1 measures the pages of an earlier run's data: --only pages")
    if args.scale == "national" and args.db != "postgres":
        parser.error("national scale runs on PostgreSQL only (DB=postgres)")

    url = _fresh_database(args.db)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["AXES_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ctx = BenchContext(scale=args.scale, db=args.db, database_url=url, fraction=args.fraction)
    results: dict[str, Any] = {"scale": args.scale, "db": args.db}
    if args.fraction != 1.0:
        results["fraction"] = args.fraction
    for name in MODULES:
        if args.only and name.rsplit(".", 1)[-1] not in args.only:
            continue
        module = importlib.import_module(name)
        print(f"bench: {name} ...", flush=True)
        start = time.perf_counter()
        figures = module.measure(ctx)
        results.update(figures)
        print(f"bench: {name} done in {time.perf_counter() - start:.1f} s", flush=True)
        # at once, so that a long run stopped later keeps what it measured
        print(json.dumps(figures, ensure_ascii=False), flush=True)
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    width = max(len(k) for k in results)
    print()
    for key, value in results.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        print(f"  {key:<{width}}  {shown}")
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
