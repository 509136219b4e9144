"""Concurrent check-in scans of one server process written as groups.

A check-in statement costs PostgreSQL about 1,6 ms of CPU for one scan and about
0,3 ms a scan for a group of eight or more (the statement's fixed work, the
session fact's one row and the commit are shared; README, "Check-in"). At the
opening of a conference the scans arrive together, so the scan page's fast
path (``fastscan``) hands each one to this queue and waits: one writer thread
per process takes whatever scans are waiting — of one session, at most one per
device, so that each row of the statement's upserts is touched once — and
writes them with one call of the ``write`` function it was given. Nothing is
answered before its group is committed, so an accepted check-in is never lost;
a scan whose group failed gets the exception (and goes the ordinary way).
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
        try:
            close_old_connections()  # past its age, or broken by the last group
            answers = self.write(group[0].session_id, [item.scan for item in group])
        except Exception as exc:  # every scan of the group goes the ordinary way
            connection.close()
            answers = [exc] * len(group)
        self.groups += 1
        self.scans += len(group)
        for item, answer in zip(group, answers, strict=True):
            item.answer = answer
            item.done.set()
