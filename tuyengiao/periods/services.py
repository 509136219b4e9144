"""Every write of reporting periods: open a period, submit a unit's report, withdraw
it, approve, return, reopen; and the guard that refuses a change of figures submitted
or approved.

Each takes a required ``actor`` (a user, or ``orgs.access.SYSTEM``; ``None`` is
refused), checks the permission itself (``access``) and raises ``PermissionDenied``
or ``ValidationError`` in Vietnamese. The web and any API call these.

Approval goes bottom-up, as DHIS2's data approval: a unit submits, and its report is
approved, only once the reports of all its expected children are approved; a report
is reopened only while the report above it is not approved. Every step writes a
``SubmissionEvent``; ``Submission`` is in the audit trail (``trust/audit.py``), with
the actor of the request or the service's (``acting_as``).

The lock (``figures_guard``, registered in ``orgs.hooks.figure_write_guards`` from
``PeriodsConfig.ready``; every app's write services ask it through
``orgs.hooks.check_figures_open``): while a unit's report for a period is submitted
and awaiting the decision, or approved, a write that would change the figures of that
unit, or of a unit below it (in the tree as it stood on the day written or on the
period's cut-off), on a day of ``[date_from, cutoff]`` is refused, whoever writes. The
unit withdraws a report not yet decided (``submission_withdraw``), the approver
returns it or reopens an approved one: each unlocks, and each is a ``SubmissionEvent``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tuyengiao.lib.actors import account_of
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.db import fetchone_hot
from tuyengiao.orgs.hooks import Span
from tuyengiao.orgs.models import Unit, UnitVersion
from tuyengiao.trust.audit import acting_as

from . import access, selectors
from .models import (
    LOCKING,
    Action,
    FilesStatus,
    PeriodKind,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)


def _require_actor(actor: Any) -> None:
    if actor is None:
        raise PermissionDenied("Thiếu người thực hiện thao tác.")


def person(user: Any) -> str:
    """How a user is named on the pages and in messages."""
    if user is None:
        return "Hệ thống"
    return str(user.get_full_name() or user.get_username())


# --- periods --------------------------------------------------------------------------


@transaction.atomic
def period_open(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    name: str,
    date_from: dt.date,
    cutoff: dt.date,
    due_date: dt.date,
) -> ReportingPeriod:
    """A committee opens a reporting period for its subtree."""
    _require_actor(actor)
    if not access.can_open(actor, unit):
        raise PermissionDenied(
            "Chỉ cán bộ tuyên giáo cấp tỉnh hoặc cấp xã được mở kỳ báo cáo cho đơn vị của mình."
        )
    if kind not in PeriodKind.values:
        raise ValidationError("Loại kỳ phải là Tháng, Quý, 6 tháng, Năm hoặc Nhiệm kỳ.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Tên kỳ báo cáo không được để trống.")
    if cutoff < date_from:
        raise ValidationError(
            f"Ngày chốt số liệu ({format_date(cutoff)}) đứng trước ngày bắt đầu kỳ "
            f"({format_date(date_from)})."
        )
    if due_date < cutoff:
        raise ValidationError(
            f"Hạn nộp ({format_date(due_date)}) đứng trước ngày chốt số liệu ({format_date(cutoff)})."
        )
    if ReportingPeriod.objects.filter(
        unit=unit, kind=kind, date_from=date_from, cutoff=cutoff
    ).exists():
        raise ValidationError(f"{unit.name} đã mở kỳ báo cáo này rồi.")
    with acting_as(account_of(actor)):
        return ReportingPeriod.objects.create(
            unit=unit,
            kind=kind,
            name=name,
            date_from=date_from,
            cutoff=cutoff,
            due_date=due_date,
            opened_by=account_of(actor),
        )


# --- a unit's report ------------------------------------------------------------------


def _children_first(period: ReportingPeriod, unit: Unit, what: str) -> None:
    waiting = selectors.children_not_approved(period, unit)
    if waiting:
        names = ", ".join(u.name for u in waiting[:5])
        more = f" và {len(waiting) - 5} đơn vị khác" if len(waiting) > 5 else ""
        raise ValidationError(
            f"Chưa thể {what}: báo cáo {period.name} của các đơn vị trực thuộc chưa được "
            f"phê duyệt hết ({names}{more})."
        )


def _event(submission: Submission, action: str, actor: Any, note: str = "") -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=account_of(actor),
        at=timezone.now(),
        note=note,
        sha256=submission.sha256,
    )


@transaction.atomic
def submission_submit(*, actor: Any, period: ReportingPeriod, unit: Unit) -> Submission:
    """The unit sends its report: from now on the period's figures of its subtree are
    locked (``figures_guard``), and the background task freezes them (snapshot and
    SHA-256, ``submission_figures_freeze``) and builds the DOCX and XLSX. Computing a
    province's figures takes seconds at national scale, so the request does not wait
    for it; locked, they are the same figures a moment later. A report not yet decided
    may be sent again (the new figures replace the old); an approved one must be
    reopened first."""
    _require_actor(actor)
    if not access.in_period(period, unit):
        raise ValidationError(f"{unit.name} không thuộc phạm vi kỳ báo cáo {period.name}.")
    if not access.can_submit(actor, unit):
        raise PermissionDenied(f"Bạn không có quyền nộp báo cáo của {unit.name}.")
    if not unit.is_valid_on(period.cutoff):
        raise ValidationError(
            f"{unit.name} không còn hiệu lực vào ngày chốt số liệu {format_date(period.cutoff)}."
        )
    current = Submission.objects.select_for_update().filter(period=period, unit=unit).first()
    if current is not None and current.status == SubmissionStatus.APPROVED:
        raise ValidationError(
            f"Báo cáo {period.name} của {unit.name} đã được phê duyệt; cần mở lại trước khi nộp lại."
        )
    _children_first(period, unit, "nộp báo cáo")
    now = timezone.now()
    with acting_as(account_of(actor)):
        if current is None:
            current = Submission(period=period, unit=unit, first_submitted_at=now)
        current.status = SubmissionStatus.SUBMITTED
        current.snapshot = {}
        current.sha256 = ""  # frozen by the task
        current.submitted_at = now
        current.submitted_by = account_of(actor)
        current.files_status = FilesStatus.PENDING
        current.docx = current.xlsx = None
        current.save()
    _event(current, Action.SUBMIT, actor)
    from .tasks import submission_files

    submission_files.enqueue(submission_id=current.pk)
    current.refresh_from_db()  # frozen already when the task ran at once
    return current


def _decidable(actor: Any, submission: Submission, status: str, what: str) -> None:
    _require_actor(actor)
    if not access.can_decide(actor, submission):
        approver = access.approver_unit(submission.period, submission.unit)
        raise PermissionDenied(
            f"Chỉ {approver.name} được {what} báo cáo của {submission.unit.name}."
        )
    if status == SubmissionStatus.SUBMITTED and not submission.sha256:
        raise ValidationError(
            f"Số liệu báo cáo {submission.period.name} của {submission.unit.name} đang được "
            "chốt; vui lòng chờ ít phút rồi thử lại."
        )
    if submission.status != status:
        raise ValidationError(
            f"Không thể {what}: báo cáo {submission.period.name} của {submission.unit.name} "
            f"đang ở trạng thái “{SubmissionStatus(submission.status).label}”."
        )


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period__unit", "unit__parent")
        .get(pk=submission.pk)
    )


@transaction.atomic
def submission_approve(*, actor: Any, submission: Submission) -> Submission:
    """The unit above approves: the figures are locked from now on."""
    submission = _locked(submission)
    _decidable(actor, submission, SubmissionStatus.SUBMITTED, "phê duyệt")
    _children_first(submission.period, submission.unit, "phê duyệt")
    with acting_as(account_of(actor)):
        submission.status = SubmissionStatus.APPROVED
        submission.decided_by = account_of(actor)
        submission.decided_at = timezone.now()
        submission.approved_sha256 = submission.sha256
        submission.reason = ""
        submission.save()
    _event(submission, Action.APPROVE, actor)
    return submission


@transaction.atomic
def submission_return(*, actor: Any, submission: Submission, reason: str) -> Submission:
    """The unit above returns the report to be corrected, with a reason."""
    submission = _locked(submission)
    _decidable(actor, submission, SubmissionStatus.SUBMITTED, "trả lại")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Cần ghi lý do trả lại báo cáo.")
    with acting_as(account_of(actor)):
        submission.status = SubmissionStatus.RETURNED
        submission.decided_by = account_of(actor)
        submission.decided_at = timezone.now()
        submission.reason = reason[:1000]
        submission.save()
    _event(submission, Action.RETURN, actor, reason[:1000])
    return submission


@transaction.atomic
def submission_reopen(*, actor: Any, submission: Submission, reason: str) -> Submission:
    """The approver reopens an approved report (the figures may change again), with a
    reason; refused while the report of the unit above is approved."""
    submission = _locked(submission)
    _decidable(actor, submission, SubmissionStatus.APPROVED, "mở lại")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Cần ghi lý do mở lại báo cáo.")
    unit = submission.unit
    if unit.pk != submission.period.unit_id and unit.parent is not None:
        above = Submission.objects.filter(
            period=submission.period, unit=unit.parent, status=SubmissionStatus.APPROVED
        ).exists()
        if above:
            raise ValidationError(
                f"Không thể mở lại: báo cáo {submission.period.name} của {unit.parent.name} đã "
                "được phê duyệt; cần mở lại báo cáo cấp trên trước."
            )
    with acting_as(account_of(actor)):
        submission.status = SubmissionStatus.REOPENED
        submission.decided_by = account_of(actor)
        submission.decided_at = timezone.now()
        submission.reason = reason[:1000]
        submission.save()
    _event(submission, Action.REOPEN, actor, reason[:1000])
    return submission


@transaction.atomic
def submission_withdraw(*, actor: Any, submission: Submission, reason: str = "") -> Submission:
    """The unit takes back a report it sent that is not yet decided (rút lại): its
    figures may change again, and it sends the report again when they are right.
    Whoever may submit the unit's report may withdraw it; recorded as an event."""
    submission = _locked(submission)
    _require_actor(actor)
    if not access.can_submit(actor, submission.unit):
        raise PermissionDenied(f"Bạn không có quyền rút lại báo cáo của {submission.unit.name}.")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            f"Không thể rút lại: báo cáo {submission.period.name} của {submission.unit.name} "
            f"đang ở trạng thái “{SubmissionStatus(submission.status).label}”; chỉ rút lại "
            "được báo cáo đã nộp và đang chờ duyệt."
        )
    reason = " ".join(reason.split())[:1000]
    with acting_as(account_of(actor)):
        submission.status = SubmissionStatus.WITHDRAWN
        submission.reason = reason
        submission.save()
    _event(submission, Action.WITHDRAW, actor, reason)
    return submission


