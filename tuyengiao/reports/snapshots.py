"""Dashboards of large units, computed ahead by the task worker (as DHIS2's
analytics tables are), never in the request.

A unit's dashboard asks every registered section for its figures. For a commune
that is a few statements; for the national root the study section alone joins five
million members to their roll-up facts (81 s on the full national data,
``docs/benchmarks.md``), past any server's request timeout. So a unit with more
than ``DASHBOARD_SNAPSHOT_UNITS`` units under it is shown from a
``DashboardSnapshot``: every section's part rendered once by the worker for the
unit, the period and the structure (and once more for each variant a section
offers, ``ReportSection.variants``: study's campaigns), with the time its figures
were read and how long they took. The page says that time; while there is none it
says the figures are being computed and asks again every few seconds (htmx).

A request that finds no snapshot, or one older than ``DASHBOARD_SNAPSHOT_MAX_AGE``
seconds, asks the worker for a new one, once: not while one is due, unless the
worker that took it has been silent for longer than ten minutes or three times the
last computation (it died). A stale snapshot is still shown, with its time, until
the new one replaces it. Snapshots not refreshed for ``KEEP`` are deleted by the
next refresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tuyengiao.orgs.models import Unit

from .models import DashboardSnapshot
from .sections import ReportQuery, ReportSection, SectionResult
from .selectors import Report, check_query, report_figures

log = logging.getLogger(__name__)

KEEP = dt.timedelta(days=7)
LOST_AFTER = dt.timedelta(minutes=10)  # at least; or three times the last computation
UNCLAIMED_AFTER = dt.timedelta(minutes=1)  # no worker has taken the computation


def is_large(unit: Unit) -> bool:
    """More than ``DASHBOARD_SNAPSHOT_UNITS`` units in the unit's subtree today (counted
    up to one more than the limit: bounded whatever the size)."""
    limit = int(settings.DASHBOARD_SNAPSHOT_UNITS)
    return Unit.objects.filter(path__startswith=unit.path)[: limit + 1].count() > limit


def query_string(date_from: dt.date, date_to: dt.date, structure: str) -> str:
    """The period's query string, for the sections' drill-down links."""
    return f"tu={date_from:%d/%m/%Y}&den={date_to:%d/%m/%Y}&co_cau={structure}"


def _part(result: SectionResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "title": result.title,
        "empty": result.empty,
        "empty_sentence": result.empty_sentence,
    }


def live_parts(report: Report, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every section's part of the dashboard, rendered now."""
    link = query_string(report.date_from, report.date_to, report.structure)
    return [
        # an empty section still shows its part (its units with zeros, for the
        # drill-down), after its one sentence
        {**_part(result), "html": section.dashboard(result, report.query, params, link)}
        for section, result in report.parts
    ]


def _rendered(section: ReportSection, result: SectionResult, query: ReportQuery) -> dict[str, str]:
    """The section's part for its default view ("") and for each of its variants."""
    link = query_string(query.date_from, query.date_to, query.structure)
    html = {"": str(section.dashboard(result, query, {}, link))}
    if section.variant_param:
        for value in section.variants(result):
            params = {section.variant_param: value}
            html[value] = str(section.dashboard(result, query, params, link))
    return html


@dataclass(frozen=True)
class SnapshotReport:
    """What the dashboard's heading reads from a report, taken from a snapshot."""

    unit_name: str
    period_label: str
    is_empty: bool


@dataclass(frozen=True)
class Shown:
    """A snapshot as the page shows it."""

    snapshot: DashboardSnapshot
    report: SnapshotReport | None  # None: not computed yet
    parts: list[dict[str, Any]]
    refreshing: bool
    unclaimed: bool  # due for over a minute and no worker has taken it


def _lost_after(snapshot: DashboardSnapshot) -> dt.timedelta:
    return max(LOST_AFTER, dt.timedelta(seconds=3 * (snapshot.seconds or 0)))


def _due(snapshot: DashboardSnapshot, now: dt.datetime) -> bool:
    """A computation is asked for and its worker (or the queue) is not lost."""
    asked = snapshot.refresh_asked_at
    if asked is None:
        return False
    started = snapshot.refresh_started_at
    last_sign = max(asked, started) if started is not None else asked
    return now - last_sign < _lost_after(snapshot)


