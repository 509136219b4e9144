"""Every write to media output and to awards and exemplary models.

- ``media_output_save``: record a unit's output of one kind and language over a
  period, or correct a record (the web form and the ``Tin bài`` sheet both call it;
  a row is matched by unit, period, kind, language and document).
- ``award_save``: recognise an award or an exemplary model, or bring a record in
  line (the web form and the ``Khen thưởng`` sheet; matched by code).

Each takes a required ``actor``: a signed-in user, whose permission is checked
here (``PermissionDenied``), or the system actor (``access.SYSTEM``) for commands
and demo data. Bad data raises ``ValidationError`` with a Vietnamese message. The
rules are also public ``check_*`` functions, so a sheet lists every refused row
during validation without writing them again.

A write that changes what the report's media or awards section counts asks
``orgs.hooks.check_figures_open`` first (``FiguresLocked`` while a report of the unit
or a unit above it is submitted or approved for a period holding the day). A media
record is counted by a report whose period holds it whole, so it is asked on its last
day (``date_to``): a record that ends inside a locked period is refused, one that
ends after it is not (a record that starts before such a period and ends inside it
is refused too, though that period does not count it: the safe side). An award is
asked on its date. An edit asks both the old and the new (unit, day); a row that does
not change asks nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tuyengiao.documents import selectors as document_selectors
from tuyengiao.documents.models import Document
from tuyengiao.lib.codes import check_code
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import MAX_COUNT
from tuyengiao.lib.refs import parse_symbol
from tuyengiao.lib.text import fold, normalize
from tuyengiao.orgs.hooks import check_figures_open
from tuyengiao.orgs.models import Member, Unit

from . import access
from .models import Award, AwardKind, MediaKind, MediaOutput

# Said of the language column: blank, or one of these, is Vietnamese.
VIETNAMESE = {"", "viet", "tieng viet", "viet nam", "kinh", "tieng kinh"}
MAX_MINUTES = 100_000_000


def language_clean(raw: str) -> str:
    """``" tiếng mông "`` → ``"Mông"``; Vietnamese → ``""`` (the blank of the sheet)."""
    word = normalize(raw or "")
    if fold(word).startswith("tieng "):
        word = word[len("tiếng ") :].strip()
    if fold(word) in VIETNAMESE or fold(f"tieng {word}") in VIETNAMESE:
        return ""
    return word[:1].upper() + word[1:]


def symbol_clean(raw: str) -> tuple[str, str]:
    """The symbol as stored and its key: ``"Nghị quyết số 57 - NQ/TW"`` → ``("57-NQ/TW",
    "57-nq/tw")``; what is not a symbol is kept as typed."""
    text = normalize(raw or "")
    if not text:
        return "", ""
    ref = parse_symbol(text)
    symbol = ref.symbol if ref is not None and ref.system != "bare" else text
    return symbol, fold(symbol).replace(" ", "")


def _document(symbol: str, day: dt.date | None) -> Document | None:
    """The registered document of ``symbol``: of a symbol reused across terms, the
    newest issued on or before ``day``."""
    found = document_selectors.documents_by_symbol(symbol) if symbol else []
    if day is not None:
        dated = [d for d in found if d.issue_date is None or d.issue_date <= day]
        found = dated or found
    return found[0] if found else None


# --- media output ---------------------------------------------------------------------


@dataclass(frozen=True)
class MediaData:
    """One row of media output; the form and the sheet fill it the same way."""

    unit: Unit
    date_from: dt.date
    date_to: dt.date
    kind: MediaKind
    count: int
    language: str = ""
    minutes: int | None = None
    document_symbol: str = ""


def check_media(data: MediaData) -> list[tuple[str, str]]:
    """The rules on a row's period and figures, as (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    if data.date_to < data.date_from:
        problems.append(("date_to", "'Đến ngày' phải từ 'Từ ngày' trở đi."))
    if not 0 <= data.count <= MAX_COUNT:
        problems.append(("count", "Số lượng phải là số nguyên không âm."))
    if data.minutes is not None and not 0 <= data.minutes <= MAX_MINUTES:
        problems.append(("minutes", "Thời lượng phải là số phút không âm."))
    unit = data.unit
    if unit.valid_from is not None and data.date_to < unit.valid_from:
        problems.append(
            ("date_to", f"Đơn vị {unit.code} chỉ có từ ngày {format_date(unit.valid_from)}.")
        )
    if unit.valid_to is not None and data.date_from >= unit.valid_to:
        problems.append(
            ("date_from", f"Đơn vị {unit.code} đã hết hiệu lực từ {format_date(unit.valid_to)}.")
        )
    return problems