def submission_files_run(*, submission_id: int) -> Submission | None:
    """The background task of a sent report: its figures frozen once
    (``submission_figures_freeze``), then the DOCX and XLSX of those figures. Figures
    frozen earlier are computed again and must hash to the frozen SHA-256; if they
    moved since (a write that no guard refuses, as the tree's own history), the files
    are not made and the unit is told to send the report again. An unexpected failure
    marks the files ``BROKEN`` (the page says so instead of waiting) and is raised
    again for the task's result."""
    try:
        return _submission_files(submission_id)
    except Exception:
        Submission.objects.filter(pk=submission_id).update(
            files_status=FilesStatus.BROKEN, updated_at=timezone.now()
        )
        raise


def _submission_files(submission_id: int) -> Submission | None:
    from tuyengiao.reports.builders import build_report

    submission, figures = submission_figures_freeze(submission_id=submission_id)
    if submission is None or figures is None:
        return submission
    if figures.sha256 != submission.sha256:
        submission.files_status = FilesStatus.FAILED
        submission.save(update_fields=["files_status", "updated_at"])
        return submission
    submission.docx = build_report(figures.report, "docx")[0]
    submission.xlsx = build_report(figures.report, "xlsx")[0]
    submission.files_status = FilesStatus.DONE
    submission.save(update_fields=["docx", "xlsx", "files_status", "updated_at"])
    return submission


