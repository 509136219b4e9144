"""Every write of reporting periods: open a period, submit a unit's report, approve,
return, reopen; and the guard that refuses a change of approved figures.

Each takes a required ``actor`` (a user, or ``orgs.access.SYSTEM``; ``None`` is
refused), checks the permission itself (``access``) and raises ``PermissionDenied``
or ``ValidationError`` in Vietnamese. The web and any API call these.

Approval goes bottom-up, as DHIS2's data approval: a unit submits, and its report is
approved, only once the reports of all its expected children are approved; a report
is reopened only while the report above it is not approved. Every step writes a
``SubmissionEvent``; ``Submission`` is in the audit trail (``trust/audit.py``), with
the actor of the request or the service's (``acting_as``).

The lock (``figures_guard``, registered in ``orgs.hooks.figure_write_guards`` from
``PeriodsConfig.ready``): while a unit's report for a period is approved, a write
that would change the figures of that unit, or of a unit below it, on a day of
``[date_from, cutoff]`` is refused, whoever writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tuyengiao.lib.actors import account_of
from tuyengiao.lib.dates import format_date
from tuyengiao.orgs.models import Unit
from tuyengiao.trust.audit import acting_as

from . import access, selectors
from .models import (
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
    """The unit sends its report: every section's figures frozen (snapshot and
    SHA-256), the DOCX and XLSX built by the background task. A report not yet
    decided may be sent again (the new figures replace the old); an approved one
    must be reopened first."""
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
    figures = selectors.figures_of(period, unit)
    now = timezone.now()
    with acting_as(account_of(actor)):
        if current is None:
            current = Submission(period=period, unit=unit, first_submitted_at=now)
        current.status = SubmissionStatus.SUBMITTED
        current.snapshot = figures.snapshot
        current.sha256 = figures.sha256
        current.submitted_at = now
        current.submitted_by = account_of(actor)
        current.files_status = FilesStatus.PENDING
        current.docx = current.xlsx = None
        current.save()
    _event(current, Action.SUBMIT, actor)
    from .tasks import submission_files

    submission_files.enqueue(submission_id=current.pk)
    return current


def _decidable(actor: Any, submission: Submission, status: str, what: str) -> None:
    _require_actor(actor)
    if not access.can_decide(actor, submission):
        approver = access.approver_unit(submission.period, submission.unit)
        raise PermissionDenied(
            f"Chỉ {approver.name} được {what} báo cáo của {submission.unit.name}."
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


def submission_files_run(*, submission_id: int) -> Submission | None:
    """The background task: the DOCX and XLSX of the report as submitted. The figures
    are computed again and must hash to the submitted SHA-256; if they moved since
    (the report was not locked yet), the files are not made and the unit is told to
    send the report again."""
    from tuyengiao.reports.builders import build_report

    submission = (
        Submission.objects.select_related("period__unit", "unit").filter(pk=submission_id).first()
    )
    if submission is None:
        return None
    figures = selectors.figures_of(submission.period, submission.unit)
    if figures.sha256 != submission.sha256:
        submission.files_status = FilesStatus.FAILED
        submission.save(update_fields=["files_status", "updated_at"])
        return submission
    submission.docx = build_report(figures.report, "docx")[0]
    submission.xlsx = build_report(figures.report, "xlsx")[0]
    submission.files_status = FilesStatus.DONE
    submission.save(update_fields=["docx", "xlsx", "files_status", "updated_at"])
    return submission


# --- the lock -------------------------------------------------------------------------


def figures_guard(
    pairs: Sequence[tuple[Unit, dt.date]], actor: Any
) -> dict[tuple[int, dt.date], str]:
    """For ``orgs.hooks.figure_write_guards``: the (unit, day) pairs whose figures
    belong to an approved report (of the unit or a unit above it, for a period whose
    ``[date_from, cutoff]`` holds the day), with the reason naming the period and who
    approved it. One query."""
    if not pairs:
        return {}
    ids = {pk for unit, _ in pairs for pk in unit.path_ids}
    days = [day for _, day in pairs]
    approved = list(
        Submission.objects.filter(
            status=SubmissionStatus.APPROVED,
            unit_id__in=ids,
            period__date_from__lte=max(days),
            period__cutoff__gte=min(days),
        ).select_related("period", "unit", "decided_by")
    )
    approved.sort(key=lambda s: -s.unit.depth)  # the nearest approval names the approver
    refused: dict[tuple[int, dt.date], str] = {}
    if not approved:
        return refused
    for unit, day in pairs:
        above = set(unit.path_ids)
        for s in approved:
            if s.unit_id in above and s.period.date_from <= day <= s.period.cutoff:
                refused[(unit.pk, day)] = locked_message(s, unit, day)
                break
    return refused


def locked_message(s: Submission, unit: Unit, day: dt.date) -> str:
    when = format_date(timezone.localtime(s.decided_at).date()) if s.decided_at else ""
    return (
        f"Không thể thay đổi số liệu của {unit.name} ngày {format_date(day)}: báo cáo "
        f"{s.period.name} của {s.unit.name} đã được {person(s.decided_by)} phê duyệt"
        f"{' ngày ' + when if when else ''}. Cần người phê duyệt mở lại báo cáo trước khi sửa."
    )
