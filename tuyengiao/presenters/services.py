"""Every write to the roster and to the presenters of sessions.

- ``presenter_save``: recognise a presenter or change a recognition (the web
  form and the ``Báo cáo viên`` sheet both call it; it creates or updates by code
  and says whether anything changed).
- ``session_presenters_set``, ``session_presenter_add``, ``session_presenter_remove``.

Each takes a required ``actor``: a signed-in user, whose permission is checked
here (``PermissionDenied``), or the system actor (``access.SYSTEM``) for commands
and demo data. Bad data raises ``ValidationError`` with a Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tuyengiao.documents import selectors as document_selectors
from tuyengiao.lib.codes import check_code
from tuyengiao.lib.text import fold, name_sort_key, normalize, split_full_name
from tuyengiao.orgs import access as core
from tuyengiao.orgs.models import Member, Unit

from . import access
from .models import Presenter, PresenterLevel, PresenterStatus, SessionPresenter, Theory


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class PresenterData:
    """What a recognition holds; the form and the sheet fill it the same way."""

    code: str
    full_name: str
    level: PresenterLevel
    unit: Unit
    status: PresenterStatus
    member: Member | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    decision_symbol: str = ""
    theory: str = ""
    degree: str = ""
    topics: str = ""
    languages: str = ""


def languages_clean(raw: str) -> str:
    """``"mông;  Dao ;"`` → ``"Mông; Dao"``: one spelling, in the order given, no repeats."""
    seen: dict[str, str] = {}
    for part in (raw or "").replace(",", ";").split(";"):
        word = normalize(part)
        if word and fold(word) not in seen:
            seen[fold(word)] = word[:1].upper() + word[1:]
    return "; ".join(seen.values())


def check_terms(
    *,
    level: PresenterLevel,
    status: PresenterStatus,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> list[tuple[str, str]]:
    """The rules on a recognition's level, status and dates, as (field, message)
    pairs; the sheet asks them during validation to name the column."""
    problems: list[tuple[str, str]] = []
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(("valid_until", "'Đến ngày' phải sau 'Từ ngày'."))
    if level.valid_to is not None and (valid_from is None or valid_from >= level.valid_to):
        problems.append(
            (
                "valid_from" if valid_from else "level",
                f"Cấp '{level.label}' chỉ công nhận trước ngày {_fmt(level.valid_to)}"
                + ("." if valid_from else ": hãy ghi 'Từ ngày' của quyết định công nhận."),
            )
        )
    if level.valid_from is not None and valid_from is not None and valid_from < level.valid_from:
        problems.append(
            ("valid_from", f"Cấp '{level.label}' chỉ có từ ngày {_fmt(level.valid_from)}.")
        )
    if status.needs_until and valid_until is None:
        problems.append(("valid_until", f"Trạng thái '{status.name}' cần có 'Đến ngày'."))
    return problems


def _check(data: PresenterData) -> None:
    code = normalize(data.code)
    if not code or not normalize(data.full_name):
        raise ValidationError("Mã báo cáo viên và họ tên là bắt buộc.")
    check_code(code, "Mã báo cáo viên")
    problems = check_terms(
        level=data.level,
        status=data.status,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    if problems:
        raise ValidationError([message for _, message in problems])
    if data.theory and data.theory not in Theory.values:
        raise ValidationError("Trình độ lý luận chính trị không hợp lệ.")
    unit = data.unit
    day = data.valid_from
    if day is not None and unit.valid_to is not None and day >= unit.valid_to:
        raise ValidationError(f"Đơn vị {unit.code} đã hết hiệu lực từ {_fmt(unit.valid_to)}.")


def _decision(symbol: str) -> Any:
    found = document_selectors.documents_by_symbol(symbol) if symbol else []
    return found[0] if found else None


def _fields(data: PresenterData) -> dict[str, Any]:
    family, middle, given = split_full_name(data.full_name)
    symbol = normalize(data.decision_symbol)
    values: dict[str, Any] = {
        "family_name": family,
        "middle_name": middle,
        "given_name": given,
        "member": data.member,
        "level": data.level,
        "unit": data.unit,
        "status": data.status,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "decision_symbol": symbol,
        "decision": _decision(symbol),
        "theory": data.theory or "",
        "degree": normalize(data.degree),
        "topics": normalize(data.topics),
        "languages": languages_clean(data.languages),
    }
    values["sort_key"] = name_sort_key(given=given, family=family, middle=middle)
    code = normalize(data.code)
    values["search_key"] = " " + fold(f"{' '.join(p for p in (family, middle, given) if p)} {code}")
    return values


@transaction.atomic
def presenter_save(*, actor: Any, data: PresenterData) -> tuple[Presenter, str]:
    """Create the recognition ``data.code`` or bring it in line with ``data``.
    Returns the presenter and ``"created"``, ``"updated"`` or ``"unchanged"``.

    The actor must keep the roster of the recognising unit (and, for a change,
    of the unit that recognised them until now)."""
    access.check_manage(actor, data.unit)
    _check(data)
    code = normalize(data.code)
    values = _fields(data)
    presenter = Presenter.objects.select_for_update().filter(code=code).first()
    if presenter is None:
        presenter = Presenter.objects.create(code=code, **values)
        return presenter, "created"
    access.check_manage(actor, presenter.unit)
    changed = [name for name, value in values.items() if getattr(presenter, name) != value]
    if not changed:
        return presenter, "unchanged"
    for name in changed:
        setattr(presenter, name, values[name])
    presenter.save(update_fields=changed)
    return presenter, "updated"


# --- sessions ---------------------------------------------------------------------------


def _check_session_writer(actor: Any, session: Any) -> None:
    if access.is_system(actor):
        return
    if not core.can_write_unit(actor, session.host):
        raise PermissionDenied(f"Bạn không có quyền sửa hội nghị {session.code}.")


def _check_presenter_visible(actor: Any, presenter: Presenter) -> None:
    if access.is_system(actor):
        return
    if not access.presenters_visible_to(actor).filter(pk=presenter.pk).exists():
        raise PermissionDenied(f"Báo cáo viên {presenter.code} nằm ngoài phạm vi của bạn.")


@transaction.atomic
def session_presenter_add(*, actor: Any, session: Any, presenter: Presenter) -> bool:
    """Name ``presenter`` on ``session``; ``False`` if already named."""
    _check_session_writer(actor, session)
    _check_presenter_visible(actor, presenter)
    _, created = SessionPresenter.objects.get_or_create(session=session, presenter=presenter)
    return created


@transaction.atomic
def session_presenter_remove(*, actor: Any, session: Any, presenter: Presenter) -> bool:
    _check_session_writer(actor, session)
    deleted, _ = SessionPresenter.objects.filter(session=session, presenter=presenter).delete()
    return bool(deleted)


@transaction.atomic
def session_presenters_set(
    *, actor: Any, session: Any, presenters: Iterable[Presenter]
) -> tuple[int, int]:
    """Make the session's roster presenters exactly ``presenters`` (the ``Hội nghị``
    sheet's column). Returns (added, removed)."""
    _check_session_writer(actor, session)
    wanted = {p.pk: p for p in presenters}
    for presenter in wanted.values():
        _check_presenter_visible(actor, presenter)
    current = set(
        SessionPresenter.objects.filter(session=session).values_list("presenter_id", flat=True)
    )
    removed = current - wanted.keys()
    if removed:
        SessionPresenter.objects.filter(session=session, presenter_id__in=removed).delete()
    added = [
        SessionPresenter(session=session, presenter=wanted[pk]) for pk in wanted.keys() - current
    ]
    SessionPresenter.objects.bulk_create(added)
    return len(added), len(removed)
