"""Figures of large units, computed ahead by the task worker (as DHIS2's analytics
tables are), never in the request.

A commune's dashboard or campaign page is a few statements. The national root's
joins five million members to their roll-up facts (81 s on the full national data,
``docs/benchmarks.md``), past any server's request timeout. So a page showing a unit
with more than ``DASHBOARD_SNAPSHOT_UNITS`` units under it (``is_large``) shows a
``Snapshot`` instead: what a registered kind's function (``register``: the reports'
dashboard, study's campaign figures) returned for the page's parameters, computed
by the worker, with the time its figures were read. The page says that time; while
there is none it says the figures are being computed and asks again every few
seconds (htmx).

A look (``snapshot_shown``) that finds no snapshot, or one whose computation ended
more than ``DASHBOARD_SNAPSHOT_MAX_AGE`` seconds ago, asks the worker for a new one, once: not
while one is due, unless the worker that took it has been silent for longer than ten
minutes or three times the last computation (it died). A stale snapshot is still
shown, with its time, until the new one replaces it. A failed computation is said
on the page and asked again at most once per max age. Snapshots not refreshed for
``KEEP`` are deleted by the next refresh.

These are derived figures, like the roll-up facts: no user writes them, so the
refresh takes no actor; who may see a page is checked by the page before it asks.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tuyengiao.lib.worker import unclaimed
from tuyengiao.orgs.models import Unit

from .models import Snapshot

log = logging.getLogger(__name__)

KEEP = dt.timedelta(days=7)
LOST_AFTER = dt.timedelta(minutes=10)  # at least; or three times the last computation

Compute = Callable[[dict[str, Any]], dict[str, Any]]
_KINDS: dict[str, Compute] = {}


def register(kind: str, compute: Compute) -> None:
    """``compute(params)`` returns the JSON-able content of a snapshot of ``kind``
    (called by the worker; a ``ValidationError`` or any failure is kept as the
    snapshot's error). Apps register from their ``AppConfig.ready``."""
    _KINDS[kind] = compute


def is_large(unit: Unit) -> bool:
    """More than ``DASHBOARD_SNAPSHOT_UNITS`` units in the unit's subtree today (counted
    up to one more than the limit: bounded whatever the size)."""
    limit = int(settings.DASHBOARD_SNAPSHOT_UNITS)
    return Unit.objects.filter(path__startswith=unit.path)[: limit + 1].count() > limit


@dataclass(frozen=True)
class Shown:
    """A snapshot as a page shows it."""

    snapshot: Snapshot
    content: dict[str, Any] | None  # None: not computed yet
    refreshing: bool  # a computation is due
    unclaimed: bool  # due for over a minute and no worker has taken it

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.snapshot.computed_at

    @property
    def error(self) -> str:
        return self.snapshot.error

    @property
    def html(self) -> SafeString:
        """The ``html`` a kind's function stored ("" until first computed)."""
        return stored_html(str(self.content["html"]) if self.content else "")


def stored_html(html: str) -> SafeString:
    """HTML a kind's function rendered from the project's own templates and stored in
    a snapshot, shown as it was rendered."""
    return mark_safe(html)  # noqa: S308  rendered by our templates (autoescaped), not user text


def _lost_after(snapshot: Snapshot) -> dt.timedelta:
    return max(LOST_AFTER, dt.timedelta(seconds=3 * (snapshot.seconds or 0)))


def _due(snapshot: Snapshot, now: dt.datetime) -> bool:
    """A computation is asked for and its worker (or the queue) is not lost."""
    asked = snapshot.refresh_asked_at
    if asked is None:
        return False
    started = snapshot.refresh_started_at
    last_sign = max(asked, started) if started is not None else asked
    return now - last_sign < _lost_after(snapshot)


def _finished(computed_at: dt.datetime, snapshot: Snapshot) -> dt.datetime:
    return computed_at + dt.timedelta(seconds=snapshot.seconds or 0)


def _enqueue(snapshot_id: int) -> None:
    from .tasks import snapshot_refresh as task  # the task module imports this one

    task.enqueue(snapshot_id=snapshot_id)  # sent when the transaction commits


def snapshot_shown(kind: str, params: dict[str, Any]) -> Shown:
    """The snapshot of ``kind`` for ``params`` (JSON-able), asking the worker for a new
    one when there is none or it is too old."""
    if kind not in _KINDS:
        raise LookupError(f"no snapshot kind {kind!r} is registered")
    key = json.dumps(params, sort_keys=True, ensure_ascii=False)
    snapshot, _created = Snapshot.objects.get_or_create(
        kind=kind, key=key, defaults={"params": params}
    )
    now = timezone.now()
    max_age = dt.timedelta(seconds=int(settings.DASHBOARD_SNAPSHOT_MAX_AGE))
    # the age counts from the end of the last computation: a root that takes a minute
    # to compute is not recomputed back to back while someone looks at it
    computed_at = snapshot.computed_at
    fresh = computed_at is not None and now - _finished(computed_at, snapshot) < max_age
    started = snapshot.refresh_started_at
    if snapshot.error and started is not None and now - started < max_age:
        fresh = True  # a failure is not asked again at every look: once per max age
    if not fresh and not _due(snapshot, now):
        # one look asks: the one whose update finds the row as it read it
        asked = Snapshot.objects.filter(
            pk=snapshot.pk, refresh_asked_at=snapshot.refresh_asked_at
        ).update(refresh_asked_at=now)
        if asked:
            snapshot.refresh_asked_at = now
            _enqueue(snapshot.pk)
    asked_at = snapshot.refresh_asked_at
    not_taken = (
        asked_at is not None
        and (started is None or started < asked_at)
        and unclaimed(asked_at, now)
    )
    content = snapshot.content if snapshot.computed_at is not None and snapshot.content else None
    return Shown(
        snapshot=snapshot, content=content, refreshing=_due(snapshot, now), unclaimed=not_taken
    )


def snapshot_refresh(*, snapshot_id: int) -> None:
    """Compute a snapshot (the task worker's job) and store it with the time its
    figures were read. A failure is kept as the snapshot's error, shown on the page;
    the previous content stays."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return
    started = timezone.now()
    Snapshot.objects.filter(pk=snapshot.pk).update(refresh_started_at=started)
    clock = time.perf_counter()
    try:
        content = _KINDS[snapshot.kind](snapshot.params)
    except Exception:  # the page says it failed; the worker's log has the traceback
        log.exception("snapshot %s (%s) failed", snapshot.pk, snapshot.kind)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            refresh_asked_at=None,
            error="Không tổng hợp được số liệu; hãy thử lại sau hoặc báo quản trị hệ thống.",
        )
        return
    Snapshot.objects.filter(pk=snapshot.pk).update(
        content=content,
        computed_at=started,
        seconds=time.perf_counter() - clock,
        refresh_asked_at=None,
        error="",
    )
    old = started - KEEP
    Snapshot.objects.filter(
        Q(computed_at__lt=old) | Q(computed_at__isnull=True, refresh_started_at__lt=old)
    ).delete()
