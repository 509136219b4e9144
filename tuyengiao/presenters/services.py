"""Every write to the roster and to the presenters of sessions.

- ``presenter_save``: recognise a presenter or change a recognition (the web
  form and the ``Báo cáo viên`` sheet both call it; it creates or updates by code
  and says whether anything changed).
- ``session_presenters_set``, ``session_presenter_add``, ``session_presenter_remove``.

Each takes a required ``actor``: a signed-in user, whose permission is checked
here (``PermissionDenied``), or the system actor (``access.SYSTEM``) for commands
and demo data. Bad data raises ``ValidationError`` with a Vietnamese message.

A write that changes what the report's presenters section counts asks
``orgs.hooks.check_figures_open`` first (``FiguresLocked`` while a report of the unit
or a unit above it is submitted or approved for a period holding the day): the
presenters named on a session (its host and date), a dissemination event (its unit and
date; listeners, language, presenters), a training course (its unit and first day;
extra participants) and its learners. Where a row moves, both its old and its new
(unit, day) are asked; a row that does not change asks nothing. Not locked, because
no report section counts them: materials (and their opens), the languages of a unit,
and the roster's recognitions (the section counts those serving on the cut-off, a
state that follows from their dates rather than a figure written into the period).
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
from tuyengiao.lib.numbers import check_count
from tuyengiao.lib.text import fold, name_sort_key, normalize, split_full_name
from tuyengiao.orgs import access as core
from tuyengiao.orgs.hooks import check_figures_open
from tuyengiao.orgs.models import Member, Unit

from . import access
from .models import (
    Course,
    CourseResult,
    DisseminationEvent,
    DisseminationForm,
    Learner,
    Material,
    MaterialKind,
    MaterialView,
    Presenter,
    PresenterLevel,
    PresenterStatus,
    SessionPresenter,
    Theory,
    UnitLanguage,
)


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


def _check_session_open(actor: Any, session: Any) -> None:
    """The presenters of a session are counted under its host on its date."""
    check_figures_open(actor, [(session.code, session.host, session.date)])


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
    if SessionPresenter.objects.filter(session=session, presenter=presenter).exists():
        return False
    _check_session_open(actor, session)
    _, created = SessionPresenter.objects.get_or_create(session=session, presenter=presenter)
    return created


@transaction.atomic
def session_presenter_remove(*, actor: Any, session: Any, presenter: Presenter) -> bool:
    _check_session_writer(actor, session)
    named = SessionPresenter.objects.filter(session=session, presenter=presenter)
    if not named.exists():
        return False
    _check_session_open(actor, session)
    deleted, _ = named.delete()
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
    if removed or wanted.keys() - current:
        _check_session_open(actor, session)
    if removed:
        SessionPresenter.objects.filter(session=session, presenter_id__in=removed).delete()
    added = [
        SessionPresenter(session=session, presenter=wanted[pk]) for pk in wanted.keys() - current
    ]
    SessionPresenter.objects.bulk_create(added)
    return len(added), len(removed)


# --- dissemination events ---------------------------------------------------------------


def _document_for(symbol: str) -> Any:
    """The registered document with this symbol (the newest), or ``ValidationError``."""
    symbol = normalize(symbol)
    if not symbol:
        return None
    found = document_selectors.documents_by_symbol(symbol)
    if not found:
        raise ValidationError(f"Văn bản {symbol} chưa được đăng ký.")
    return found[0]


def _check_unit_on(unit: Unit, day: dt.date) -> None:
    if unit.valid_to is not None and day >= unit.valid_to:
        raise ValidationError(f"Đơn vị {unit.code} đã hết hiệu lực từ {_fmt(unit.valid_to)}.")


def language_clean(raw: str) -> str:
    """One language of delivery; blank or "tiếng Việt" is Vietnamese (stored blank)."""
    word = normalize(raw or "")
    if fold(word).removeprefix("tieng ").strip() in ("", "viet"):
        return ""
    if fold(word).startswith("tieng "):
        word = word[6:].strip()
    return word[:1].upper() + word[1:]


# What the report counts of an event (besides the presenters named): not its form or
# document, which may be corrected in an approved period.
EVENT_FIGURES = {"unit", "date", "language", "listeners"}
COURSE_FIGURES = {"unit", "date_from", "extra_participants"}


@dataclass(frozen=True)
class EventData:
    """A dissemination event, as the form and the ``Buổi tuyên truyền`` sheet give it."""

    code: str
    unit: Unit
    date: dt.date
    listeners: int
    form: DisseminationForm | None = None
    presenters: tuple[Presenter, ...] = ()
    document_symbol: str = ""
    language: str = ""


@transaction.atomic
def event_save(*, actor: Any, data: EventData) -> tuple[DisseminationEvent, str]:
    """Record the event ``data.code`` or bring it in line with ``data``; returns the event
    and ``"created"``, ``"updated"`` or ``"unchanged"``. The actor must write for the
    unit (and for the event's unit until now); presenters must be visible to them."""
    access.check_record_event(actor, data.unit)
    code = normalize(data.code)
    if not code:
        raise ValidationError("Mã buổi tuyên truyền là bắt buộc.")
    check_code(code, "Mã buổi")
    check_count(data.listeners, "Số lượt người nghe")
    _check_unit_on(data.unit, data.date)
    for presenter in data.presenters:
        _check_presenter_visible(actor, presenter)
    values: dict[str, Any] = {
        "unit": data.unit,
        "date": data.date,
        "form": data.form,
        "document": _document_for(data.document_symbol),
        "language": language_clean(data.language),
        "listeners": data.listeners,
    }
    event = DisseminationEvent.objects.select_for_update().filter(code=code).first()
    wanted = {p.pk for p in data.presenters}
    if event is None:
        check_figures_open(actor, [(code, data.unit, data.date)])
        event = DisseminationEvent.objects.create(code=code, **values)
        event.presenters.set(wanted)
        return event, "created"
    access.check_record_event(actor, event.unit)
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    current = set(event.presenters.values_list("pk", flat=True))
    if set(changed) & EVENT_FIGURES or current != wanted:
        check_figures_open(actor, [(code, event.unit, event.date), (code, data.unit, data.date)])
    if changed:
        for name in changed:
            setattr(event, name, values[name])
        event.save(update_fields=changed)
    if current != wanted:
        event.presenters.set(wanted)
    return event, "updated" if changed or current != wanted else "unchanged"


@transaction.atomic
def event_delete(*, actor: Any, event: DisseminationEvent) -> None:
    access.check_record_event(actor, event.unit)
    check_figures_open(actor, [(event.code, event.unit, event.date)])
    event.delete()


# --- training courses -------------------------------------------------------------------


@dataclass(frozen=True)
class CourseData:
    code: str
    title: str
    unit: Unit
    date_from: dt.date
    date_to: dt.date | None = None
    extra_participants: int = 0


@transaction.atomic
def course_save(*, actor: Any, data: CourseData) -> tuple[Course, str]:
    """Create the course ``data.code`` or bring it in line; the organiser's roster
    keepers only (province and commune staff of a subtree holding it)."""
    access.check_manage(actor, data.unit)
    code = normalize(data.code)
    title = normalize(data.title)
    if not code or not title:
        raise ValidationError("Mã lớp và tên lớp là bắt buộc.")
    check_code(code, "Mã lớp")
    if data.date_to is not None and data.date_to < data.date_from:
        raise ValidationError("'Đến ngày' phải sau 'Từ ngày'.")
    check_count(data.extra_participants, "Số lượt học viên")
    _check_unit_on(data.unit, data.date_from)
    values: dict[str, Any] = {
        "title": title,
        "unit": data.unit,
        "date_from": data.date_from,
        "date_to": data.date_to,
        "extra_participants": data.extra_participants,
    }
    course = Course.objects.select_for_update().filter(code=code).first()
    if course is None:
        check_figures_open(actor, [(code, data.unit, data.date_from)])
        return Course.objects.create(code=code, **values), "created"
    access.check_manage(actor, course.unit)
    changed = [name for name, value in values.items() if getattr(course, name) != value]
    if not changed:
        return course, "unchanged"
    if set(changed) & COURSE_FIGURES:
        check_figures_open(
            actor, [(code, course.unit, course.date_from), (code, data.unit, data.date_from)]
        )
    for name in changed:
        setattr(course, name, values[name])
    course.save(update_fields=changed)
    return course, "updated"


@transaction.atomic
def learner_set(
    *,
    actor: Any,
    course: Course,
    presenter: Presenter | None = None,
    member: Member | None = None,
    result: str = "",
) -> tuple[Learner, str]:
    """List a person on the course (a roster presenter, or a member) with a result;
    a second call for the same person changes the result. Returns the learner and
    ``"created"``, ``"updated"`` or ``"unchanged"``."""
    access.check_manage(actor, course.unit)
    if presenter is None and member is None:
        raise ValidationError("Hãy ghi mã báo cáo viên hoặc mã đảng viên của học viên.")
    if result and result not in CourseResult.values:
        raise ValidationError("Kết quả học tập không hợp lệ.")
    if presenter is not None:
        _check_presenter_visible(actor, presenter)
        if member is not None and presenter.member_id not in (None, member.pk):
            raise ValidationError(
                f"Báo cáo viên {presenter.code} không phải là đảng viên {member.code}."
            )
        member = member or presenter.member
        found = Learner.objects.filter(course=course, presenter=presenter).first()
    else:
        assert member is not None  # noqa: S101  narrowed above: one of the two is given
        if (
            not access.is_system(actor)
            and not core.members_visible_to(actor).filter(pk=member.pk).exists()
        ):
            raise PermissionDenied(f"Đảng viên {member.code} nằm ngoài phạm vi của bạn.")
        found = Learner.objects.filter(course=course, presenter=None, member=member).first()
    if found is None:
        check_figures_open(actor, [(course.code, course.unit, course.date_from)])
        learner = Learner.objects.create(
            course=course, presenter=presenter, member=member, result=result or ""
        )
        return learner, "created"
    if found.result == (result or "") and found.member_id == (member.pk if member else None):
        return found, "unchanged"
    found.result = result or ""
    found.member = member
    found.save(update_fields=["result", "member"])
    return found, "updated"


@transaction.atomic
def learner_remove(*, actor: Any, learner: Learner) -> None:
    course = learner.course
    access.check_manage(actor, course.unit)
    check_figures_open(actor, [(course.code, course.unit, course.date_from)])
    learner.delete()


# --- materials --------------------------------------------------------------------------

MATERIAL_SUFFIXES = (".pdf", ".docx", ".pptx", ".txt", ".mp4", ".webm", ".jpg", ".png")


def material_file_check(name: str, data: bytes) -> None:
    """The file of a material: a known type, not empty, within the project's upload
    limit (``settings.UPLOAD_MAX_BYTES``, the limit every upload shares)."""
    from django.conf import settings

    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in MATERIAL_SUFFIXES:
        allowed = ", ".join(MATERIAL_SUFFIXES)
        raise ValidationError(f"Tệp '{name}': chỉ nhận các loại tệp {allowed}.")
    if not data:
        raise ValidationError(f"Tệp '{name}' rỗng.")
    limit = int(settings.UPLOAD_MAX_BYTES)
    if len(data) > limit:
        raise ValidationError(
            f"Tệp '{name}' lớn hơn giới hạn {limit // (1024 * 1024)} MB của một tệp tải lên."
        )


@dataclass(frozen=True)
class MaterialData:
    code: str
    title: str
    kind: str
    unit: Unit
    date: dt.date
    document_symbol: str = ""
    copies: int = 0
    distributed_to: tuple[Unit, ...] | None = None  # None: leave as it is


@transaction.atomic
def material_save(
    *, actor: Any, data: MaterialData, file: tuple[str, bytes] | None = None
) -> tuple[Material, str]:
    """Publish the material ``data.code`` or bring it in line; with ``file`` its file
    is stored (replacing the old one). The publishing unit's staff only."""
    from django.core.files.base import ContentFile

    from tuyengiao.lib.filenames import short_filename

    access.check_manage(actor, data.unit)
    if file is not None:
        file = (
            short_filename(normalize(file[0] or "").replace("/", "_").replace("\\", "_") or "tep"),
            file[1],
        )
        material_file_check(*file)
    code = normalize(data.code)
    title = normalize(data.title)
    if not code or not title:
        raise ValidationError("Mã tài liệu và tên tài liệu là bắt buộc.")
    check_code(code, "Mã tài liệu")
    if data.kind not in MaterialKind.values:
        raise ValidationError("Loại tài liệu không hợp lệ.")
    check_count(data.copies, "Số bản")
    _check_unit_on(data.unit, data.date)
    values: dict[str, Any] = {
        "title": title,
        "kind": data.kind,
        "unit": data.unit,
        "date": data.date,
        "document": _document_for(data.document_symbol),
        "copies": data.copies,
    }
    material = Material.objects.select_for_update().filter(code=code).first()
    outcome = "unchanged"
    if material is None:
        material = Material.objects.create(code=code, **values)
        outcome = "created"
    else:
        access.check_manage(actor, material.unit)
        changed = [name for name, value in values.items() if getattr(material, name) != value]
        if changed:
            for name in changed:
                setattr(material, name, values[name])
            material.save(update_fields=changed)
            outcome = "updated"
    if data.distributed_to is not None:
        wanted = {u.pk for u in data.distributed_to}
        if set(material.distributed_to.values_list("pk", flat=True)) != wanted:
            material.distributed_to.set(wanted)
            outcome = "updated" if outcome == "unchanged" else outcome
    if file is not None:
        name, content = file
        old = material.file.name if material.file else ""
        material.file.save(name, ContentFile(content), save=False)
        material.file_name = name[:255]
        material.size = len(content)
        material.save(update_fields=["file", "file_name", "size"])
        stored = material.file.name
        transaction.on_commit(lambda: old and old != stored and material.file.storage.delete(old))
        outcome = "updated" if outcome == "unchanged" else outcome
    return material, outcome


@transaction.atomic
def material_opened(*, actor: Any, material: Material) -> int:
    """Count one open of ``material`` for the reader's unit (a counter per unit; who
    opened it is not kept). Returns the unit's count."""
    from django.db.models import F

    if not access.materials_visible_to(actor).filter(pk=material.pk).exists():
        raise PermissionDenied("Tài liệu nằm ngoài phạm vi của bạn.")
    unit = access.reader_unit(actor)
    if unit is None:
        raise PermissionDenied("Tài khoản chưa được gán đơn vị.")
    row, _ = MaterialView.objects.get_or_create(material=material, unit=unit)
    MaterialView.objects.filter(pk=row.pk).update(count=F("count") + 1)
    row.refresh_from_db(fields=["count"])
    return row.count


# --- languages of a unit's population ---------------------------------------------------


@transaction.atomic
def unit_languages_set(*, actor: Any, unit: Unit, languages: str) -> list[str]:
    """Make the languages spoken by ``unit``'s population exactly ``languages``
    (``"Mông; Dao"``; Vietnamese is understood and not listed). Staff who manage the
    unit only. Returns the languages kept."""
    access.check_manage(actor, unit)
    wanted = {fold(x): x for x in (languages_clean(languages).split("; ")) if x}
    for word in wanted.values():
        if len(word) > 50:
            raise ValidationError(f"Tên ngôn ngữ quá dài: {word[:50]}…")
    UnitLanguage.objects.filter(unit=unit).exclude(key__in=wanted).delete()
    have = set(UnitLanguage.objects.filter(unit=unit).values_list("key", flat=True))
    UnitLanguage.objects.bulk_create(
        UnitLanguage(unit=unit, language=word, key=key)
        for key, word in wanted.items()
        if key not in have
    )
    return sorted(wanted.values(), key=fold)
