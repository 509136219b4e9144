"""Every write of essays. Keyword-only arguments with a required ``actor``; the
permission rules are ``access``'s and the public ``check_*`` functions here, which the
``Bài thu hoạch`` sheet asks during validation.

The report's essays section counts essays handed in (under the author's unit, on the
day handed in) and their released grades. A write that changes that asks
``orgs.hooks.check_figures_open`` first (``FiguresLocked`` while a report of the unit or
a unit above it is submitted or approved for a period holding the day): handing in,
recording an essay handed in elsewhere or on paper (the old and the new unit and day
of a corrected row; an unchanged row asks nothing), releasing grades. Drafts and
marking are not counted until handed in and released, and are never refused.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tuyengiao.documents.models import Document
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import check_count
from tuyengiao.orgs import access as core
from tuyengiao.orgs.hooks import check_figures_open
from tuyengiao.orgs.models import Assignment, Member, Unit
from tuyengiao.orgs.selectors import member_unit_on
from tuyengiao.study.models import Campaign

from . import access, similarity
from .models import (
    MAX_CHARS,
    Essay,
    EssayRequirement,
    Grade,
    Marker,
    Mode,
    SimilarityRun,
    SimilarPair,
    Source,
    State,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MIN_WORDS = 20

# Share of the rubric's maximum for each grade (at least), best first.
RUBRIC_GRADES = [
    (Decimal("0.9"), Grade.EXCELLENT),
    (Decimal("0.8"), Grade.GOOD),
    (Decimal("0.65"), Grade.FAIR),
    (Decimal("0.5"), Grade.PASS),
    (Decimal("0"), Grade.FAIL),
]


def _now() -> dt.datetime:
    return timezone.now()


# --- the requirement ----------------------------------------------------------------


def rubric_from_text(text: str) -> list[dict[str, Any]]:
    """``Nội dung: Tốt=4; Khá=3; Đạt=2`` one criterion a line → the rubric JSON."""
    rubric: list[dict[str, Any]] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if ":" not in line:
            raise ValidationError(
                f"Dòng {n} của thang điểm: viết 'Tiêu chí: Mức=điểm; Mức=điểm' (thiếu dấu ':')."
            )
        name, rest = line.split(":", 1)
        levels = []
        for part in rest.split(";"):
            part = part.strip()
            if not part:
                continue
            label, sep, points = part.rpartition("=")
            try:
                value = int(points.strip())
            except ValueError:
                value = -1
            if not sep or not label.strip() or value < 0:
                raise ValidationError(
                    f"Dòng {n} của thang điểm: mức '{part}' phải viết 'Tên mức=điểm' (điểm là số "
                    "nguyên không âm)."
                )
            levels.append({"label": label.strip(), "points": value})
        rubric.append({"name": name.strip(), "levels": levels})
    return rubric


def rubric_as_text(rubric: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{c['name']}: " + "; ".join(f"{lv['label']}={lv['points']}" for lv in c["levels"])
        for c in rubric
    )


def check_rubric(rubric: Any) -> None:
    if not isinstance(rubric, list) or not rubric:
        raise ValidationError("Thang điểm phải có ít nhất một tiêu chí.")
    for c in rubric:
        name = str(c.get("name", "")).strip() if isinstance(c, dict) else ""
        levels = c.get("levels") if isinstance(c, dict) else None
        if not name:
            raise ValidationError("Mỗi tiêu chí của thang điểm phải có tên.")
        if not isinstance(levels, list) or len(levels) < 2:
            raise ValidationError(f"Tiêu chí '{name}' phải có ít nhất hai mức.")
        for lv in levels:
            if not str(lv.get("label", "")).strip() or not isinstance(lv.get("points"), int):
                raise ValidationError(f"Mức của tiêu chí '{name}' phải có tên và số điểm.")


def rubric_max(rubric: list[dict[str, Any]]) -> int:
    return sum(max(lv["points"] for lv in c["levels"]) for c in rubric)


@transaction.atomic
def requirement_save(
    *,
    actor: Any,
    campaign: Campaign,
    document: Document,
    deadline: dt.datetime,
    mode: str = Mode.SIMPLE,
    rubric: list[dict[str, Any]] | None = None,
    blind: bool = False,
    instructions: str = "",
) -> EssayRequirement:
    """Require an essay in ``campaign`` (or change the requirement)."""
    access.check_manage(actor, campaign)
    if not campaign.documents.filter(pk=document.pk).exists():
        raise ValidationError("Văn bản thu hoạch phải là một văn bản của đợt học tập.")
    if mode not in Mode.values:
        raise ValidationError("Cách chấm không hợp lệ.")
    rubric = rubric or []
    if mode == Mode.RUBRIC:
        check_rubric(rubric)
    if deadline.date() < campaign.start:
        raise ValidationError(
            f"Hạn nộp phải từ ngày bắt đầu đợt học tập ({format_date(campaign.start)}) trở đi."
        )
    existing = EssayRequirement.objects.filter(campaign=campaign).first()
    if existing is not None and existing.document_id != document.pk and existing.essays.exists():
        raise ValidationError("Đã có bài nộp: không đổi được văn bản thu hoạch.")
    req = existing or EssayRequirement(campaign=campaign, created_by=core_account(actor))
    req.document = document
    req.deadline = deadline
    req.mode = mode
    req.rubric = rubric if mode == Mode.RUBRIC else []
    req.blind = blind
    req.instructions = instructions.strip()
    req.save()
    return req


def core_account(actor: Any) -> Any:
    from tuyengiao.lib.actors import account_of

    return account_of(actor)


@transaction.atomic
def marker_add(*, actor: Any, requirement: EssayRequirement, unit: Unit, username: str) -> Marker:
    access.check_marker_assign(actor, unit)
    if not access.covers_member_unit(requirement, unit):
        raise ValidationError("Đơn vị này không thuộc phạm vi đợt học tập.")
    assignment = (
        Assignment.objects.select_related("unit", "user").filter(user__username=username).first()
    )
    if assignment is None or not access.marker_candidate_ok(assignment.unit, assignment.role, unit):
        raise ValidationError(
            f"Tài khoản '{username}' không phải bí thư chi bộ hay cán bộ có phạm vi chứa {unit.name}."
        )
    marker, _ = Marker.objects.get_or_create(
        requirement=requirement, unit=unit, user=assignment.user
    )
    return marker


@transaction.atomic
def marker_remove(*, actor: Any, marker: Marker) -> None:
    access.check_marker_assign(actor, marker.unit)
    marker.delete()


# --- writing ------------------------------------------------------------------------


def _author(actor: Any, requirement: EssayRequirement) -> tuple[Member, Unit]:
    if access.is_system(actor):
        raise PermissionDenied("Bài thu hoạch do chính đảng viên viết.")
    member = access.author_of(actor)
    if member is None:
        raise PermissionDenied("Tài khoản của bạn chưa gắn với một đảng viên.")
    unit = member_unit_on(member, timezone.localdate())
    if unit is None or not access.covers_member_unit(requirement, unit):
        raise PermissionDenied("Đợt học tập này không áp dụng cho chi bộ của bạn.")
    return member, unit


def _essay_for(member: Member, unit: Unit, requirement: EssayRequirement) -> Essay:
    essay = (
        Essay.objects.select_for_update()
        .filter(member=member, document=requirement.document)
        .first()
    )
    if essay is None:
        essay = Essay.objects.create(
            requirement=requirement, document=requirement.document, member=member, unit=unit
        )
    if essay.requirement_id != requirement.pk:
        raise ValidationError("Bạn đã nộp bài thu hoạch về văn bản này ở một đợt khác.")
    return essay


def _check_text(text: str) -> str:
    text = similarity.nfc(text).replace("\r\n", "\n").replace("\x00", "")
    if len(text) > MAX_CHARS:
        raise ValidationError(
            f"Bài thu hoạch dài quá {MAX_CHARS:,} ký tự; hãy rút gọn.".replace(",", ".")
        )
    return text


@dataclass(frozen=True)
class Saved:
    essay: Essay
    accepted: bool  # False: a newer save was already there


# The edit counter of an autosave: the page counts up from the version it was given;
# the bound keeps a forged one inside the column (PostgreSQL integer).
MAX_SEQ = 2_000_000_000


@transaction.atomic
def draft_save(*, actor: Any, requirement: EssayRequirement, text: str, seq: int) -> Saved:
    """Save the member's draft as they type. ``seq`` counts the edits on the
    member's side; a save older than the one kept (a resend that arrives late) is
    acknowledged and ignored."""
    member, unit = _author(actor, requirement)
    check_count(seq, "Số thứ tự bản lưu", most=MAX_SEQ)
    essay = _essay_for(member, unit, requirement)
    if essay.handed_in:
        raise ValidationError("Bài thu hoạch đã nộp, không sửa được nữa.")
    text = _check_text(text)
    if seq <= essay.version:
        return Saved(essay, False)
    essay.text = text
    essay.version = seq
    essay.source = Source.BROWSER
    essay.saved_at = _now()
    essay.save(update_fields=["text", "version", "source", "saved_at"])
    return Saved(essay, True)


def upload_text(name: str, data: bytes) -> str:
    """The text of an uploaded essay (.docx, .pdf, .txt), read in a limited child
    process (``documents.files.extract_text``)."""
    from tuyengiao.documents.files import extract_text

    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"Tệp '{name}' lớn hơn 5 MB.")
    return extract_text(name, data)


@transaction.atomic
def essay_upload(*, actor: Any, requirement: EssayRequirement, name: str, data: bytes) -> Essay:
    """Replace the draft by the text of an uploaded file (not handed in yet)."""
    member, unit = _author(actor, requirement)
    text = _check_text(upload_text(name, data))
    essay = _essay_for(member, unit, requirement)
    if essay.handed_in:
        raise ValidationError("Bài thu hoạch đã nộp, không sửa được nữa.")
    essay.text = text
    essay.source = Source.UPLOAD
    essay.file_name = name[:255]
    essay.version += 1
    essay.saved_at = _now()
    essay.save()
    return essay


@transaction.atomic
def essay_hand_in(*, actor: Any, requirement: EssayRequirement) -> Essay:
    """Hand the essay in, once; after the deadline it is marked late. The copy check
    of the requirement is queued."""
    member, unit = _author(actor, requirement)
    essay = _essay_for(member, unit, requirement)
    if essay.handed_in:
        raise ValidationError("Bài thu hoạch đã nộp rồi; mỗi bài chỉ nộp một lần.")
    words = len(similarity.syllables(essay.text)[0])
    if words < MIN_WORDS:
        raise ValidationError(f"Bài thu hoạch quá ngắn (cần ít nhất {MIN_WORDS} chữ).")
    now = _now()
    check_figures_open(actor, [(essay.pk, essay.unit, timezone.localdate(now))])
    essay.submitted_at = now
    essay.submitted_on = timezone.localdate(now)
    essay.late = now > requirement.deadline
    essay.save(update_fields=["submitted_at", "submitted_on", "late"])
    similarity_request(actor=access.SYSTEM, requirement=requirement)
    return essay


@transaction.atomic
def essay_record(
    *,
    actor: Any,
    requirement: EssayRequirement,
    member: Member,
    text: str,
    submitted_at: dt.datetime,
) -> Essay:
    """An essay written elsewhere and handed in at ``submitted_at``, recorded by the
    system actor only (seed data, benchmarks); members write through ``draft_save``."""
    if not access.is_system(actor):
        raise PermissionDenied("Chỉ hệ thống được ghi bài thu hoạch thay đảng viên.")
    unit = member_unit_on(member, timezone.localdate(submitted_at))
    if unit is None or not access.covers_member_unit(requirement, unit):
        raise ValidationError("Đợt học tập này không áp dụng cho chi bộ của đảng viên.")
    essay = _essay_for(member, unit, requirement)
    if essay.handed_in:
        raise ValidationError("Bài thu hoạch đã nộp rồi; mỗi bài chỉ nộp một lần.")
    check_figures_open(actor, [(essay.pk, essay.unit, timezone.localdate(submitted_at))])
    essay.text = _check_text(text)
    essay.version += 1
    essay.saved_at = essay.submitted_at = submitted_at
    essay.submitted_on = timezone.localdate(submitted_at)
    essay.late = submitted_at > requirement.deadline
    essay.save()
    return essay


# --- grading ------------------------------------------------------------------------


def grade_of_points(points: Decimal, maximum: int) -> str:
    share = points / maximum if maximum else Decimal(0)
    return next(g for floor, g in RUBRIC_GRADES if share >= floor).value


@transaction.atomic
def essay_mark(
    *,
    actor: Any,
    essay: Essay,
    grade: str = "",
    scores: dict[str, int] | None = None,
    comment: str = "",
    ready: bool = False,
) -> Essay:
    """Mark an essay: a simple grade, or a level per rubric criterion (the points and
    the grade follow). ``ready`` moves it to "ready for release"."""
    access.check_mark(actor, essay)
    essay = (
        Essay.objects.select_for_update(of=("self",)).select_related("requirement").get(pk=essay.pk)
    )
    req = essay.requirement
    if req is None:
        raise ValidationError("Bài nộp giấy được chấm bên ngoài và nhập qua tệp.")
    if not essay.handed_in:
        raise ValidationError("Bài thu hoạch chưa nộp.")
    if essay.state == State.RELEASED:
        raise ValidationError("Kết quả đã công bố, không chấm lại được.")
    if req.mode == Mode.RUBRIC:
        scores = scores or {}
        chosen: dict[str, int] = {}
        total = 0
        for i, criterion in enumerate(req.rubric):
            level = scores.get(str(i))
            if level is None:
                if ready:
                    raise ValidationError(f"Chưa chọn mức cho tiêu chí '{criterion['name']}'.")
                continue
            if not 0 <= int(level) < len(criterion["levels"]):
                raise ValidationError(f"Mức của tiêu chí '{criterion['name']}' không hợp lệ.")
            chosen[str(i)] = int(level)
            total += criterion["levels"][int(level)]["points"]
        essay.scores = chosen
        complete = len(chosen) == len(req.rubric)
        essay.points = Decimal(total) if complete else None
        essay.grade = grade_of_points(Decimal(total), rubric_max(req.rubric)) if complete else ""
    else:
        if grade and grade not in Grade.values:
            raise ValidationError("Xếp loại không hợp lệ.")
        if ready and not grade:
            raise ValidationError("Chưa chọn xếp loại.")
        essay.grade = grade
        essay.points = None
        essay.scores = {}
    essay.comment = comment.strip()
    essay.marked_by = core_account(actor)
    essay.state = State.READY if ready else State.IN_MARKING
    essay.save()
    return essay


@transaction.atomic
def essays_release(*, actor: Any, essays: Iterable[Essay]) -> int:
    """Release the grades of the essays ready for release; the members then see them."""
    essays = list(essays)
    for essay in essays:
        if not access.can_release(actor, essay):
            raise PermissionDenied("Bạn không có quyền công bố kết quả của bài thu hoạch này.")
    ready = [e.pk for e in essays if e.state == State.READY]
    counted = Essay.objects.filter(pk__in=ready, submitted_on__isnull=False).select_related("unit")
    check_figures_open(
        actor, [(e.pk, e.unit, e.submitted_on) for e in counted if e.submitted_on is not None]
    )
    return Essay.objects.filter(pk__in=ready, state=State.READY).update(
        state=State.RELEASED, released_at=_now()
    )


# --- paper essays (the "Bài thu hoạch" sheet) -----------------------------------------


def check_paper_essay(actor: Any, unit: Unit | None) -> str | None:
    """Why ``actor`` may not record a paper essay of a member of ``unit`` (None: may)."""
    if unit is None:
        return "Đảng viên không thuộc đơn vị nào vào ngày nộp."
    if access.is_system(actor):
        return None
    if not core.can_write_unit(actor, unit):
        return "Bạn không có quyền ghi bài thu hoạch của đảng viên này."
    return None


def requirement_for(document: Document, unit: Unit) -> EssayRequirement | None:
    """The requirement of a campaign covering ``unit`` that studies ``document``."""
    for req in EssayRequirement.objects.filter(document=document).select_related("campaign__owner"):
        if access.covers_member_unit(req, unit):
            return req
    return None


@transaction.atomic
def paper_essay_save(
    *, actor: Any, member: Member, document: Document, submitted_on: dt.date, grade: str = ""
) -> tuple[Essay, str]:
    """Record an essay handed in on paper and graded outside (one per member and
    document); returns the essay and ``created`` / ``updated`` / ``unchanged``."""
    unit = member_unit_on(member, submitted_on) or member_unit_on(member, timezone.localdate())
    reason = check_paper_essay(actor, unit)
    if reason or unit is None:
        raise PermissionDenied(reason or "Đảng viên không thuộc đơn vị nào.")
    if grade and grade not in Grade.values:
        raise ValidationError("Xếp loại không hợp lệ.")
    req = requirement_for(document, unit)
    late = req is not None and submitted_on > timezone.localdate(req.deadline)
    state = State.RELEASED if grade else State.NOT_MARKED
    essay = Essay.objects.select_for_update().filter(member=member, document=document).first()
    if essay is not None and essay.source != Source.PAPER:
        raise ValidationError("Đảng viên này đã nộp bài thu hoạch về văn bản này trên hệ thống.")
    values = {
        "requirement": req,
        "unit": unit,
        "submitted_on": submitted_on,
        "late": late,
        "grade": grade,
        "state": state,
    }
    if essay is None:
        check_figures_open(actor, [(member.code, unit, submitted_on)])
        at = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(12)))
        essay = Essay.objects.create(
            member=member,
            document=document,
            source=Source.PAPER,
            submitted_at=at,
            released_at=_now() if grade else None,
            **values,
        )
        return essay, "created"
    changed = [k for k, v in values.items() if getattr(essay, k) != v]
    if not changed:
        return essay, "unchanged"
    if set(changed) - {"requirement"}:  # the requirement alone is not counted
        was = [(member.code, essay.unit, essay.submitted_on)] if essay.submitted_on else []
        check_figures_open(actor, [*was, (member.code, unit, submitted_on)])
    for k in changed:
        setattr(essay, k, values[k])
    essay.save()
    return essay, "updated"


# --- the copy check -------------------------------------------------------------------


def similarity_request(*, actor: Any, requirement: EssayRequirement) -> SimilarityRun:
    """Queue the copy check of a requirement (one waiting run at most)."""
    if not access.is_system(actor):
        scope = core.scope_of(actor)
        if scope is None or not scope.can_write:
            raise PermissionDenied("Chỉ người chấm được chạy kiểm tra trùng lặp.")
    waiting = SimilarityRun.objects.filter(
        requirement=requirement, status=SimilarityRun.Status.QUEUED
    ).first()
    if waiting is not None:
        return waiting
    run = SimilarityRun.objects.create(requirement=requirement)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import similarity_check

    similarity_check.enqueue(run_id=run_id)


def quoted_texts(requirement: EssayRequirement) -> list[str]:
    """What members may quote: the campaign's documents (body and attachments), the
    campaign's note and the requirement's instructions."""
    texts: list[str] = [requirement.campaign.note, requirement.instructions]
    for doc in requirement.campaign.documents.prefetch_related("attachments"):
        texts.append(doc.title)
        texts.append(doc.body)
        texts.extend(a.text for a in doc.attachments.all())
    return [t for t in texts if t]


def similarity_run(*, run_id: int, progress: Callable[[str], None] | None = None) -> SimilarityRun:
    """Compare the requirement's essays handed in (written or uploaded) and keep the
    pairs at or above ``similarity.SHOWN``."""
    run = SimilarityRun.objects.select_related("requirement__campaign").get(pk=run_id)
    if run.status not in (SimilarityRun.Status.QUEUED, SimilarityRun.Status.RUNNING):
        return run
    run.status = SimilarityRun.Status.RUNNING
    run.started_at = _now()
    run.save(update_fields=["status", "started_at"])
    req = run.requirement
    try:
        essays = list(
            Essay.objects.filter(requirement=req, submitted_on__isnull=False)
            .exclude(source=Source.PAPER)
            .values_list("pk", "text")
            .order_by("pk")
        )
        result = similarity.check([(str(pk), text) for pk, text in essays], quoted_texts(req))
        with transaction.atomic():
            SimilarPair.objects.filter(requirement=req).delete()
            SimilarPair.objects.bulk_create(
                [
                    SimilarPair(
                        requirement=req,
                        a_id=min(int(p.a), int(p.b)),
                        b_id=max(int(p.a), int(p.b)),
                        score=p.score,
                        flagged=p.flagged,
                        passages=p.passages if int(p.a) < int(p.b) else _swap(p.passages),
                    )
                    for p in result.pairs
                ],
                batch_size=1000,
            )
            run.essays = result.compared
            run.candidates = result.candidates
            run.flagged = sum(1 for p in result.pairs if p.flagged)
            run.status = SimilarityRun.Status.DONE
            run.finished_at = _now()
            run.save()
    except Exception as exc:  # the run records any failure; the page shows it
        logger.exception("copy check %s failed", run.pk)
        run.status = SimilarityRun.Status.FAILED
        run.message = f"Kiểm tra trùng lặp không chạy được: {type(exc).__name__}"[:500]
        run.finished_at = _now()
        run.save()
    return run


def _swap(passages: Sequence[dict[str, list[int]]]) -> list[dict[str, list[int]]]:
    return [{"a": p["b"], "b": p["a"]} for p in passages]