def submission_figures_freeze(
    *, submission_id: int
) -> tuple[Submission | None, selectors.Figures | None]:
    """A sent report's figures, computed now, and the report with them frozen: once, by
    whichever call comes first while it is still sent and not yet frozen (checked under
    the row's lock, so a report sent twice is frozen once); the submit event gets the
    SHA-256 too. ``(None, None)``: no such report; figures ``None``: the report
    was withdrawn or returned before its figures were frozen (nothing to freeze)."""
    submission = (
        Submission.objects.select_related("period__unit", "unit").filter(pk=submission_id).first()
    )
    if submission is None:
        return None, None
    if not submission.sha256 and submission.status != SubmissionStatus.SUBMITTED:
        return submission, None
    figures = selectors.figures_of(submission.period, submission.unit)
    if submission.sha256:
        return submission, figures
    with transaction.atomic():  # saved (so audited) under the row's lock, if still due
        submission = _locked(submission)
        if not submission.sha256 and submission.status == SubmissionStatus.SUBMITTED:
            submission.snapshot = figures.snapshot
            submission.sha256 = figures.sha256
            submission.save(update_fields=["snapshot", "sha256", "updated_at"])
            for event in submission.events.filter(action=Action.SUBMIT, sha256=""):
                event.sha256 = figures.sha256
                event.save(update_fields=["sha256"])
    return submission, (figures if submission.sha256 else None)


