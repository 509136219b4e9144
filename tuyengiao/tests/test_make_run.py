"""`make run` alone is enough: the run script starts the web server and the report worker
(issue 11.2). Against a fresh SQLite database in a temporary directory and a free port,
the province staff member `tinh` signs in, requests the province report, waits for it
and downloads it; Ctrl-C stops both processes, and either one dying stops the other.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "run.py"


def wait_for(what: str, check: Callable[[], Any], timeout: float = 90.0) -> Any:
    """Wait on a state, not a time: ``check()`` until it is truthy or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def children(pid: int) -> list[tuple[int, str]]:
    """Processes whose session is led by a child of ``pid`` (Linux /proc), with cmdlines."""
    direct = set()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid, sid = int(stat[1]), int(stat[3])
        if ppid == pid:
            direct.add(int(entry.name))
        found.append((int(entry.name), sid, cmd))
    return [(p, cmd) for p, sid, cmd in found if sid in direct]


class FormFields(HTMLParser):
    """The fields of the page's first POST form in <main> (not the header's sign-out)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_main = self._in_form = self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._done:
            return
        if tag == "main":
            self._in_main = True
        elif self._in_main and tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        elif self._in_form and tag == "input" and a.get("name"):
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.setdefault(a["name"], a.get("value", ""))
        elif self._in_form and tag == "select":
            self._select = a.get("name")
        elif (
            self._in_form
            and tag == "option"
            and self._select
            and (self._select not in self.fields or "selected" in a)
        ):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


@dataclass
class Browser:
    base: str

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, bytes, Any]:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.geturl(), r.read(), r.headers

    def post(self, path: str, data: dict[str, str]) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as r:
            return r.geturl(), r.read()


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("make-run")


def start(var_dir: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DEBUG": "1",
        "TUYENGIAO_VAR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "TASKS_BACKEND"):
        env.pop(name, None)
    log = (var_dir / f"run-{port}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", str(port), "--noreload", *extra],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def stopped_at_the_end() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def test_make_run_alone_lets_tinh_request_and_download_the_province_report(
    var_dir: Path, stopped_at_the_end: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    proc = start(var_dir, port)
    stopped_at_the_end.append(proc)
    wait_for("the web server", lambda: listening(port), timeout=240)
    assert {"runserver", "db_worker"} <= {
        word for _, cmd in children(proc.pid) for word in cmd.split()
    }

    web = Browser(f"http://127.0.0.1:{port}")
    _, login, _ = web.get("/dang-nhap/")
    fields = form_fields(login.decode())
    where, _ = web.post("/dang-nhap/", fields | {"username": "tinh", "password": "demo"})
    assert "/dang-nhap/" not in where  # signed in

    _, page, _ = web.get("/bao-cao/lap-bao-cao/")
    fields = form_fields(page.decode())
    # The whole demo period, whatever year the demo data sits in; Word format.
    fields |= {"date_from": "01/01/2000", "format": "docx"}
    job_url, _ = web.post("/bao-cao/lap-bao-cao/", fields)
    assert "/bao-cao/" in job_url and job_url.rstrip("/").split("/")[-1].isdigit()
    job_path = urllib.parse.urlsplit(job_url).path

    def finished() -> str | None:
        html = web.get(job_path)[1].decode()
        assert 'role="status">Lỗi' not in html, html  # the job failed
        return html if "Tải về" in html else None

    done = wait_for("the report", finished, timeout=180)
    assert "100%" in done
    _, content, headers = web.get(job_path.rstrip("/") + "/tai-ve/")
    assert ".docx" in headers["Content-Disposition"]
    assert content[:2] == b"PK" and len(content) > 5_000  # a Word file

    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=30) == 0
    assert not listening(port)
    assert not children(proc.pid)


def test_when_the_worker_dies_the_web_server_stops_too(
    var_dir: Path, stopped_at_the_end: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    proc = start(var_dir, port, "--no-setup")
    stopped_at_the_end.append(proc)
    wait_for("the web server", lambda: listening(port), timeout=120)
    worker = wait_for(
        "the worker",
        lambda: [pid for pid, cmd in children(proc.pid) if "db_worker" in cmd],
    )
    os.kill(worker[0], signal.SIGKILL)
    assert proc.wait(timeout=30) != 0
    wait_for("the port to close", lambda: not listening(port), timeout=30)