def _media_key(data: MediaData) -> dict[str, Any]:
    _symbol, document_key = symbol_clean(data.document_symbol)
    return {
        "unit": data.unit,
        "kind": data.kind,
        "language_key": fold(language_clean(data.language)),
        "document_key": document_key,
    }


def media_overlap(data: MediaData, *, exclude: int | None = None) -> MediaOutput | None:
    """Another record of the same unit, kind, language and document whose period
    overlaps this one without being the same period: counting both would count the
    same items twice."""
    key = _media_key(data)
    clash = MediaOutput.objects.filter(
        **key, date_from__lte=data.date_to, date_to__gte=data.date_from
    ).exclude(date_from=data.date_from, date_to=data.date_to)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    return clash.first()


def overlap_message(found: MediaOutput) -> str:
    return (
        f"Đã có số liệu '{found.kind.label}' ({found.language_label}) của đơn vị này "
        f"từ {format_date(found.date_from)} đến {format_date(found.date_to)}, chồng lên kỳ "
        "này: hãy sửa số liệu đó hoặc ghi cho kỳ không chồng lấn."
    )


def _media_values(data: MediaData) -> dict[str, Any]:
    symbol, document_key = symbol_clean(data.document_symbol)
    language = language_clean(data.language)
    return {
        "unit": data.unit,
        "date_from": data.date_from,
        "date_to": data.date_to,
        "kind": data.kind,
        "language": language,
        "language_key": fold(language),
        "count": data.count,
        "minutes": data.minutes,
        "document_symbol": symbol,
        "document_key": document_key,
        "document": _document(symbol, data.date_to),
    }


def _check_media_data(data: MediaData, exclude: int | None) -> None:
    problems = check_media(data)
    if problems:
        raise ValidationError([message for _, message in problems])
    found = media_overlap(data, exclude=exclude)
    if found is not None:
        raise ValidationError(overlap_message(found))


@transaction.atomic
def media_output_save(
    *, actor: Any, data: MediaData, output: MediaOutput | None = None
) -> tuple[MediaOutput, str]:
    """Record ``data`` (``output`` None: the record of the same unit, period, kind,
    language and document is brought in line, or created) or change ``output`` to
    ``data``. Returns the record and ``"created"``, ``"updated"`` or ``"unchanged"``.

    The actor must keep the figures of the unit (and, for a change, of the record's
    unit until now)."""
    access.check_manage(actor, data.unit)
    values = _media_values(data)
    key = {k: values[k] for k in ("unit", "date_from", "date_to", "kind")} | {
        "language_key": values["language_key"],
        "document_key": values["document_key"],
    }
    if output is not None:
        output = MediaOutput.objects.select_for_update().get(pk=output.pk)
        access.check_manage(actor, output.unit)
        other = MediaOutput.objects.filter(**key).exclude(pk=output.pk).first()
        if other is not None:
            raise ValidationError(
                "Đã có số liệu cùng đơn vị, kỳ, loại, ngôn ngữ và văn bản: hãy sửa số liệu đó."
            )
    else:
        output = MediaOutput.objects.select_for_update().filter(**key).first()
    _check_media_data(data, None if output is None else output.pk)
    key_of = (data.unit.code, data.date_from, data.date_to, data.kind.pk)
    if output is None:
        check_figures_open(actor, [(key_of, data.unit, data.date_to)])
        return MediaOutput.objects.create(**values), "created"
    changed = [name for name, value in values.items() if getattr(output, name) != value]
    if not changed:
        return output, "unchanged"
    check_figures_open(
        actor, [(key_of, output.unit, output.date_to), (key_of, data.unit, data.date_to)]
    )
    for name in changed:
        setattr(output, name, values[name])
    output.save(update_fields=changed)
    return output, "updated"


