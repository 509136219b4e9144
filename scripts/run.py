"""`make run`: everything the system needs on one box, stopped together by one Ctrl-C.

Migrates, loads the demo data when the database is empty, then starts two processes:
the web server (``manage.py runserver``) and the background worker that produces the
reports (``manage.py db_worker``, django-tasks). SIGINT/SIGTERM is forwarded to both;
when either one exits, the other is stopped and this script exits with its status.

    python scripts/run.py [--host 127.0.0.1] [--port 8000] [--noreload] [--no-setup]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def _stop(procs: list[subprocess.Popen[bytes]], grace: float = 10.0) -> None:
    """SIGTERM each child's process group (the server's autoreloader has a child of its
    own), then SIGKILL whatever is still alive after ``grace`` seconds."""
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--noreload", action="store_true", help="no autoreload of the server")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and demo data")
    args = parser.parse_args(argv)

    if not args.no_setup:
        subprocess.run([*MANAGE, "migrate", "--noinput"], check=True, cwd=ROOT)
        subprocess.run([*MANAGE, "seed_demo", "--if-empty"], check=True, cwd=ROOT)

    server = [*MANAGE, "runserver", f"{args.host}:{args.port}"]
    if args.noreload:
        server.append("--noreload")
    worker = [*MANAGE, "db_worker"]
    if args.noreload:
        worker.append("--no-reload")

    # Each child in its own session: the terminal's Ctrl-C reaches only this script,
    # which stops both children in order rather than leaving one behind.
    procs = [subprocess.Popen(cmd, cwd=ROOT, start_new_session=True) for cmd in (server, worker)]
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    print(
        f"Tuyên giáo: http://{args.host}:{args.port}/ (máy chủ web và tiến trình nền; "
        "Ctrl-C để dừng cả hai)",
        flush=True,
    )
    status = 0
    while not stopping:
        finished = [p for p in procs if p.poll() is not None]
        if finished:
            status = finished[0].returncode or 1
            name = "máy chủ web" if finished[0] is procs[0] else "tiến trình nền"
            print(
                f"Tuyên giáo: {name} đã dừng (mã {finished[0].returncode}); dừng nốt phần còn lại."
            )
            break
        time.sleep(0.2)  # polls the children; not used to order anything
    _stop(procs)
    return status


if __name__ == "__main__":
    sys.exit(main())
