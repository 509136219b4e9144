"""Who may see or change question banks and contests, on the core in ``orgs/access.py``.

- Banks: read where the owning unit is in the user's read area; kept (created,
  imported into, approved, exported) by province and commune staff of a subtree that
  holds the unit. Out of scope is 404; a reader who may not keep it gets 403.
- Contests: read where the owning unit is in the read area or is an ancestor of the
  user's unit (a cell's member sees the commune's and the province's contests, which
  they may take part in); organised by staff of a subtree holding the unit.
  Taking part is a separate rule (``services.check_eligible``): audience, units,
  members.
- Attempts: only the person taking them: the signed-in user whose participant it is,
  or, for a public participant without an account, the browser holding the
  participant's token in its cookie. Anybody else gets 404.
- The system actor writes everywhere; ``None`` is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.dateparse import parse_datetime

from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Unit

from .models import Attempt, Contest, QuestionBank

SYSTEM = core.SYSTEM
is_system = core.is_system
PUBLIC_COOKIE = "tg_thi_sinh"


def can_manage_unit(user: Any, unit: Unit) -> bool:
    if is_system(user):
        return True
    scope = core.scope_of(user)
    return bool(scope and scope.is_staff and scope.covers(unit))


def check_manage(user: Any, unit: Unit) -> None:
    if not can_manage_unit(user, unit):
        raise PermissionDenied(
            f"Chỉ cán bộ cấp tỉnh, cấp xã phụ trách {unit.name} được quản lý ngân hàng câu "
            "hỏi và cuộc thi của đơn vị này."
        )


def require_organiser(user: Any) -> core.Scope:
    """The create forms: 404 without an assignment, 403 for those who only read."""
    scope = core.require_scope(user)
    if not scope.is_staff:
        raise PermissionDenied(
            "Chỉ cán bộ cấp tỉnh và cấp xã được tạo ngân hàng câu hỏi, cuộc thi."
        )
    return scope


def banks_visible_to(user: Any) -> QuerySet[QuestionBank]:
    return core.filter_by_unit(user, QuestionBank.objects.all(), "unit")


def get_bank_for_user(user: Any, code: str, *, write: bool = False) -> QuestionBank:
    bank = banks_visible_to(user).select_related("unit").filter(code=code).first()
    if bank is None:
        raise Http404("Không tìm thấy ngân hàng câu hỏi.")
    if write:
        check_manage(user, bank.unit)
    return bank


def contests_visible_to(user: Any) -> QuerySet[Contest]:
    scope = core.scope_of(user)
    if scope is None:
        return Contest.objects.none()
    own = core.filter_by_unit(user, Contest.objects.all(), "unit")
    return Contest.objects.filter(
        Q(pk__in=own.values("pk")) | Q(unit__path__in=core.ancestor_paths(scope.path))
    )


def get_contest_for_user(user: Any, code: str, *, write: bool = False) -> Contest:
    contest = contests_visible_to(user).select_related("unit", "bank").filter(code=code).first()
    if contest is None:
        raise Http404("Không tìm thấy cuộc thi.")
    if write:
        check_manage(user, contest.unit)
    return contest


def public_contest(code: str) -> Contest:
    """A contest open to the public, for a visitor without an account."""
    from .models import Audience

    contest = (
        Contest.objects.select_related("unit").filter(code=code, audience=Audience.PUBLIC).first()
    )
    if contest is None:
        raise Http404("Không tìm thấy cuộc thi.")
    return contest


def attempt_owned(attempt: Attempt, user: Any, token: str) -> bool:
    participant = attempt.participant
    if participant.user_id is not None:
        return bool(getattr(user, "is_authenticated", False)) and participant.user_id == user.pk
    return bool(token) and secrets.compare_digest(participant.token, token)


def get_attempt_for_request(request: HttpRequest, key: str) -> Attempt:
    attempt = (
        Attempt.objects.select_related("participant", "round", "round__contest")
        .filter(key=key)
        .first()
    )
    if attempt is None or not attempt_owned(
        attempt, request.user, request.COOKIES.get(PUBLIC_COOKIE, "")
    ):
        raise Http404("Không tìm thấy bài thi.")
    return attempt


@dataclass(frozen=True)
class AnswerTarget:
    """What the answer endpoint needs of an attempt, read by one prepared statement
    (the ORM's query building was most of the endpoint's time)."""

    pk: int
    key: str
    layout: list[list[Any]]
    deadline_at: dt.datetime
    submitted_at: dt.datetime | None
    practice: bool


_TARGET = (
    "SELECT a.id, a.layout, a.deadline_at, a.submitted_at, p.user_id, p.token, c.kind "
    "FROM contests_attempt a JOIN contests_participant p ON p.id = a.participant_id "
    "JOIN contests_round r ON r.id = a.round_id JOIN contests_contest c ON c.id = r.contest_id "
    "WHERE a.key = %s"
)


def _moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    # SQLite keeps UTC without an offset (a naive datetime, or text)
    return parsed.replace(tzinfo=dt.UTC) if parsed and parsed.tzinfo is None else parsed


def answer_target_for_request(request: HttpRequest, key: str) -> AnswerTarget:
    """The attempt of ``key`` when the request holds it (as ``get_attempt_for_request``)."""
    from tuyengiao.lib.db import fetchone_hot

    from .models import Kind

    row = fetchone_hot(_TARGET, [key])
    if row is None:
        raise Http404("Không tìm thấy bài thi.")
    pk, layout, deadline_at, submitted_at, user_id, token, kind = row
    user = request.user
    if user_id is not None:
        owned = bool(user.is_authenticated) and user_id == user.pk
    else:
        cookie = request.COOKIES.get(PUBLIC_COOKIE, "")
        owned = bool(cookie) and secrets.compare_digest(cookie, token)
    if not owned:
        raise Http404("Không tìm thấy bài thi.")
    deadline = _moment(deadline_at)
    if deadline is None:
        raise Http404("Không tìm thấy bài thi.")
    return AnswerTarget(
        pk=pk,
        key=key,
        layout=json.loads(layout) if isinstance(layout, str) else layout,
        deadline_at=deadline,
        submitted_at=_moment(submitted_at),
        practice=kind == Kind.PRACTICE,
    )


def may_use_public_cookie(request: HttpRequest) -> bool:
    return bool(request.COOKIES.get(PUBLIC_COOKIE))