# --- awards and exemplary models ------------------------------------------------------


@dataclass(frozen=True)
class AwardData:
    """One award or model; the form and the sheet fill it the same way."""

    code: str
    kind: AwardKind
    name: str
    unit: Unit
    date: dt.date
    member: Member | None = None
    person_name: str = ""
    decision_symbol: str = ""
    document_symbol: str = ""


def check_award(data: AwardData) -> list[tuple[str, str]]:
    """The rules on an award's recipient and date, as (field, message) pairs (the
    member's own rules are ``check_award_member``)."""
    problems: list[tuple[str, str]] = []
    if data.kind.people_only and data.member is None and not normalize(data.person_name):
        problems.append(
            (
                "member",
                f"'{data.kind.label}' chỉ tặng cá nhân: hãy ghi mã đảng viên hoặc họ và tên.",
            )
        )
    unit = data.unit
    if unit.valid_from is not None and data.date < unit.valid_from:
        problems.append(
            ("date", f"Đơn vị {unit.code} chỉ có từ ngày {format_date(unit.valid_from)}.")
        )
    if unit.valid_to is not None and data.date >= unit.valid_to:
        problems.append(
            ("date", f"Đơn vị {unit.code} đã hết hiệu lực từ {format_date(unit.valid_to)}.")
        )
    return problems


def check_award_member(actor: Any, member: Member, unit: Unit, day: dt.date) -> None:
    """``PermissionDenied`` for a member the actor may not see; ``ValidationError`` for
    one who was not in the unit (or below it) on the day."""
    if not access.member_may_be_named(actor, member, day):
        raise PermissionDenied(f"Đảng viên {member.code} nằm ngoài phạm vi của bạn.")
    if not access.member_belongs(member, unit, day):
        raise ValidationError(
            f"Đảng viên {member.code} không sinh hoạt tại {unit.name} (hay đơn vị trực thuộc) "
            f"ngày {format_date(day)}."
        )


def _award_values(data: AwardData) -> dict[str, Any]:
    decision, _ = symbol_clean(data.decision_symbol)
    document, _ = symbol_clean(data.document_symbol)
    name = normalize(data.name)
    person = "" if data.member is not None else normalize(data.person_name)
    who = data.member.full_name if data.member is not None else person or data.unit.name
    return {
        "kind": data.kind,
        "name": name,
        "unit": data.unit,
        "member": data.member,
        "person_name": person,
        "date": data.date,
        "decision_symbol": decision,
        "decision": _document(decision, None),
        "document_symbol": document,
        "document": _document(document, data.date),
        "search_key": " " + fold(f"{name} {who} {normalize(data.code)}"),
    }


# What the awards section counts of an award: not its name or decision, which may be
# corrected in an approved period.
AWARD_FIGURES = {"kind", "unit", "member", "person_name", "date", "document_symbol", "document"}


@transaction.atomic
def award_save(*, actor: Any, data: AwardData) -> tuple[Award, str]:
    """Create the award ``data.code`` or bring it in line with ``data``. Returns the
    award and ``"created"``, ``"updated"`` or ``"unchanged"``."""
    access.check_manage(actor, data.unit)
    code = normalize(data.code)
    if not code or not normalize(data.name):
        raise ValidationError("Mã và tên khen thưởng là bắt buộc.")
    check_code(code, "Mã khen thưởng")
    problems = check_award(data)
    if problems:
        raise ValidationError([message for _, message in problems])
    if data.member is not None:
        check_award_member(actor, data.member, data.unit, data.date)
    values = _award_values(data)
    award = Award.objects.select_for_update().filter(code=code).first()
    if award is None:
        check_figures_open(actor, [(code, data.unit, data.date)])
        return Award.objects.create(code=code, **values), "created"
    access.check_manage(actor, award.unit)
    changed = [name for name, value in values.items() if getattr(award, name) != value]
    if not changed:
        return award, "unchanged"
    if set(changed) & AWARD_FIGURES:
        check_figures_open(actor, [(code, award.unit, award.date), (code, data.unit, data.date)])
    for name in changed:
        setattr(award, name, values[name])
    award.save(update_fields=changed)
    return award, "updated"
