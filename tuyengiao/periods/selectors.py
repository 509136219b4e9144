"""Reads of reporting periods: the units expected to report, completeness and
timeliness (DHIS2's expected, actual, on time), the figures of a unit's report
(frozen at submission and live), and the difference between them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuyengiao.lib.numbers import format_int
from tuyengiao.lib.worker import stalled, unclaimed
from tuyengiao.orgs.models import Unit
from tuyengiao.reports.builders.jsonfile import figures_dict
from tuyengiao.reports.models import Structure
from tuyengiao.reports.selectors import Report, report_figures

from .models import FilesStatus, ReportingPeriod, Submission, SubmissionStatus

SECTION_KEY = "periods"  # this app's own report section: never part of a snapshot
# A report counts as sent (DHIS2's "actual") unless it was returned to be redone.
SENT = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED, SubmissionStatus.REOPENED)


def rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- who is expected ---------------------------------------------------------------


def _existing_on(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def expected_units(period: ReportingPeriod, root: Unit | None = None) -> QuerySet[Unit]:
    """The units expected to report: every unit of the period's subtree (or of
    ``root``'s, inside it) existing on the cut-off date, in tree order."""
    base = root if root is not None else period.unit
    return Unit.objects.filter(_existing_on(period.cutoff), path__startswith=base.path).order_by(
        "path"
    )


def expected_children(period: ReportingPeriod, unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(_existing_on(period.cutoff), parent=unit).order_by(
        "sort_key", "code"
    )


def children_not_approved(period: ReportingPeriod, unit: Unit) -> list[Unit]:
    approved = Submission.objects.filter(period=period, status=SubmissionStatus.APPROVED).values(
        "unit_id"
    )
    return list(expected_children(period, unit).exclude(pk__in=approved)[:20])


def submission_of(period: ReportingPeriod, unit: Unit) -> Submission | None:
    return (
        Submission.objects.select_related("period__unit", "unit", "decided_by", "submitted_by")
        .filter(period=period, unit=unit)
        .first()
    )


def _due_end(period: ReportingPeriod) -> dt.datetime:
    """The first moment after the due date (local time): sent before it is on time."""
    return timezone.make_aware(
        dt.datetime.combine(period.due_date + dt.timedelta(days=1), dt.time())
    )


def on_time(submission: Submission) -> bool:
    """First sent by the end of the due date (DHIS2's "on time")."""
    return submission.first_submitted_at < _due_end(submission.period)


# --- completeness and timeliness -----------------------------------------------------


@dataclass
class PeriodCompleteness:
    period: ReportingPeriod
    expected: int
    actual: int
    on_time: int
    approved: int

    @property
    def actual_rate(self) -> Decimal | None:
        return rate(self.actual, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)

    @property
    def missing(self) -> int:
        return self.expected - self.actual


def completeness(period: ReportingPeriod, root: Unit | None = None) -> PeriodCompleteness:
    """Expected, actual (sent and not returned), on time (first sent by the due date)
    and approved reports of the period in ``root``'s subtree (default: the whole)."""
    units = expected_units(period, root).values("pk")
    sent = Submission.objects.filter(period=period, unit__in=units, status__in=SENT)
    return PeriodCompleteness(
        period=period,
        expected=expected_units(period, root).count(),
        actual=sent.count(),
        on_time=sent.filter(first_submitted_at__lt=_due_end(period)).count(),
        approved=sent.filter(status=SubmissionStatus.APPROVED).count(),
    )


def late_units(period: ReportingPeriod, root: Unit) -> QuerySet[Unit]:
    """Units of ``root``'s subtree expected to report that have not sent (returned
    ones included), in tree order: the reminder list."""
    sent = Submission.objects.filter(period=period, status__in=SENT).values("unit_id")
    return expected_units(period, root).exclude(pk__in=sent)


def statuses_of(period: ReportingPeriod, units: list[Unit]) -> dict[int, Submission]:
    return {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=units).select_related(
            "decided_by"
        )
    }


def periods_for(
    visible: QuerySet[ReportingPeriod], unit: Unit, date_from: dt.date, date_to: dt.date, limit: int
) -> list[ReportingPeriod]:
    """Periods opened by ``unit`` or a unit above it whose cut-off falls in the range."""
    return list(
        visible.filter(unit_id__in=unit.path_ids, cutoff__gte=date_from, cutoff__lte=date_to)
        .select_related("unit")
        .order_by("-cutoff", "-id")[:limit]
    )