# --- the lock -------------------------------------------------------------------------


def _path_on(
    versions: dict[int, list[tuple[dt.date | None, dt.date | None, list[int]]]],
    unit: Unit,
    day: dt.date,
) -> list[int]:
    """The ids along ``unit``'s path on ``day`` (root first), from its versions; today's
    path for a day no version covers (a unit recorded without history)."""
    for valid_from, valid_to, ids in versions.get(unit.pk, ()):
        if (valid_from is None or valid_from <= day) and (valid_to is None or day < valid_to):
            return ids
    return unit.path_ids


def figures_guard(pairs: Sequence[tuple[Unit, Span]], actor: Any) -> dict[tuple[int, Span], str]:
    """For ``orgs.hooks.figure_write_guards``: the (unit, span) pairs whose figures
    belong to a report submitted or approved (``models.LOCKING``) for a period whose
    ``[date_from, cutoff]`` meets the span, with the reason naming the period and who
    approved it (or who sent it and who is to decide).

    A report covers the units below its unit in the tree as it stood then, not today's:
    a pair is refused when the report's unit is on the unit's path on the first day of
    the span inside the period (the day written, for one day) or on the period's cut-off
    (the structure the report's figures are taken in, ``selectors.live_report``). A
    unit moved to another parent after approval stays locked under the unit that
    approved it. At most three queries whatever the number of pairs: whether any report
    locks a day of the spans at all (``_any_locking``; the answer of most writes, as
    reports lock past periods), then the units' versions from the first day on and the
    locking reports of every unit on those paths."""
    if not pairs:
        return {}
    first = min(span[0] for _, span in pairs)
    ends = [span[1] for _, span in pairs]
    last = None if any(end is None for end in ends) else max(e for e in ends if e is not None)
    if not _any_locking(first, last):
        return {}
    versions: dict[int, list[tuple[dt.date | None, dt.date | None, list[int]]]] = {}
    rows = UnitVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=first),
        unit_id__in={unit.pk for unit, _ in pairs},
    ).values_list("unit_id", "valid_from", "valid_to", "path")
    for unit_id, valid_from, valid_to, text in rows:
        along = [int(part) for part in text.strip("/").split("/") if part]
        versions.setdefault(unit_id, []).append((valid_from, valid_to, along))
    ids = {pk for unit, _ in pairs for pk in unit.path_ids}
    ids.update(pk for kept in versions.values() for _f, _t, along in kept for pk in along)
    locking = Submission.objects.filter(
        status__in=LOCKING, unit_id__in=ids, period__cutoff__gte=first
    )
    if last is not None:
        locking = locking.filter(period__date_from__lte=last)
    found = list(
        locking.select_related(
            "period__unit", "unit__parent", "decided_by", "submitted_by"
        ).order_by("pk")
    )
    refused: dict[tuple[int, Span], str] = {}
    for unit, span in pairs:
        nearest: tuple[int, Submission, dt.date] | None = None
        for s in found:
            p = s.period
            if span[0] > p.cutoff or (span[1] is not None and span[1] < p.date_from):
                continue
            day = max(span[0], p.date_from)
            for on in (day, p.cutoff):
                path = _path_on(versions, unit, on)
                if s.unit_id in path:
                    depth = path.index(s.unit_id)
                    if nearest is None or depth > nearest[0]:
                        nearest = (depth, s, day)
                    break
        if nearest is not None:
            _depth, s, day = nearest
            refused[(unit.pk, span)] = locked_message(s, unit, day, span)
    return refused


