"""Reads of banks and contests: the questions of a bank, a round's ranking, results
per unit, and the report's figures.

The ranking rule is written once (``rank_key``): score (more first), then the error of
the guess of how many score full marks (smaller first; no guess ranks after any guess),
then the duration (shorter first), then the time of submission (earlier first). A
participant's best attempt in the round is the one that ranks first by the same key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from tuyengiao.lib.text import collation_key
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.subtree import Subtree, unit_in

from . import formats
from .models import Attempt, Contest, Question, QuestionBank, Round

NO_GUESS = 10**12


def bank_questions(bank: QuestionBank, search: str = "") -> QuerySet[Question]:
    from tuyengiao.lib.text import fold

    qs = Question.objects.filter(bank=bank).select_related("document").order_by("number")
    if search:
        qs = qs.filter(stem_key__contains=fold(search))
    return qs


def bank_counts(bank: QuestionBank) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for status in Question.objects.filter(bank=bank).values_list("status", flat=True):
        out[status] += 1
    return dict(out)


def out_questions(bank: QuestionBank) -> list[formats.OutQuestion]:
    return [
        formats.OutQuestion(
            text=q.text,
            choices=q.choices,
            answer=q.answer,
            explanation=q.explanation,
            source=q.document.symbol if q.document else "",
            paragraph=q.paragraph,
            approved=q.status == "da_duyet",
        )
        for q in bank_questions(bank)
    ]


def contest_rounds(contest: Contest) -> list[Round]:
    return list(contest.rounds.order_by("number"))


def attempt_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The attempt's questions in their frozen order, each with its choices in their
    frozen order (``value`` is the choice's index in the question) and the answer saved."""
    ids = [e[0] for e in attempt.layout]
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    saved = dict(attempt.answers.values_list("question_id", "choice"))
    out = []
    for n, (qid, order) in enumerate(attempt.layout, start=1):
        q = by_id.get(qid)
        if q is None:
            continue
        out.append(
            {
                "n": n,
                "id": qid,
                "text": q.text,
                "choices": [
                    {"value": k, "label": formats.LETTERS[i], "text": q.choices[k]}
                    for i, k in enumerate(order)
                ],
                "saved": saved.get(qid),
            }
        )
    return out


@dataclass(frozen=True)
class RankRow:
    rank: int
    participant_id: int
    name: str
    unit_name: str
    score: int
    total: int
    guess: int | None
    guess_error: int | None
    duration_ms: int
    submitted_at: dt.datetime
    attempts: int

    @property
    def duration(self) -> str:
        """``"3:07,250"`` (minutes:seconds,milliseconds)."""
        minutes, ms = divmod(self.duration_ms, 60_000)
        return f"{minutes}:{ms // 1000:02d},{ms % 1000:03d}"


def rank_key(
    score: int, guess_error: int | None, duration_ms: int, submitted_at: dt.datetime
) -> tuple[Any, ...]:
    return (-score, NO_GUESS if guess_error is None else guess_error, duration_ms, submitted_at)


@dataclass
class Ranking:
    rows: list[RankRow]
    full_marks: int  # participants whose best attempt has every answer right
    participants: int