# --- figures: frozen and live --------------------------------------------------------


def canonical(figures: Any) -> bytes:
    return json.dumps(
        figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def live_report(period: ReportingPeriod, unit: Unit) -> Report:
    """The report of ``unit`` for the period in the tree as it stood on the cut-off
    (``Structure.ASOF``): a unit moved or merged after the cut-off does not move the
    frozen figures, and the lock (``services.figures_guard``) follows the same tree."""
    return report_figures(
        unit=unit,
        date_from=period.date_from,
        date_to=period.cutoff,
        structure=Structure.ASOF,
        allow_empty=True,
    )


def freeze_unclaimed(submission: Submission | None, now: dt.datetime | None = None) -> bool:
    """A report sent longer ago than ``lib.worker.UNCLAIMED_AFTER`` whose figures are
    still not frozen: no task worker has taken the job."""
    return (
        submission is not None
        and submission.status == SubmissionStatus.SUBMITTED
        and not submission.sha256
        and unclaimed(submission.submitted_at, now)
    )


def files_stalled(submission: Submission | None, now: dt.datetime | None = None) -> bool:
    """A frozen report whose files are still being made and nothing saved for
    ``lib.worker`` 's stall limit: the worker died making them."""
    return (
        submission is not None
        and bool(submission.sha256)
        and submission.files_status == FilesStatus.PENDING
        and stalled(submission.updated_at, now)
    )


@dataclass
class Figures:
    snapshot: dict[str, Any]
    sha256: str
    report: Report = field(repr=False)


def figures_of(period: ReportingPeriod, unit: Unit) -> Figures:
    """The figures of ``unit``'s report for the period as they stand now: every
    section but this app's own (completeness changes as reports arrive), the JSON of
    the report (``figures``) and the summary rows with their labels (``summary``);
    the SHA-256 is of the canonical JSON of ``figures``."""
    report = live_report(period, unit)
    data = figures_dict(report)
    data["sections"].pop(SECTION_KEY, None)
    figures = json.loads(canonical(data))
    summary = {
        result.key: {
            "title": result.title,
            "rows": json.loads(canonical([[label, value] for label, value in result.summary])),
            # shown instead of the rows: a section without data says so in one sentence
            "empty_sentence": result.empty_sentence if result.empty else "",
        }
        for result in report.results
        if result.key != SECTION_KEY
    }
    return Figures(
        snapshot={"figures": figures, "summary": summary},
        sha256=hashlib.sha256(canonical(figures)).hexdigest(),
        report=report,
    )


def shown(value: Any) -> str:
    """A summary value as a reader sees it: ``2.033``, ``96,23``, ``—`` for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return format_int(value)
    text = str(value)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return text.replace(".", ",")
    return text


@dataclass
class Change:
    section: str
    label: str
    approved: Any
    live: Any

    @property
    def approved_shown(self) -> str:
        return shown(self.approved)

    @property
    def live_shown(self) -> str:
        return shown(self.live)


@dataclass
class Changes:
    same: bool  # the live figures hash to the approved SHA-256
    rows: list[Change]
    detail_only: bool  # differences only in the detail (tables), not in the summary rows


def changes_since(submission: Submission) -> Changes:
    """What differs between the figures frozen at submission and the live ones:
    summary rows by section and label (a row new or gone shows ``None``)."""
    live = figures_of(submission.period, submission.unit)
    if live.sha256 == submission.sha256:
        return Changes(same=True, rows=[], detail_only=False)
    rows: list[Change] = []
    frozen = submission.snapshot.get("summary", {})
    now = live.snapshot["summary"]
    for key in list(frozen) + [k for k in now if k not in frozen]:
        title = (now.get(key) or frozen.get(key) or {}).get("title", key)
        before = {label: value for label, value in frozen.get(key, {}).get("rows", [])}
        after = {label: value for label, value in now.get(key, {}).get("rows", [])}
        rows.extend(
            Change(title, label, before.get(label), after.get(label))
            for label in list(before) + [k for k in after if k not in before]
            if before.get(label) != after.get(label)
        )
    return Changes(same=False, rows=rows, detail_only=not rows)