def _any_locking(first: dt.date, last: dt.date | None) -> bool:
    """Whether any report, of any unit, locks a day of ``[first, last]``: one prepared
    statement (``lib.db``), so that the writes of today's figures (a conference's
    check-ins ask once per group of scans) cost the database next to nothing while
    the reports that lock are of past periods. ``False`` is final; ``True`` means
    the two queries of ``figures_guard`` decide."""
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {Submission._meta.db_table} s "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"JOIN {ReportingPeriod._meta.db_table} p ON p.id = s.period_id "
        "WHERE s.status IN (%s, %s) AND p.cutoff >= %s"
    )
    if last is None:
        row = fetchone_hot(sql + ")", [*LOCKING, first])
    else:
        row = fetchone_hot(sql + " AND p.date_from <= %s)", [*LOCKING, first, last])
    return bool(row and row[0])


def _written(s: Submission, unit: Unit, day: dt.date, span: Span | None) -> str:
    if span is None or span[0] == span[1]:
        return f"của {unit.name} ngày {format_date(day)}"
    end = s.period.cutoff if span[1] is None else min(span[1], s.period.cutoff)
    return f"của {unit.name} từ ngày {format_date(day)} đến ngày {format_date(end)}"


def locked_message(s: Submission, unit: Unit, day: dt.date, span: Span | None = None) -> str:
    """Why a write is refused: the period, the report's unit and who approved it (or,
    for a report awaiting the decision, who sent it and which unit decides)."""
    what = (
        f"Không thể thay đổi số liệu {_written(s, unit, day, span)}: "
        f"báo cáo {s.period.name} của {s.unit.name}"
    )
    if s.status == SubmissionStatus.SUBMITTED:
        when = format_date(timezone.localtime(s.submitted_at).date()) if s.submitted_at else ""
        approver = access.approver_unit(s.period, s.unit)
        return (
            f"{what} đã được {person(s.submitted_by)} nộp{' ngày ' + when if when else ''}, "
            f"đang chờ {approver.name} phê duyệt. Cần {s.unit.name} rút lại báo cáo (hoặc "
            f"{approver.name} trả lại) trước khi sửa."
        )
    when = format_date(timezone.localtime(s.decided_at).date()) if s.decided_at else ""
    return (
        f"{what} đã được {person(s.decided_by)} phê duyệt"
        f"{' ngày ' + when if when else ''}. Cần người phê duyệt mở lại báo cáo trước khi sửa."
    )