def ranking(round_: Round) -> Ranking:
    """Every participant who handed in an attempt in the round, ranked by the rule."""
    attempts = list(
        Attempt.objects.filter(round=round_, submitted_at__isnull=False)
        .select_related("participant__unit")
        .order_by("pk")
    )
    by_participant: dict[int, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_participant[a.participant_id].append(a)
    # "Full marks" is decided without the guess: the best score of each participant.
    full = sum(
        1 for tries in by_participant.values() if any(a.total and a.score == a.total for a in tries)
    )
    ask = round_.contest.ask_guess

    def error(a: Attempt) -> int | None:
        return abs(a.guess - full) if ask and a.guess is not None else None

    def key(a: Attempt) -> tuple[Any, ...]:
        return rank_key(a.score or 0, error(a), a.duration_ms or 0, a.submitted_at or a.deadline_at)

    best = [min(tries, key=key) for tries in by_participant.values()]
    best.sort(key=lambda a: (*key(a), a.participant_id))
    rows = []
    for n, a in enumerate(best, start=1):
        rows.append(
            RankRow(
                rank=n,
                participant_id=a.participant_id,
                name=a.participant.full_name,
                unit_name=a.participant.unit.name,
                score=a.score or 0,
                total=a.total,
                guess=a.guess,
                guess_error=error(a),
                duration_ms=a.duration_ms or 0,
                submitted_at=a.submitted_at or a.deadline_at,
                attempts=len(by_participant[a.participant_id]),
            )
        )
    return Ranking(rows=rows, full_marks=full, participants=len(rows))


@dataclass
class UnitResult:
    unit_id: int
    code: str
    name: str
    participants: int = 0
    members: int = 0
    attempts: int = 0
    full_marks: int = 0
    best_total: int = 0  # sum of each participant's best score

    @property
    def average(self) -> float | None:
        return self.best_total / self.participants if self.participants else None


@dataclass
class ContestFigure:
    code: str
    title: str
    participants: int = 0
    attempts: int = 0
    full_marks: int = 0


@dataclass
class ContestFigures:
    groups: dict[int, UnitResult] = field(default_factory=dict)
    contests: list[ContestFigure] = field(default_factory=list)
    participants: int = 0
    members: int = 0
    attempts: int = 0
    full_marks: int = 0

    @property
    def empty(self) -> bool:
        return self.attempts == 0


def _figures(
    attempts: Iterable[tuple[int, int, int, int | None, int, int | None, int, str, str]],
    group_of: dict[int, int],
    names: dict[int, tuple[str, str]],
) -> ContestFigures:
    """Rows (contest id, participant id, unit id, member id, score, total...) → figures.
    A participant counts once per contest, in the group of the unit they gave."""
    f = ContestFigures()
    best: dict[tuple[int, int], int] = {}
    full: set[tuple[int, int]] = set()
    seen_participant: set[tuple[int, int]] = set()
    contest_rows: dict[int, ContestFigure] = {}
    for contest_id, participant_id, unit_id, member_id, score, total, _n, code, title in attempts:
        group = group_of.get(unit_id)
        if group is None:
            continue
        g = f.groups.get(group)
        if g is None:
            c, n = names.get(group, ("", ""))
            g = f.groups[group] = UnitResult(group, c, n)
        cf = contest_rows.setdefault(contest_id, ContestFigure(code, title))
        key = (contest_id, participant_id)
        g.attempts += 1
        cf.attempts += 1
        f.attempts += 1
        s = score or 0
        if key not in seen_participant:
            seen_participant.add(key)
            g.participants += 1
            cf.participants += 1
            f.participants += 1
            if member_id is not None:
                g.members += 1
                f.members += 1
            best[key] = s
            g.best_total += s
        elif s > best[key]:
            g.best_total += s - best[key]
            best[key] = s
        if total and s == total and key not in full:
            full.add(key)
            g.full_marks += 1
            cf.full_marks += 1
            f.full_marks += 1
    f.contests = sorted(contest_rows.values(), key=lambda c: (collation_key(c.title), c.code))
    return f


def _attempt_rows(qs: QuerySet[Attempt]) -> Any:
    return (
        qs.filter(submitted_at__isnull=False)
        .order_by("pk")
        .values_list(
            "round__contest_id",
            "participant_id",
            "participant__unit_id",
            "participant__member_id",
            "score",
            "total",
            "number",
            "round__contest__code",
            "round__contest__title",
        )
    )


def unit_results(contest: Contest) -> list[UnitResult]:
    """Participation and results per unit the participants gave (collective prizes),
    most participants first."""
    rows = list(_attempt_rows(Attempt.objects.filter(round__contest=contest)))
    unit_ids = {r[2] for r in rows}
    names = {u.pk: (u.code, u.name) for u in Unit.objects.filter(pk__in=unit_ids)}
    f = _figures(rows, {u: u for u in unit_ids}, names)
    return sorted(
        f.groups.values(), key=lambda g: (-g.participants, -g.full_marks, collation_key(g.name))
    )


def report_figures(
    units: Subtree | Iterable[int],
    date_from: dt.date,
    date_to: dt.date,
    group_of: dict[int, int],
    names: dict[int, tuple[str, str]],
) -> ContestFigures:
    """Attempts handed in during [from, to] by participants who gave a unit of the
    subtree, grouped by the report's children."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Attempt.objects.filter(
        unit_in(units, "participant__unit_id"),
        submitted_at__gte=start,
        submitted_at__lt=end,
    )
    return _figures(_attempt_rows(qs), group_of, names)


def latest_submission(unit: Unit, until: dt.date) -> dt.date | None:
    """The day of the latest attempt handed in on or before ``until`` by a participant
    who gave a unit of ``unit``'s subtree (today's paths)."""
    from django.utils import timezone

    end = dt.datetime.combine(
        until + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    last = (
        Attempt.objects.filter(participant__unit__path__startswith=unit.path, submitted_at__lt=end)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    if last is None:
        return None
    return timezone.localtime(last).date()


def round_of(contest: Contest, number: int) -> Round | None:
    return contest.rounds.filter(number=number).first()


def open_round(contest: Contest, now: dt.datetime) -> Round | None:
    return contest.rounds.filter(opens_at__lte=now, closes_at__gt=now).order_by("number").first()


def participant_by_token(contest: Contest, token: str) -> Any:
    from .models import Participant

    if not token:
        return None
    return Participant.objects.filter(contest=contest, token=token, member__isnull=True).first()


def import_job_for(user: Any, pk: int) -> Any:
    """An upload's job, for the user who made it."""
    from .models import QuestionImport

    if not getattr(user, "is_authenticated", False):
        return None
    return QuestionImport.objects.select_related("bank").filter(pk=pk, actor=user).first()
