"""Every write of question banks and contests.

- ``bank_create``; ``questions_import`` (Aiken, GIFT, XLSX: all or nothing, re-import
  updates by the folded stem); ``questions_set_status``; ``question_import_request`` /
  ``question_import_run`` (a web upload, parsed by the task worker).
- ``contest_create``, ``round_create``.
- ``participant_for_user``, ``participant_public`` (a visitor giving a name and a unit).
- ``attempt_start`` (resumes the open attempt, else draws and freezes a new one),
  ``answer_save`` (one upsert per answer, idempotent per attempt and question, the
  newest ``seq`` wins), ``guess_save``, ``attempt_submit``, ``round_close_expired``.

Each takes a required ``actor``: a user (or a visitor, for the public's own attempt),
whose permission is checked here (``PermissionDenied``), or ``access.SYSTEM``. Bad data
raises ``ValidationError`` in Vietnamese.

The report's contests section counts attempts handed in, under the unit the participant
gave, on the day handed in. Handing in asks ``orgs.hooks.check_figures_open`` first:
while a report of that unit (or a unit above it) is submitted or approved for a period
holding the day, ``attempt_submit`` is refused with ``FiguresLocked`` (the answers stay
saved; the attempt is handed in once the report is withdrawn, returned or reopened,
at its deadline if that has passed). Closing expired attempts (``round_close_expired``,
and ``attempt_start`` before a new attempt) leaves such attempts open rather than fail:
the system's sweep never changes locked figures and never stops a participant. Saving
answers changes no figure until the attempt is handed in and is never refused.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tuyengiao.documents import selectors as document_selectors
from tuyengiao.documents.models import Document
from tuyengiao.lib.codes import check_code
from tuyengiao.lib.text import fold, normalize
from tuyengiao.orgs import access as core
from tuyengiao.orgs.hooks import FiguresLocked, check_figures_open
from tuyengiao.orgs.models import Member, Membership, Unit, valid_on_q
from tuyengiao.study.scan_queue import ScanQueue

from . import access, formats, paragraphs
from .models import (
    Answer,
    Attempt,
    Audience,
    Contest,
    Kind,
    Participant,
    Question,
    QuestionBank,
    QuestionImport,
    QuestionStatus,
    Round,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
# The first segments of the app's own addresses (``urls.py``): a contest coded so would
# be unreachable at ``/cuoc-thi/<code>/``.
RESERVED_CODES = {"ngan-hang", "nhap", "tao", "van-ban", "bai"}
MAX_QUESTIONS = 5000


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "CONTEST_GRACE_SECONDS", 15))


# --- banks -------------------------------------------------------------------------


@transaction.atomic
def bank_create(*, actor: Any, code: str, name: str, unit: Unit) -> QuestionBank:
    access.check_manage(actor, unit)
    code, name = normalize(code), normalize(name)
    if not code or not name:
        raise ValidationError("Mã và tên ngân hàng câu hỏi là bắt buộc.")
    check_code(code, "Mã ngân hàng")
    if QuestionBank.objects.filter(code=code).exists():
        raise ValidationError(f"Mã ngân hàng '{code}' đã có.")
    return QuestionBank.objects.create(code=code, name=name, unit=unit)


def stem_key(text: str) -> str:
    return fold(text)[:255]


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportRefused(ValidationError):
    """The file's problems, each with its line (and column for a sheet)."""

    def __init__(self, problems: list[formats.Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def parse_file(name: str, data: bytes) -> formats.Parsed:
    """The questions of one uploaded file; the reading of an XLSX runs in the limited
    child process of the project's imports (``imports.reading.read_isolated``)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            [formats.Problem(0, f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")]
        )
    kind = formats.detect(name, data)
    if kind == "xlsx":
        from tuyengiao.imports.reading import UnreadableFile, read_isolated
        from tuyengiao.lib.isolated import Limits

        try:
            sheets = read_isolated(name, data, Limits.from_settings())
        except UnreadableFile as exc:
            raise ImportRefused([formats.Problem(0, str(exc))]) from exc
        sheet = next((s for s in sheets if s.name == formats.SHEET), sheets[0] if sheets else None)
        return formats.parse_rows(sheet.rows if sheet else [])
    try:
        text = formats.decode(data)
    except ValueError as exc:
        raise ImportRefused([formats.Problem(0, str(exc))]) from exc
    return formats.parse_gift(text) if kind == "gift" else formats.parse_aiken(text)


def _resolve_sources(
    parsed: list[formats.ParsedQuestion], problems: list[formats.Problem]
) -> dict[str, tuple[Document, int]]:
    """symbol -> (document, number of paragraphs); unknown symbols become problems."""
    found: dict[str, tuple[Document, int]] = {}
    for q in parsed:
        if not q.source:
            if q.paragraph:
                problems.append(formats.Problem(q.line, "Có số đoạn nhưng thiếu số hiệu văn bản."))
            continue
        if q.source not in found:
            documents = document_selectors.documents_by_symbol(q.source)
            if not documents:
                problems.append(
                    formats.Problem(
                        q.line,
                        "Văn bản chưa có trong hệ thống; hãy đăng ký văn bản trước.",
                        "Văn bản",
                        q.source,
                    )
                )
                continue
            found[q.source] = (documents[0], len(paragraphs.of_document(documents[0])))
        _, count = found[q.source]
        if q.paragraph is not None and not 1 <= q.paragraph <= count:
            problems.append(
                formats.Problem(
                    q.line,
                    f"Văn bản {q.source} có {count} đoạn; không có đoạn {q.paragraph}.",
                    "Đoạn",
                    str(q.paragraph),
                )
            )
    return found


def questions_import(
    *, actor: Any, bank: QuestionBank, name: str, data: bytes, dry_run: bool = False
) -> ImportOutcome:
    """Every question of the file, or none (``ImportRefused`` lists every problem)."""
    access.check_manage(actor, bank.unit)
    parsed = parse_file(name, data)
    problems = list(parsed.problems)
    if not parsed.questions and not problems:
        problems.append(formats.Problem(0, "Tệp không có câu hỏi nào."))
    if len(parsed.questions) > MAX_QUESTIONS:
        problems.append(formats.Problem(0, f"Tối đa {MAX_QUESTIONS} câu hỏi một lần nhập."))
    seen: dict[str, int] = {}
    for q in parsed.questions:
        key = stem_key(q.text)
        if key in seen:
            problems.append(
                formats.Problem(q.line, f"Câu hỏi trùng với câu ở dòng {seen[key]}.", value=q.text)
            )
        seen.setdefault(key, q.line)
    sources = _resolve_sources(parsed.questions, problems)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.line))
    with transaction.atomic():
        outcome = _write_questions(bank, parsed.questions, sources, formats.detect(name, data))
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _write_questions(
    bank: QuestionBank,
    parsed: list[formats.ParsedQuestion],
    sources: dict[str, tuple[Document, int]],
    source_kind: str,
) -> ImportOutcome:
    existing = {q.stem_key: q for q in Question.objects.select_for_update().filter(bank=bank)}
    number = max((q.number for q in existing.values()), default=0)
    created = updated = unchanged = 0
    new: list[Question] = []
    for p in parsed:
        document = sources[p.source][0] if p.source else None
        values = {
            "text": p.text,
            "choices": list(p.choices),
            "answer": p.answer,
            "explanation": p.explanation,
            "document_id": document.pk if document else None,
            "paragraph": p.paragraph,
        }
        if p.approved is not None:
            values["status"] = QuestionStatus.APPROVED if p.approved else QuestionStatus.DRAFT
        old = existing.get(stem_key(p.text))
        if old is None:
            number += 1
            new.append(
                Question(
                    bank=bank,
                    number=number,
                    stem_key=stem_key(p.text),
                    source=source_kind,
                    **values,
                )
            )
            created += 1
            continue
        changed = [f for f, v in values.items() if getattr(old, f) != v]
        if not changed:
            unchanged += 1
            continue
        for f in changed:
            setattr(old, f, values[f])
        if "status" not in values and {"choices", "answer"} & set(changed):
            old.status = QuestionStatus.DRAFT  # a changed key is approved again
            changed.append("status")
        old.save(update_fields=changed)
        updated += 1
    Question.objects.bulk_create(new, batch_size=500)
    return ImportOutcome(created, updated, unchanged)


@transaction.atomic
def questions_set_status(
    *, actor: Any, bank: QuestionBank, status: str, ids: list[int] | None = None
) -> int:
    access.check_manage(actor, bank.unit)
    if status not in QuestionStatus.values:
        raise ValidationError("Trạng thái câu hỏi không hợp lệ.")
    qs = Question.objects.filter(bank=bank).exclude(status=status)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(status=status)


@transaction.atomic
def question_import_request(
    *, actor: Any, bank: QuestionBank, name: str, data: bytes
) -> QuestionImport:
    """Keep an upload for the task worker (``tasks.question_import``)."""
    access.check_manage(actor, bank.unit)
    if not data:
        raise ValidationError("Hãy chọn một tệp câu hỏi.")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")
    if not name.lower().endswith((".txt", ".gift", ".aiken", ".xlsx")):
        raise ValidationError("Chỉ nhận tệp Aiken (.txt), GIFT (.gift, .txt) hoặc Excel (.xlsx).")
    job = QuestionImport.objects.create(bank=bank, actor=actor, file_name=name[:255], content=data)
    from .tasks import question_import

    transaction.on_commit(lambda: question_import.enqueue(job_id=job.pk))
    return job


IMPORT_SYSTEM_ERROR = (
    "Lỗi hệ thống khi nhập tệp; chưa nhập câu hỏi nào. Hãy thử lại hoặc báo quản trị viên."
)


def question_import_run(*, job_id: int) -> None:
    job = QuestionImport.objects.select_related("bank", "bank__unit", "actor").get(pk=job_id)
    if job.status != QuestionImport.Status.QUEUED:
        return
    job.status, job.started_at = QuestionImport.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        outcome = questions_import(
            actor=job.actor, bank=job.bank, name=job.file_name, data=bytes(job.content)
        )
    except ImportRefused as exc:
        job.status, job.errors = QuestionImport.Status.FAILED, [str(p) for p in exc.problems]
    except (ValidationError, PermissionDenied) as exc:
        job.status = QuestionImport.Status.FAILED
        job.errors = list(getattr(exc, "messages", [str(exc)]))
    except Exception:  # nothing written; the page says so, the task's result keeps why
        job.status, job.errors, job.content = (
            QuestionImport.Status.FAILED,
            [IMPORT_SYSTEM_ERROR],
            b"",
        )
        job.save(update_fields=["status", "errors", "content"])
        raise
    else:
        job.status, job.imported = QuestionImport.Status.DONE, outcome.imported
        job.errors = [
            f"Mới {outcome.created}, cập nhật {outcome.updated}, không đổi {outcome.unchanged}."
        ]
    job.content = b""
    job.save(update_fields=["status", "errors", "imported", "content"])


# --- contests ----------------------------------------------------------------------


@transaction.atomic
def contest_create(
    *,
    actor: Any,
    code: str,
    title: str,
    unit: Unit,
    bank: QuestionBank,
    kind: str = Kind.CONTEST,
    audience: str = Audience.UNITS,
    questions_per_attempt: int = 10,
    ask_guess: bool = False,
    units: list[Unit] | None = None,
    members: list[Member] | None = None,
) -> Contest:
    access.check_manage(actor, unit)
    if not access.is_system(actor):
        access.get_bank_for_user(actor, bank.code)  # a bank the organiser sees
    code, title = normalize(code), normalize(title)
    if not code or not title:
        raise ValidationError("Mã và tên cuộc thi là bắt buộc.")
    check_code(code, "Mã cuộc thi")
    if code.lower() in RESERVED_CODES:
        raise ValidationError(
            f"Mã cuộc thi '{code}' trùng với một địa chỉ của hệ thống; hãy chọn mã khác."
        )
    if Contest.objects.filter(code=code).exists():
        raise ValidationError(f"Mã cuộc thi '{code}' đã có.")
    if kind not in Kind.values or audience not in Audience.values:
        raise ValidationError("Loại hoặc đối tượng cuộc thi không hợp lệ.")
    if not 1 <= questions_per_attempt <= 200:
        raise ValidationError("Số câu mỗi lượt từ 1 đến 200.")
    for u in units or []:
        if not core.in_subtree(u.path, unit.path):
            raise ValidationError(f"{u.name} không thuộc {unit.name}.")
    contest = Contest.objects.create(
        code=code,
        title=title,
        unit=unit,
        bank=bank,
        kind=kind,
        audience=audience,
        questions_per_attempt=questions_per_attempt,
        ask_guess=ask_guess,
    )
    contest.units.set(units or [])
    contest.members.set(members or [])
    return contest


@transaction.atomic
def round_create(
    *,
    actor: Any,
    contest: Contest,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    attempts_allowed: int = 1,
    time_limit_seconds: int = 600,
) -> Round:
    access.check_manage(actor, contest.unit)
    if closes_at <= opens_at:
        raise ValidationError("Giờ đóng phải sau giờ mở.")
    if not 1 <= attempts_allowed <= 100:
        raise ValidationError("Số lượt thi mỗi vòng từ 1 đến 100.")
    if not 10 <= time_limit_seconds <= 24 * 3600:
        raise ValidationError("Thời gian mỗi lượt từ 10 giây đến 24 giờ.")
    number = (contest.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Round.objects.create(
        contest=contest,
        number=number,
        opens_at=opens_at,
        closes_at=closes_at,
        attempts_allowed=attempts_allowed,
        time_limit_seconds=time_limit_seconds,
    )


def _member_of(user: Any) -> tuple[Member, Unit] | None:
    member = Member.objects.filter(user=user).first() if user.is_authenticated else None
    if member is None:
        return None
    membership = (
        Membership.objects.filter(valid_on_q(timezone.localdate()), member=member)
        .select_related("unit")
        .first()
    )
    return (member, membership.unit) if membership else None


def check_eligible(contest: Contest, member: Member, unit: Unit) -> None:
    if contest.audience == Audience.PUBLIC:
        return
    if contest.audience == Audience.MEMBERS:
        if not contest.members.filter(pk=member.pk).exists():
            raise PermissionDenied("Cuộc thi này chỉ dành cho các đảng viên được chọn.")
        return
    roots = list(contest.units.all()) or [contest.unit]
    if not any(core.in_subtree(unit.path, r.path) for r in roots):
        raise PermissionDenied("Cuộc thi này không dành cho đảng viên của đơn vị bạn.")


@transaction.atomic
def participant_for_user(*, actor: Any, contest: Contest) -> Participant:
    """The signed-in member's participant in the contest (made on first entry)."""
    if access.is_system(actor) or not actor.is_authenticated:
        raise PermissionDenied("Hãy đăng nhập để dự thi.")
    found = _member_of(actor)
    if found is None:
        raise PermissionDenied(
            "Tài khoản chưa gắn với đảng viên nào; cuộc thi công khai thì dự thi bằng họ tên và đơn vị."
        )
    member, unit = found
    check_eligible(contest, member, unit)
    participant, _ = Participant.objects.get_or_create(
        contest=contest,
        member=member,
        defaults={
            "user": actor,
            "full_name": member.full_name,
            "unit": unit,
            "token": secrets.token_hex(16),
        },
    )
    return participant


def public_units(contest: Contest) -> QuerySet[Unit]:
    """The units a visitor of a public contest may name: the contest's units, else the
    organising unit (a query: a national contest may list thousands)."""
    if contest.units.exists():
        return contest.units.all()
    return Unit.objects.filter(pk=contest.unit_id)


@transaction.atomic
def participant_public(
    *, actor: Any, contest: Contest, full_name: str, unit_code: str
) -> Participant:
    """A visitor of a public contest: only the name and the unit are kept."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    if contest.audience != Audience.PUBLIC:
        raise PermissionDenied("Cuộc thi này không mở cho mọi người.")
    name = normalize(full_name)
    if not 2 <= len(name) <= 120:
        raise ValidationError("Hãy ghi họ và tên (2 đến 120 ký tự).")
    unit = public_units(contest).filter(code=unit_code).first()
    if unit is None:
        raise ValidationError("Hãy chọn đơn vị của bạn trong danh sách.")
    return Participant.objects.create(
        contest=contest, full_name=name, unit=unit, token=secrets.token_hex(16)
    )


def _draw(contest: Contest) -> list[list[Any]]:
    ids = list(
        Question.objects.filter(bank=contest.bank, status=QuestionStatus.APPROVED)
        .order_by("pk")
        .values_list("pk", "choices")
    )
    if not ids:
        raise ValidationError("Ngân hàng câu hỏi chưa có câu nào được duyệt.")
    rng = random.SystemRandom()  # the draw is kept in the attempt, never replayed
    chosen = rng.sample(ids, min(contest.questions_per_attempt, len(ids)))
    layout = []
    for pk, choices in chosen:
        order = list(range(len(choices)))
        if choices != formats.TRUE_FALSE:
            rng.shuffle(order)
        layout.append([pk, order])
    return layout


def open_attempt(round_: Round, participant: Participant, now: dt.datetime) -> Attempt | None:
    return (
        Attempt.objects.filter(
            round=round_, participant=participant, submitted_at__isnull=True, deadline_at__gt=now
        )
        .order_by("-number")
        .first()
    )


@transaction.atomic
def attempt_start(
    *, actor: Any, round_: Round, participant: Participant, now: dt.datetime | None = None
) -> Attempt:
    """The participant's open attempt in the round (reopening resumes it), else a new
    one with its questions drawn and frozen."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    now = now or timezone.now()
    if participant.contest_id != round_.contest_id:
        raise PermissionDenied("Người dự thi không thuộc cuộc thi này.")
    Participant.objects.select_for_update().filter(pk=participant.pk).first()  # one at a time
    current = open_attempt(round_, participant, now)
    if current is not None:
        return current
    if now < round_.opens_at:
        raise ValidationError(f"Vòng {round_.number} chưa mở.")
    if now >= round_.closes_at:
        raise ValidationError(f"Vòng {round_.number} đã đóng.")
    _close_expired(Attempt.objects.filter(round=round_, participant=participant), now)
    used = Attempt.objects.filter(round=round_, participant=participant).count()
    if used >= round_.attempts_allowed:
        raise ValidationError(f"Bạn đã dùng hết {round_.attempts_allowed} lượt thi của vòng này.")
    layout = _draw(round_.contest)
    return Attempt.objects.create(
        round=round_,
        participant=participant,
        number=used + 1,
        key=secrets.token_hex(16),
        layout=layout,
        total=len(layout),
        started_at=now,
        deadline_at=min(now + dt.timedelta(seconds=round_.time_limit_seconds), round_.closes_at),
    )


class Answerable(Protocol):
    """An attempt as the answer endpoint holds it: the model, or ``access.AnswerTarget``."""

    @property
    def pk(self) -> int: ...
    @property
    def layout(self) -> list[list[Any]]: ...
    @property
    def deadline_at(self) -> dt.datetime: ...
    @property
    def submitted_at(self) -> dt.datetime | None: ...


def _check_open(attempt: Answerable, now: dt.datetime) -> None:
    if attempt.submitted_at is not None:
        raise ValidationError("Bài đã nộp; không sửa được câu trả lời.")
    if now > attempt.deadline_at + grace():
        raise ValidationError("Đã hết thời gian làm bài.")


_UPSERT = (
    "INSERT INTO contests_answer (attempt_id, question_id, choice, seq, saved_at) "
    "VALUES {values} "
    "ON CONFLICT (attempt_id, question_id) DO UPDATE SET choice = excluded.choice, "
    "seq = excluded.seq, saved_at = excluded.saved_at "
    "WHERE excluded.seq >= contests_answer.seq"
)
AnswerRow = tuple[int, int, int, int, dt.datetime]


def answers_write(_group: int, rows: list[AnswerRow]) -> list[None]:
    """One statement for many answers (at most one per attempt and question: the
    queue keeps a second one for the next group), atomic on its own."""
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(values=values), [v for row in rows for v in row])
    return [None] * len(rows)


# Concurrent answers of one server process are written as groups by one writer thread
# (the check-in's queue, ``study.scan_queue``: nothing is acknowledged before its
# group is committed); the "device" key keeps one answer per attempt and question in
# a group.
_QUEUE = ScanQueue(answers_write)


def answer_save(
    *,
    actor: Any,
    attempt: Answerable,
    question_id: int,
    choice: int,
    seq: int = 0,
    now: dt.datetime | None = None,
) -> None:
    """Save one answer as given. Idempotent per (attempt, question): resending is
    harmless, and an older answer (lower ``seq``) arriving late never overwrites a newer
    one. One statement, atomic on its own. ``actor`` is who holds the attempt
    (checked by ``access.get_attempt_for_request``)."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    now = now or timezone.now()
    _check_open(attempt, now)
    entry = next((e for e in attempt.layout if e[0] == question_id), None)
    if entry is None:
        raise ValidationError("Câu hỏi không thuộc bài thi này.")
    if not 0 <= choice < len(entry[1]):
        raise ValidationError("Phương án không hợp lệ.")
    if not 0 <= seq < 2**62:
        raise ValidationError("Số thứ tự không hợp lệ.")
    row: AnswerRow = (attempt.pk, question_id, choice, seq, now)
    if connection.in_atomic_block or not getattr(settings, "CONTEST_GROUP_ANSWERS", True):
        answers_write(0, [row])  # inside a caller's transaction: written there and then
        return
    if _QUEUE.submit(0, row, f"{attempt.pk}:{question_id}") is not None:
        answers_write(0, [row])  # the group failed or timed out: alone (idempotent)


def guess_save(*, actor: Any, attempt: Attempt, guess: int, now: dt.datetime | None = None) -> None:
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    _check_open(attempt, now or timezone.now())
    if not attempt.round.contest.ask_guess:
        raise ValidationError("Cuộc thi này không có câu dự đoán.")
    if not 0 <= guess <= 10**9:
        raise ValidationError("Số dự đoán phải là số nguyên không âm.")
    Attempt.objects.filter(pk=attempt.pk).update(guess=guess)
    attempt.guess = guess


def _score(attempt: Attempt) -> int:
    ids = [e[0] for e in attempt.layout]
    answers = Answer.objects.filter(attempt=attempt, question_id__in=ids).values_list(
        "question_id", "choice"
    )
    keys = dict(Question.objects.filter(pk__in=ids).values_list("pk", "answer"))
    return sum(1 for qid, choice in answers if keys.get(qid) == choice)


def _finish(attempt: Attempt, at: dt.datetime) -> None:
    attempt.submitted_at = at
    attempt.score = _score(attempt)
    attempt.duration_ms = max(0, int((at - attempt.started_at).total_seconds() * 1000))
    attempt.save(update_fields=["submitted_at", "score", "duration_ms"])


@transaction.atomic
def attempt_submit(*, actor: Any, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Hand the attempt in (after the deadline it is handed in at the deadline)."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    now = now or timezone.now()
    locked = (
        Attempt.objects.select_for_update().select_related("participant__unit").get(pk=attempt.pk)
    )
    if locked.submitted_at is None:
        at = min(now, locked.deadline_at)
        check_figures_open(actor, [(locked.pk, locked.participant.unit, timezone.localdate(at))])
        _finish(locked, at)
    return locked


def _close_expired(attempts: Any, now: dt.datetime) -> int:
    """Hand in the expired attempts at their deadline, but those whose figures are
    locked (they stay open until the report is withdrawn, returned or reopened)."""
    expired = list(
        attempts.filter(submitted_at__isnull=True, deadline_at__lt=now - grace()).select_related(
            "participant__unit"
        )
    )
    locked: set[Any] = set()
    try:
        check_figures_open(
            core.SYSTEM,
            [(a.pk, a.participant.unit, timezone.localdate(a.deadline_at)) for a in expired],
        )
    except FiguresLocked as exc:
        locked = set(exc.refused)
    n = 0
    for attempt in expired:
        if attempt.pk in locked:
            continue
        _finish(attempt, attempt.deadline_at)
        n += 1
    return n


@transaction.atomic
def round_close_expired(*, actor: Any, round_: Round, now: dt.datetime | None = None) -> int:
    """Attempts whose time ran out unsubmitted are handed in at their deadline, with
    every answer that reached the server."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    return _close_expired(Attempt.objects.filter(round=round_), now or timezone.now())


def practice_feedback(practice: bool, question_id: int, choice: int) -> Question | None:
    """In a practice quiz, the question when the choice is wrong (its document and
    paragraph are where the member is sent); ``None`` when right or not practice."""
    if not practice:
        return None
    question = Question.objects.select_related("document").filter(pk=question_id).first()
    if question is None or question.answer == choice:
        return None
    return question
