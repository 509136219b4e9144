"""When background work asked for has waited too long: no task worker is running.

Reports, imports, snapshots and the freezing of a submitted report are queued for the
task worker (``manage.py db_worker``, which ``make run`` starts). A job still waiting
after ``UNCLAIMED_AFTER`` tells its page to say so, so that a page never waits forever
without a word when the worker is not running.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

UNCLAIMED_AFTER = dt.timedelta(minutes=1)


def unclaimed(asked_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Asked at ``asked_at`` and still not taken by a worker after ``UNCLAIMED_AFTER``
    (the caller knows it has not been taken)."""
    return asked_at is not None and (now or timezone.now()) - asked_at > UNCLAIMED_AFTER
