"""Concurrent check-in scans of one server process written as groups.

A check-in costs the database a fixed part (on PostgreSQL the statement's own
work, the session fact's one row and the commit; on SQLite taking the single
writer's lock and committing) and a small part per scan. At the opening of a
conference the scans arrive together, so ``services.checkin`` hands each one to
this queue and waits: one writer thread per process takes whatever scans are
waiting — of one session, at most one per device — and writes them with one
call of the ``write`` function it was given (``services.checkin_group``).
Nothing is answered before its group is committed, so an accepted check-in is
never lost; a scan whose group failed gets the exception (and is written
alone). The request itself went through Django's whole middleware stack before
it got here: the queue only groups writes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections, connection

MAX_GROUP = 128
WAIT_SECONDS = 30


@dataclass
class _Waiting:
    session_id: int
    scan: Any
    device_id: str
    answer: Any = None
    done: threading.Event = field(default_factory=threading.Event)


class ScanQueue:
    """``submit`` from any thread; one writer thread per process, started on
    first use (so after a server forks its workers). ``write(session_id, scans)``
    returns one answer per scan, in order."""

    def __init__(
        self, write: Callable[[int, list[Any]], list[Any]], max_group: int = MAX_GROUP
    ) -> None:
        self.write = write
        self.max_group = max_group
        self._cond = threading.Condition()
        self._waiting: list[_Waiting] = []
        self._writer: threading.Thread | None = None
        self._pid = 0
        self._stopping = False
        self.groups = 0  # written so far (for tests)
        self.scans = 0

    def submit(self, session_id: int, scan: Any, device_id: str) -> Any:
        """``write``'s answer for this scan once its group is committed, the
        exception that failed the group, or ``TimeoutError``."""
        item = _Waiting(session_id, scan, device_id)
        with self._cond:
            if self._writer is None or not self._writer.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._waiting = []
                self._writer = threading.Thread(
                    target=self._write_forever, name="scan-queue", daemon=True
                )
                self._writer.start()
            self._waiting.append(item)
            self._cond.notify()
        if not item.done.wait(WAIT_SECONDS):
            return TimeoutError("the check-in group was not written in time")
        return item.answer

    def _take(self) -> list[_Waiting]:
        """The oldest scan's session: its scans, one per device, oldest first;
        the others wait for the next group."""
        session_id = self._waiting[0].session_id
        devices: set[str] = set()
        group: list[_Waiting] = []
        rest: list[_Waiting] = []
        for item in self._waiting:
            if (
                len(group) < self.max_group
                and item.session_id == session_id
                and item.device_id not in devices
            ):
                group.append(item)
                devices.add(item.device_id)
            else:
                rest.append(item)
        self._waiting = rest
        return group

    def stop(self) -> None:
        """Let the writer finish what waits, close its connection and end."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._writer is not None:
            self._writer.join(WAIT_SECONDS)

    def _write_forever(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._waiting and not self._stopping:
                        self._cond.wait()
                    if not self._waiting:
                        return
                    group = self._take()
                self._write(group)
        finally:
            connection.close()

    def _write(self, group: list[_Waiting]) -> None:
        answers: list[Any]
        # As Django's request cycle does around each request: a connection past
        # its CONN_MAX_AGE (or broken by the last group) is closed.
        close_old_connections()
        try:
            answers = self.write(group[0].session_id, [item.scan for item in group])
        except Exception as exc:  # every scan of the group is written alone
            connection.close()
            answers = [exc] * len(group)
        finally:
            close_old_connections()
        self.groups += 1
        self.scans += len(group)
        for item, answer in zip(group, answers, strict=True):
            item.answer = answer
            item.done.set()
