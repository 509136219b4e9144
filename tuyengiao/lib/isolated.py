"""Parse an untrusted file in a child process that cannot take the caller down with it.

A hostile upload can make a reader allocate without bound (a 1 KB XLSX whose one cell is
at ``XFD1048576``), decompress without bound (a zip bomb) or loop for minutes. The caller
(a background task, a management command) runs the reader here instead: a fresh
``python -m tuyengiao.lib.isolated`` with

* ``RLIMIT_AS`` (address space, so a huge allocation fails in the child),
* ``RLIMIT_CPU`` (CPU seconds, the kernel stops a runaway),
* a wall-clock timeout (the child is killed),
* an environment without the server's secrets (no ``SECRET_KEY``, no ``DATABASE_URL``).

The child reads a JSON header line and the file's bytes on stdin, calls one of the
``JOBS`` below and writes one JSON document on stdout. Only JSON crosses back (never
pickle), so even a compromised child can hand back nothing but data. Any failure of the
child becomes :class:`Refused` with a Vietnamese message.

No Django here: the child imports only the job's own module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

#: job name -> "module:function(name, data, limits)"; the function returns JSON data or
#: raises ``Refused`` (or any exception whose ``messages``/``str`` is the user's message).
JOBS = {
    "workbook": "tuyengiao.imports.reading:read_file_as_json",
    "document_text": "tuyengiao.documents.files:extract_text_unbounded",
    "xlsform": "tuyengiao.surveys.xlsform:parse_form_unbounded",
}


class Refused(Exception):
    """The file is refused; ``str(exc)`` is the message for the user (Vietnamese)."""


@dataclass(frozen=True)
class Limits:
    """What one upload may cost. Defaults match ``config/settings.py`` (docs/security.md)."""

    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_unzipped_bytes: int = 200 * 1024 * 1024  # all members of a zip container, actual
    max_zip_ratio: int = 100  # decompressed / compressed, for members above 1 MB
    max_zip_members: int = 1000
    max_rows: int = 500_000  # per sheet, header included
    max_columns: int = 100  # per sheet
    max_cells: int = 5_000_000  # rows × columns, per sheet
    max_text_chars: int = 5_000_000  # text of a document attachment
    memory_mb: int = 1536  # RLIMIT_AS of the child
    cpu_seconds: int = 120  # RLIMIT_CPU of the child
    wall_seconds: int = 180  # the child is killed after this

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        values: dict[str, int] = {
            f.name: int(getattr(settings, "UPLOAD_" + f.name.upper(), getattr(cls, f.name)))
            for f in dataclasses.fields(cls)
        }
        return cls(**values)


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- the parent side ---------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"h": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return str(value)
    raise TypeError(type(value).__name__)


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "t" in obj:
            return dt.datetime.fromisoformat(obj["t"])
        if "d" in obj:
            return dt.date.fromisoformat(obj["d"])
        if "h" in obj:
            return dt.time.fromisoformat(obj["h"])
    return obj


def run(job: str, name: str, data: bytes, limits: Limits) -> Any:
    """Run ``JOBS[job](name, data, limits)`` in a limited child; its result, or ``Refused``."""
    if len(data) > limits.max_bytes:
        raise Refused(
            f"Tệp '{name}' lớn {_fmt(len(data) // 1024)} KB, vượt giới hạn "
            f"{_fmt(limits.max_bytes // (1024 * 1024))} MB."
        )
    header = json.dumps({"job": job, "name": name, "limits": dataclasses.asdict(limits)})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
    }
    too_slow = (
        f"Không đọc được tệp '{name}': việc đọc tệp vượt giới hạn thời gian "
        f"({_fmt(limits.cpu_seconds)} giây). Tệp quá lớn hoặc có cấu trúc bất thường; hãy chia "
        "nhỏ tệp, hoặc mở bằng Excel/Word và lưu lại."
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tuyengiao.lib.isolated"],
            input=header.encode() + b"\n" + data,
            capture_output=True,
            timeout=limits.wall_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed the child
        raise Refused(too_slow) from exc
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise Refused(too_slow)
    try:
        answer = json.loads(proc.stdout, object_hook=_decode) if proc.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise Refused(
            f"Không đọc được tệp '{name}': việc đọc tệp vượt giới hạn bộ nhớ "
            f"({_fmt(limits.memory_mb)} MB) hoặc tệp bị hỏng. Hãy mở tệp bằng Excel/Word, xoá "
            "các dòng, cột trống ở cuối rồi lưu lại, hoặc chia nhỏ tệp."
        )
    if "error" in answer:
        raise Refused(str(answer["error"]))
    return answer.get("result")


# --- the child side ----------------------------------------------------------------------


def _limit_self(limits: Limits) -> None:
    import resource

    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _message(exc: BaseException) -> str:
    messages = getattr(exc, "messages", None)
    if isinstance(messages, list) and messages:
        return " ".join(str(m) for m in messages)
    return str(exc)


def _child() -> int:
    meta = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    limits = Limits(**meta["limits"])
    module_name, function_name = JOBS[meta["job"]].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    _limit_self(limits)
    try:
        answer: dict[str, Any] = {"result": function(meta["name"], data, limits)}
    except MemoryError:
        return 3  # the parent names the memory limit
    except Exception as exc:  # the job's refusal or a reader's error: the user's message
        if exc.__class__.__name__ not in ("Refused", "ValidationError", "UnreadableFile"):
            raise
        answer = {"error": _message(exc)}
    sys.stdout.write(json.dumps(answer, default=_encode, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
