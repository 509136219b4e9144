"""When background work asked for has waited too long: no task worker is running, or
the one that took it died.

Reports, imports, snapshots and the freezing of a submitted report are queued for the
task worker (``manage.py db_worker``, which ``make run`` starts). A job still waiting
after ``UNCLAIMED_AFTER`` tells its page to say so, so that a page never waits forever
without a word when the worker is not running. A job taken but not heard of for
``STALLED_AFTER`` (its progress saved last that long ago) lost its worker: killed, out of
memory, the machine restarted. django-tasks does not give a task to another worker, so
the job would say "running" forever; its page says it stopped and stops asking. The
longest step between two saves of progress is an import's parse, killed after
``UPLOAD_WALL_SECONDS``: the limit is at least twice that.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

UNCLAIMED_AFTER = dt.timedelta(minutes=1)
STALLED_AFTER = dt.timedelta(minutes=15)  # or twice UPLOAD_WALL_SECONDS, if longer


def unclaimed(asked_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Asked at ``asked_at`` and still not taken by a worker after ``UNCLAIMED_AFTER``
    (the caller knows it has not been taken)."""
    return asked_at is not None and (now or timezone.now()) - asked_at > UNCLAIMED_AFTER


def stalled(last_sign: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Running, and its worker last saved its progress at ``last_sign``, longer than
    ``STALLED_AFTER`` ago (the caller knows it is running)."""
    limit = max(STALLED_AFTER, dt.timedelta(seconds=2 * settings.UPLOAD_WALL_SECONDS))
    return last_sign is not None and (now or timezone.now()) - last_sign > limit
