"""Every write to programmes, tasks, progress reports and inspections.

- ``programme_create``: a registered document becomes an action programme of a unit;
  what it carries out is recorded as the registry's ``implements`` link.
- ``task_save``: set a task of a programme or a follow-up of an inspection, or bring
  it in line (the web form and the ``Nhiệm vụ`` sheet both call it).
- ``task_report``: a unit reports progress (a short note, evidence files), and may
  report it done.
- ``inspection_save``, ``inspection_target_set``, ``inspection_target_remove``: a
  round of inspection, supervision or field review and the organisations it covered
  (the web forms and the ``Kiểm tra giám sát`` sheet).

Each takes a required ``actor`` (a user, whose permission is checked here, or
``access.SYSTEM``; ``None`` is refused) and raises ``PermissionDenied`` or
``ValidationError`` in Vietnamese. The rules are also public ``*_problems``
functions, so a sheet lists every refused row during validation.

A write that changes what the report's tasks or inspections section counts asks
``orgs.hooks.check_figures_open`` first (``FiguresLocked`` while a report of the unit
or a unit above it is submitted or approved for a period it touches):

- a task is counted by every period it is open in (given on or before the cut-off,
  not done before the start), in the state it is in on the cut-off. A new task, or
  one that changes its responsible unit or programme, is asked over the span it is
  counted in (``[assigned_on, done_on]``, open-ended while not done) under the old and
  the new unit; a change of dates only over the days between the old and the new date
  (``task_spans``): reporting a long task done today does not touch a quarter approved
  before. Its content and cooperating units are not counted;
- a round of inspection is counted on its first day under its conducting unit (its
  kind, and the organisations and members it covered); its subject, findings and
  recommendations are not counted.

An edit asks both the old and the new (unit, days); a row that does not change asks
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from tuyengiao.documents import services as document_services
from tuyengiao.documents.models import Document, DocumentLink, Relation
from tuyengiao.lib.actors import account_of
from tuyengiao.lib.codes import code_error
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.filenames import purge_orphans, short_filename
from tuyengiao.lib.numbers import check_count
from tuyengiao.lib.text import normalize
from tuyengiao.orgs import access as core
from tuyengiao.orgs.hooks import Span, check_figures_open
from tuyengiao.orgs.models import Member, Membership, Unit, valid_on_q
from tuyengiao.orgs.selectors import today

from . import access
from .models import Evidence, Inspection, InspectionTarget, Kind, Programme, Task, TaskReport

NOTE_MAX = 2000
TEXT_MAX = 20000
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


def _problems_raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError([message for _field, message in problems])


# --- programmes ---------------------------------------------------------------------------


def implemented_by(document: Document) -> list[Document]:
    """The documents ``document`` carries out (the registry's ``implements`` links)."""
    links = DocumentLink.objects.filter(source=document, relation=Relation.IMPLEMENTS)
    return [link.target for link in links.select_related("target")]


@transaction.atomic
def programme_create(
    *, actor: Any, document: Document, unit: Unit, implements: Document | None = None
) -> Programme:
    """``document`` (a plan or programme already registered) becomes ``unit``'s action
    programme; ``implements`` is recorded as the registry's ``implements`` link."""
    access.check_plan(actor, unit)
    if Programme.objects.filter(document=document).exists():
        raise ValidationError(f"Văn bản {document.symbol} đã là một chương trình, kế hoạch.")
    if implements is not None and implements.pk == document.pk:
        raise ValidationError("Chương trình không thể thực hiện chính nó.")
    if unit.valid_to is not None:
        raise ValidationError(f"Đơn vị {unit.name} không còn hoạt động.")
    programme = Programme.objects.create(document=document, unit=unit)
    if implements is not None:
        document_services.link_add(
            actor=actor, source=document, target=implements, relation=Relation.IMPLEMENTS
        )
    return programme


def programme_owner_for_import(actor: Any, unit: Unit) -> Unit:
    """The unit a programme named only in the ``Nhiệm vụ`` sheet is issued by: the
    user's own unit, or (for the system actor) the top of the responsible unit's tree."""
    scope = None if access.is_system(actor) else core.scope_of(actor)
    if scope is not None:
        return scope.unit
    top_id = int(unit.path.strip("/").split("/")[0])
    return Unit.objects.get(pk=top_id)


@transaction.atomic
def programme_for_document(*, actor: Any, document: Document, unit: Unit) -> Programme:
    """The programme of ``document``, made for ``unit`` when there is none (the sheet)."""
    found = Programme.objects.filter(document=document).select_related("unit").first()
    if found is not None:
        return found
    return programme_create(actor=actor, document=document, unit=unit)


# --- tasks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskData:
    """What a task holds; the form and the sheet fill it the same way. ``partners``
    ``None`` leaves the cooperating units as they are (the sheet has no column)."""

    code: str
    content: str
    unit: Unit
    deadline: dt.date | None = None
    done_on: dt.date | None = None
    assigned_on: dt.date | None = None
    partners: Sequence[Unit] | None = None


def task_problems(
    *,
    actor: Any,
    owner: Unit,
    unit: Unit,
    partners: Sequence[Unit] = (),
    deadline: dt.date | None = None,
    done_on: dt.date | None = None,
    assigned_on: dt.date | None = None,
) -> list[tuple[str, str]]:
    """The rules on a task, as (field, message): the actor plans for the unit that sets
    it, the responsible and cooperating units lie in that unit's subtree, dates agree."""
    problems: list[tuple[str, str]] = []
    if not access.can_plan(actor, owner):
        problems.append(("owner", f"Bạn không có quyền giao nhiệm vụ thay cho {owner.name}."))
    if not access.in_unit(unit, owner):
        problems.append(("unit", f"Đơn vị chủ trì {unit.code} không thuộc {owner.name}."))
    elif unit.valid_to is not None:
        problems.append(("unit", f"Đơn vị {unit.code} không còn hoạt động."))
    for partner in partners:
        if partner.pk == unit.pk:
            problems.append(("partners", f"Đơn vị {unit.code} đã là đơn vị chủ trì."))
        elif not access.in_unit(partner, owner):
            problems.append(
                ("partners", f"Đơn vị phối hợp {partner.code} không thuộc {owner.name}.")
            )
    if deadline and assigned_on and deadline < assigned_on:
        problems.append(
            ("deadline", f"Hạn {format_date(deadline)} trước ngày giao {format_date(assigned_on)}.")
        )
    if done_on and assigned_on and done_on < assigned_on:
        problems.append(
            (
                "done_on",
                f"Ngày hoàn thành {format_date(done_on)} trước ngày giao "
                f"{format_date(assigned_on)}.",
            )
        )
    if done_on and done_on > today():
        problems.append(("done_on", f"Ngày hoàn thành {format_date(done_on)} chưa đến."))
    return problems


def default_assigned_on(
    programme: Programme | None,
    inspection: Inspection | None,
    *dates: dt.date | None,
) -> dt.date:
    """A task is given on its programme's date, or when the inspection ended; for a
    programme without a date, today or the task's earliest date (``dates``: its
    deadline and the day it was done), so that a past task can be recorded."""
    if programme is not None and programme.document.issue_date is not None:
        return programme.document.issue_date
    if inspection is not None:
        return inspection.date_to or inspection.date_from
    return min([today(), *[d for d in dates if d is not None]])


@transaction.atomic
def task_save(
    *,
    actor: Any,
    data: TaskData,
    programme: Programme | None = None,
    inspection: Inspection | None = None,
) -> tuple[Task, str]:
    """Create the task ``data.code`` of ``programme`` (or follow-up of ``inspection``)
    or bring it in line. Returns the task and ``created``/``updated``/``unchanged``."""
    if (programme is None) == (inspection is None):
        raise ValidationError("Nhiệm vụ thuộc một chương trình hoặc một cuộc kiểm tra.")
    owner = programme.unit if programme is not None else inspection.unit  # type: ignore[union-attr]
    access.check_plan(actor, owner)
    code = normalize(data.code)
    content = normalize(data.content)
    bad = code_error(code, "Mã nhiệm vụ")
    if bad:
        raise ValidationError(bad)
    if not content:
        raise ValidationError("Nội dung nhiệm vụ là bắt buộc.")
    if len(content) > TEXT_MAX:
        raise ValidationError(f"Nội dung nhiệm vụ dài quá {TEXT_MAX} ký tự.")
    task = Task.objects.select_for_update().filter(code=code).first()
    assigned = data.assigned_on or (
        task.assigned_on
        if task is not None
        else default_assigned_on(programme, inspection, data.deadline, data.done_on)
    )
    partners = list(data.partners) if data.partners is not None else None
    _problems_raise(
        task_problems(
            actor=actor,
            owner=owner,
            unit=data.unit,
            partners=partners or [],
            deadline=data.deadline,
            done_on=data.done_on,
            assigned_on=assigned,
        )
    )
    values: dict[str, Any] = {
        "programme": programme,
        "inspection": inspection,
        "content": content,
        "unit": data.unit,
        "assigned_on": assigned,
        "deadline": data.deadline,
        "done_on": data.done_on,
    }
    wanted = TaskCounted(
        data.unit,
        (programme.pk if programme else None, inspection.pk if inspection else None),
        assigned,
        data.deadline,
        data.done_on,
    )
    if task is None:
        check_figures_open(actor, [(code, u, span) for u, span in task_spans(None, wanted)])
        task = Task.objects.create(code=code, **values)
        if partners:
            task.partners.set(partners)
        return task, "created"
    if (task.programme_id, task.inspection_id) != wanted.group:
        raise ValidationError(f"Mã nhiệm vụ {code} đã dùng cho một nhiệm vụ khác.")
    check_figures_open(
        actor, [(code, u, span) for u, span in task_spans(_task_figures(task), wanted)]
    )
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    if changed:
        for name in changed:
            setattr(task, name, values[name])
        task.save(update_fields=changed)
    if partners is not None:
        before = set(task.partners.values_list("pk", flat=True))
        if before != {p.pk for p in partners}:
            task.partners.set(partners)
            changed.append("partners")
    return task, "updated" if changed else "unchanged"


def _until(day: dt.date | None) -> dt.date:
    return dt.date.max if day is None else day


def _span(first: dt.date, last: dt.date) -> Span:
    return (first, None if last == dt.date.max else last)


@dataclass(frozen=True)
class TaskCounted:
    """What the tasks section counts of a task."""

    unit: Unit
    group: tuple[int | None, int | None]  # (programme id, inspection id)
    assigned_on: dt.date
    deadline: dt.date | None
    done_on: dt.date | None


def task_spans(before: TaskCounted | None, after: TaskCounted) -> list[tuple[Unit, Span]]:
    """The (unit, days) whose reported figures change when a task goes from ``before``
    (``None``: new) to ``after``. A task is counted by a period when given on or before
    its cut-off and not done before its start, in its state on the cut-off (done on
    time or late, overdue, in time: ``status.state_on``); so a change of one date
    changes only periods that meet the days between its old and its new value."""
    if after == before:
        return []
    spans: list[tuple[Unit, Span]] = []
    if before is None or before.unit.pk != after.unit.pk or before.group != after.group:
        spans.append((after.unit, (after.assigned_on, after.done_on)))
        if before is not None:
            spans.append((before.unit, (before.assigned_on, before.done_on)))
        return spans
    start = min(before.assigned_on, after.assigned_on)
    end = max(_until(before.done_on), _until(after.done_on))
    if before.assigned_on != after.assigned_on:
        spans.append((after.unit, (start, max(before.assigned_on, after.assigned_on))))
    if before.done_on != after.done_on:
        low, high = sorted((_until(before.done_on), _until(after.done_on)))
        spans.append((after.unit, _span(max(low, start), high)))
    if before.deadline != after.deadline:
        low, high = sorted((_until(before.deadline), _until(after.deadline)))
        low, high = max(low, start), min(high, end)
        if low <= high:
            spans.append((after.unit, _span(low, high)))
    return spans


def _task_figures(task: Task) -> TaskCounted:
    return TaskCounted(
        task.unit, (task.programme_id, task.inspection_id), task.assigned_on, task.deadline,
        task.done_on,
    )  # fmt: skip


def _evidence_check(files: Sequence[tuple[str, bytes]]) -> None:
    if len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError(f"Mỗi lần báo cáo chỉ đính kèm tối đa {EVIDENCE_MAX_FILES} tệp.")
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix not in EVIDENCE_TYPES:
            raise ValidationError(
                f"Tệp '{name}': chỉ nhận tệp " + ", ".join(sorted(EVIDENCE_TYPES)) + "."
            )
        if not data:
            raise ValidationError(f"Tệp '{name}' rỗng.")
        if len(data) > EVIDENCE_MAX_BYTES:
            raise ValidationError(f"Tệp '{name}' lớn hơn 20 MB.")


@transaction.atomic
def task_report(
    *,
    actor: Any,
    task: Task,
    note: str,
    day: dt.date | None = None,
    done: bool = False,
    files: Sequence[tuple[str, bytes]] = (),
) -> TaskReport:
    """A unit reports progress on ``task``: a short note and evidence files; ``done``
    marks the task done on ``day`` (today by default)."""
    if not access.can_report(actor, task):
        raise PermissionDenied(f"Bạn không có quyền báo cáo tiến độ nhiệm vụ {task.code}.")
    if done and not access.can_close(actor, task):
        raise PermissionDenied(
            f"Chỉ đơn vị chủ trì hoặc đơn vị giao nhiệm vụ được báo cáo hoàn thành {task.code}."
        )
    note = normalize(note)
    if not note:
        raise ValidationError("Hãy ghi tóm tắt tiến độ.")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Tóm tắt tiến độ dài quá {NOTE_MAX} ký tự.")
    day = day or today()
    if day > today():
        raise ValidationError(f"Ngày báo cáo {format_date(day)} chưa đến.")
    if day < task.assigned_on:
        raise ValidationError(
            f"Ngày báo cáo {format_date(day)} trước ngày giao {format_date(task.assigned_on)}."
        )
    _evidence_check(files)
    if done and task.done_on != day:
        before = _task_figures(task)
        after = TaskCounted(before.unit, before.group, before.assigned_on, before.deadline, day)
        check_figures_open(actor, [(task.code, u, span) for u, span in task_spans(before, after)])
    scope = None if access.is_system(actor) else core.scope_of(actor)
    unit = task.unit
    if scope is not None and not scope.covers(task.unit):
        unit = next((u for u in task.partners.all() if scope.covers(u)), scope.unit)
    report = TaskReport.objects.create(
        task=task, unit=unit, day=day, note=note, marked_done=done, created_by=account_of(actor)
    )
    stored: list[str] = []
    try:
        for name, data in files:
            clean = short_filename(normalize(name).replace("/", "_").replace("\\", "_") or "tep")
            evidence = Evidence(
                report=report,
                name=clean[:255],
                content_type=EVIDENCE_TYPES[Path(clean).suffix.lower()],
                size=len(data),
            )
            evidence.file.save(clean, ContentFile(data), save=False)  # 0600 like every upload
            stored.append(evidence.file.name)
            evidence.save()
    except BaseException:
        for path in stored:  # the rows are rolled back: so are the files
            Evidence.file.field.storage.delete(path)
        raise
    if done and task.done_on != day:
        task.done_on = day
        task.save(update_fields=["done_on"])
    return report


def evidence_purge_orphans(*, older_than: float) -> int:
    """Delete evidence files that no evidence row names, older than ``older_than`` (a
    POSIX time): what an outer transaction rolled back after ``task_report`` stored
    them. Run by ``purge_uploads``."""
    return purge_orphans(
        "nhiem-vu",
        lambda: Evidence.objects.values_list("file", flat=True).iterator(),
        older_than=older_than,
    )


# --- inspections --------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionData:
    """A round; ``targets`` (unit, members covered) replaces its organisations when
    given (the sheet), ``None`` leaves them (the web's edit form)."""

    code: str
    kind: str
    unit: Unit
    date_from: dt.date
    date_to: dt.date | None = None
    subject: str = ""
    findings: str = ""
    recommendations: str | None = None
    targets: list[tuple[Unit, int]] | None = field(default=None)


def inspection_problems(
    *,
    actor: Any,
    unit: Unit,
    date_from: dt.date | None,
    date_to: dt.date | None,
    targets: Sequence[Unit] = (),
) -> list[tuple[str, str]]:
    """The rules on a round, as (field, message)."""
    problems: list[tuple[str, str]] = []
    if not access.can_plan(actor, unit):
        problems.append(("unit", f"Bạn không có quyền ghi kiểm tra, giám sát của {unit.name}."))
    if date_from and date_to and date_to < date_from:
        problems.append(("date_to", "'Đến ngày' phải sau 'Từ ngày'."))
    if date_from and date_from > today():
        problems.append(("date_from", f"Ngày {format_date(date_from)} chưa đến."))
    problems.extend(
        ("targets", f"Tổ chức đảng {target.code} không thuộc {unit.name}.")
        for target in targets
        if not access.in_unit(target, unit)
    )
    return problems


def _check_members(members: int, named: int) -> None:
    check_count(members, "Số đảng viên")
    if named > members:
        raise ValidationError(
            f"Số đảng viên ({members}) ít hơn số đảng viên được nêu tên ({named})."
        )


# What the inspections section counts of a round (besides its organisations).
INSPECTION_FIGURES = {"kind", "unit", "date_from"}


@transaction.atomic
def inspection_save(*, actor: Any, data: InspectionData) -> tuple[Inspection, str]:
    """Create the round ``data.code`` or bring it in line. Returns the round and
    ``created``/``updated``/``unchanged``."""
    code = normalize(data.code)
    bad = code_error(code, "Mã cuộc")
    if bad:
        raise ValidationError(bad)
    if data.kind not in Kind.values:
        raise ValidationError("Loại phải là Kiểm tra, Giám sát hoặc Khảo sát.")
    targets = data.targets
    access.check_plan(actor, data.unit)
    _problems_raise(
        inspection_problems(
            actor=actor,
            unit=data.unit,
            date_from=data.date_from,
            date_to=data.date_to,
            targets=[u for u, _n in targets or []],
        )
    )
    values: dict[str, Any] = {
        "kind": data.kind,
        "unit": data.unit,
        "date_from": data.date_from,
        "date_to": data.date_to,
        "subject": normalize(data.subject)[:TEXT_MAX],
        "findings": normalize(data.findings)[:TEXT_MAX],
    }
    if data.recommendations is not None:
        values["recommendations"] = normalize(data.recommendations)[:TEXT_MAX]
    inspection = Inspection.objects.select_for_update().filter(code=code).first()
    outcome = "unchanged"
    if inspection is None:
        check_figures_open(actor, [(code, data.unit, data.date_from)])
        inspection = Inspection.objects.create(code=code, **values)
        outcome = "created"
    else:
        access.check_plan(actor, inspection.unit)
        changed = [name for name, value in values.items() if getattr(inspection, name) != value]
        covered = {t.unit_id: t.members for t in inspection.targets.all()}
        if set(changed) & INSPECTION_FIGURES or (
            targets is not None and covered != {u.pk: n for u, n in targets}
        ):
            check_figures_open(
                actor,
                [(code, inspection.unit, inspection.date_from), (code, data.unit, data.date_from)],
            )
        if changed:
            for name in changed:
                setattr(inspection, name, values[name])
            inspection.save(update_fields=changed)
            outcome = "updated"
    if targets is not None and _targets_replace(inspection, targets) and outcome == "unchanged":
        outcome = "updated"
    return inspection, outcome


def _targets_replace(inspection: Inspection, targets: list[tuple[Unit, int]]) -> bool:
    current = {t.unit_id: t for t in inspection.targets.all()}
    wanted = {u.pk: n for u, n in targets}
    changed = False
    gone = [t.pk for uid, t in current.items() if uid not in wanted]
    if gone:
        InspectionTarget.objects.filter(pk__in=gone).delete()
        changed = True
    for unit, members in targets:
        row = current.get(unit.pk)
        if row is None:
            _check_members(members, 0)
            InspectionTarget.objects.create(inspection=inspection, unit=unit, members=members)
            changed = True
        elif row.members != members:
            _check_members(members, row.named.count())
            row.members = members
            row.save(update_fields=["members"])
            changed = True
    return changed


def named_member_problems(target_unit: Unit, members: Sequence[Member], day: dt.date) -> list[str]:
    """Named members must belong to the organisation covered on the round's day."""
    inside = set(
        Membership.objects.filter(
            valid_on_q(day), member__in=members, unit__path__startswith=target_unit.path
        ).values_list("member_id", flat=True)
    )
    return [
        f"Đảng viên {m.code} không sinh hoạt tại {target_unit.name} ngày {format_date(day)}."
        for m in members
        if m.pk not in inside
    ]


@transaction.atomic
def inspection_target_set(
    *,
    actor: Any,
    inspection: Inspection,
    unit: Unit,
    members: int,
    named: Sequence[Member] = (),
) -> InspectionTarget:
    """Add ``unit`` to the round's organisations, or change its members covered."""
    access.check_plan(actor, inspection.unit)
    _problems_raise(
        inspection_problems(
            actor=actor,
            unit=inspection.unit,
            date_from=None,
            date_to=None,
            targets=[unit],
        )
    )
    named = list(named)
    members = max(members, len(named)) if members == 0 else members
    _check_members(members, len(named))
    wrong = named_member_problems(unit, named, inspection.date_from)
    if wrong:
        raise ValidationError(wrong)
    found = InspectionTarget.objects.filter(inspection=inspection, unit=unit).first()
    if found is None or found.members != members:
        check_figures_open(actor, [(inspection.code, inspection.unit, inspection.date_from)])
    target, _ = InspectionTarget.objects.get_or_create(
        inspection=inspection, unit=unit, defaults={"members": members}
    )
    if target.members != members:
        target.members = members
        target.save(update_fields=["members"])
    target.named.set(named)
    return target


@transaction.atomic
def inspection_target_remove(*, actor: Any, inspection: Inspection, unit: Unit) -> bool:
    access.check_plan(actor, inspection.unit)
    covered = InspectionTarget.objects.filter(inspection=inspection, unit=unit)
    if not covered.exists():
        return False
    check_figures_open(actor, [(inspection.code, inspection.unit, inspection.date_from)])
    deleted, _ = covered.delete()
    return bool(deleted)