def _enqueue(snapshot_id: int) -> None:
    from .tasks import dashboard_snapshot_refresh  # the task module imports this one

    dashboard_snapshot_refresh.enqueue(snapshot_id=snapshot_id)


def dashboard_snapshot(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, structure: str, params: Mapping[str, str]
) -> Shown:
    """The unit's dashboard from its snapshot for the period and structure, asking the
    worker for a new one when there is none or it is too old (``ValidationError`` for a
    period that ends before it starts, as ``report_figures``)."""
    check_query(date_from, date_to, structure)
    snapshot, _created = DashboardSnapshot.objects.get_or_create(
        unit=unit, date_from=date_from, date_to=date_to, structure=structure
    )
    now = timezone.now()
    max_age = dt.timedelta(seconds=int(settings.DASHBOARD_SNAPSHOT_MAX_AGE))
    fresh = snapshot.computed_at is not None and now - snapshot.computed_at < max_age
    # a computation that failed is not asked again at every look: once per max age
    failed = snapshot.error != "" and snapshot.refresh_started_at is not None
    if failed and now - snapshot.refresh_started_at < max_age:  # type: ignore[operator]
        fresh = True
    if not fresh and not _due(snapshot, now):
        # one request asks: the one whose update finds the row as it read it
        asked = DashboardSnapshot.objects.filter(
            pk=snapshot.pk, refresh_asked_at=snapshot.refresh_asked_at
        ).update(refresh_asked_at=now)
        if asked:
            snapshot.refresh_asked_at = now
            _enqueue(snapshot.pk)  # the task backend sends it when the transaction commits
    content = snapshot.content or {}
    report = None
    parts: list[dict[str, Any]] = []
    if snapshot.computed_at is not None and content:
        report = SnapshotReport(
            unit_name=str(content["unit_name"]),
            period_label=str(content["period_label"]),
            is_empty=bool(content["is_empty"]),
        )
        for part in content["parts"]:
            variants: dict[str, str] = part["html"]
            chosen = params.get(part["param"], "") if part["param"] else ""
            html = variants.get(chosen, variants[""])
            # our own templates' output, rendered by the worker and stored as it was
            shown: SafeString = mark_safe(html)  # noqa: S308  rendered by the section's template, not user text
            parts.append({**{k: v for k, v in part.items() if k != "html"}, "html": shown})
    asked_at = snapshot.refresh_asked_at
    started_at = snapshot.refresh_started_at
    unclaimed = (
        asked_at is not None
        and (started_at is None or started_at < asked_at)
        and now - asked_at > UNCLAIMED_AFTER
    )
    return Shown(
        snapshot=snapshot,
        report=report,
        parts=parts,
        refreshing=_due(snapshot, now),
        unclaimed=unclaimed,
    )


def snapshot_refresh(*, snapshot_id: int) -> None:
    """Compute a snapshot (the task worker's job): every section's figures, rendered
    for each variant, stored with the time they were read. A failure is kept as the
    snapshot's error, shown on the page, and the previous figures stay."""
    snapshot = DashboardSnapshot.objects.select_related("unit").filter(pk=snapshot_id).first()
    if snapshot is None:
        return
    started = timezone.now()
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(refresh_started_at=started)
    clock = time.perf_counter()
    try:
        report = report_figures(
            unit=snapshot.unit,
            date_from=snapshot.date_from,
            date_to=snapshot.date_to,
            structure=snapshot.structure,
            allow_empty=True,
        )
        content = {
            "unit_name": report.unit_name,
            "period_label": report.period_label,
            "is_empty": report.is_empty,
            "parts": [
                {
                    **_part(result),
                    "param": section.variant_param,
                    "html": _rendered(section, result, report.query),
                }
                for section, result in report.parts
            ],
        }
    except Exception:  # the page says it failed; the worker's log has the traceback
        log.exception("dashboard snapshot %s failed", snapshot.pk)
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
            refresh_asked_at=None,
            error="Không tổng hợp được số liệu; hãy thử lại sau hoặc báo quản trị hệ thống.",
        )
        return
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
        content=content,
        computed_at=started,
        seconds=time.perf_counter() - clock,
        refresh_asked_at=None,
        error="",
    )
    old = started - KEEP
    DashboardSnapshot.objects.filter(
        Q(computed_at__lt=old) | Q(computed_at__isnull=True, refresh_started_at__lt=old)
    ).delete()
