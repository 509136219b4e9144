"""Tests wait on state, never on time: ``wait_until`` polls a condition with a
deadline (for state another thread or process changes and nothing signals)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    predicate: Callable[[], Any], what: str, timeout: float = 30, every: float = 0.005
) -> Any:
    """``predicate()``'s first true value; fails naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(every)  # the polling interval, not an ordering
