"""Every write of the surveys app.

- ``survey_save``: create a survey from a parsed XLSForm (``xlsform.py``), or bring
  an existing one in line with a new version of its form (labels may change at any
  time; questions and choices only while it has no response).
- ``response_submit``: one respondent's answers, from the web form (no account) or
  from a ``Phiếu khảo sát`` row (``import_key`` set). Stores the unit, the date and
  the answers, nothing else; with single-use codes, the code is marked used in the
  same transaction and nothing links the two.
- ``codes_generate``, ``survey_set_open``.

Each takes a required ``actor``: a signed-in user (checked here), the system actor,
or for ``response_submit`` whoever holds the unit's link (an anonymous visitor:
``None`` is still refused, the view passes ``request.user``). Bad data raises
``ValidationError`` in Vietnamese.

The lock of reported figures (``orgs.hooks.check_figures_open``): the report's
surveys section counts responses by unit and day. ``response_import`` (staff bringing
in paper or Kobo answers through the ``Phiếu khảo sát`` sheet) is refused with
``FiguresLocked`` while a report of the unit or a unit above it is submitted or
approved for a period holding the day, as every staff write is; a row already there
(same ``import_key``) is not a change and is not refused. ``response_submit`` (one
respondent answering through the unit's link) is deliberately never refused: the
respondent is anonymous, cannot ask anyone to reopen a report and would lose the
answers, and the survey's own dates and ``survey_set_open`` say when answers are
taken. Such an answer shows in the period page's changes since approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tuyengiao.lib import isolated
from tuyengiao.lib.actors import account_of
from tuyengiao.lib.codes import check_code, paper_code, typed_paper_code
from tuyengiao.lib.dates import format_date
from tuyengiao.lib.isolated import Limits
from tuyengiao.lib.numbers import parse_int
from tuyengiao.lib.text import normalize
from tuyengiao.orgs import access as core
from tuyengiao.orgs.hooks import check_figures_open
from tuyengiao.orgs.models import Unit

from . import access
from .models import Answer, Choice, Kind, Question, Response, Source, Survey, SurveyCode

MAX_TEXT = 2000  # characters of one free-text answer
MAX_CODES = 5000  # single-use codes made at once
CODE_LENGTH = 8
_LINK_SALT = "surveys.link"


# --- the form -------------------------------------------------------------------------


def read_form(name: str, data: bytes) -> dict[str, Any]:
    """The XLSForm read by pyxform in a limited child process (``lib/isolated.py``, job
    ``xlsform``): never in the web or command process itself. Refused with the reason
    in Vietnamese."""
    try:
        form = isolated.run("xlsform", name, data, Limits.from_settings())
    except isolated.Refused as exc:
        raise ValidationError(str(exc)) from exc
    if not isinstance(form, dict):
        raise ValidationError("Không đọc được biểu mẫu XLSForm.")
    return form


def _shape(form: Mapping[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (q["name"], q["kind"], tuple(c["name"] for c in q.get("choices", [])))
        for q in form["questions"]
    ]


def _survey_shape(survey: Survey) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (q.name, q.kind, tuple(c.name for c in q.choices.all()))
        for q in survey.questions.prefetch_related("choices")
    ]


def _write_questions(survey: Survey, form: Mapping[str, Any]) -> None:
    survey.questions.all().delete()
    for order, q in enumerate(form["questions"], start=1):
        question = Question.objects.create(
            survey=survey,
            name=q["name"][:100],
            kind=q["kind"],
            label=q["label"],
            hint=q.get("hint", ""),
            group=q.get("group", "")[:300],
            required=bool(q.get("required")),
            order=order,
        )
        Choice.objects.bulk_create(
            Choice(question=question, name=c["name"][:100], label=c["label"][:500], order=i)
            for i, c in enumerate(q.get("choices", []), start=1)
        )


def _relabel(survey: Survey, form: Mapping[str, Any]) -> bool:
    changed = False
    by_name = {q["name"]: q for q in form["questions"]}
    for question in survey.questions.prefetch_related("choices"):
        q = by_name[question.name]
        new = (q["label"], q.get("hint", ""), q.get("group", "")[:300], bool(q.get("required")))
        if (question.label, question.hint, question.group, question.required) != new:
            question.label, question.hint, question.group, question.required = new
            question.save(update_fields=["label", "hint", "group", "required"])
            changed = True
        labels = {c["name"]: c["label"][:500] for c in q.get("choices", [])}
        for choice in question.choices.all():
            if choice.label != labels[choice.name]:
                choice.label = labels[choice.name]
                choice.save(update_fields=["label"])
                changed = True
    return changed


@transaction.atomic
def survey_save(
    *,
    actor: Any,
    form: Mapping[str, Any],
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    threshold: int = 5,
    single_use: bool = False,
    source_name: str = "",
) -> tuple[Survey, str]:
    """Create or update the survey ``form["code"]``; returns it and ``"created"``,
    ``"updated"`` or ``"unchanged"``."""
    access.check_manage(actor, unit)
    code = normalize(str(form.get("code", "")))
    if not code:
        raise ValidationError("Trang 'settings' phải có 'form_id' (mã khảo sát).")
    check_code(code, "Mã khảo sát (form_id)")
    if date_to < date_from:
        raise ValidationError("'Đến ngày' phải sau 'Từ ngày'.")
    if not 2 <= threshold <= 100:
        raise ValidationError("Ngưỡng ẩn k phải từ 2 đến 100 (mặc định 5).")
    title = normalize(str(form.get("title") or code))[:300]
    survey = Survey.objects.select_for_update().filter(code=code).first()
    values = {
        "title": title,
        "version": str(form.get("version", ""))[:64],
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "threshold": threshold,
        "single_use": single_use,
    }
    if survey is None:
        survey = Survey.objects.create(
            code=code, source_name=source_name[:255], created_by=account_of(actor), **values
        )
        _write_questions(survey, form)
        return survey, "created"
    if survey.unit_id != unit.pk and not access.can_manage(actor, survey.unit):
        raise ValidationError(
            f"Mã khảo sát (form_id) {code} đã được dùng cho một cuộc khảo sát khác; hãy đổi "
            "form_id trong trang 'settings'."
        )
    has_answers = survey.responses.exists()
    changed = False
    if _survey_shape(survey) != _shape(form):
        if has_answers:
            raise ValidationError(
                f"Khảo sát {code} đã có phiếu trả lời: chỉ được sửa nhãn câu hỏi và lựa chọn, "
                "không được thêm, bớt hay đổi tên, loại câu hỏi và lựa chọn. Hãy tạo khảo sát "
                "mới với mã (form_id) khác."
            )
        _write_questions(survey, form)
        changed = True
    else:
        changed = _relabel(survey, form)
    if has_answers and unit.pk != survey.unit_id:
        raise ValidationError(f"Khảo sát {code} đã có phiếu trả lời: không đổi được đơn vị.")
    for name, value in values.items():
        if getattr(survey, name) != value:
            setattr(survey, name, value)
            changed = True
    if changed:
        if source_name:
            survey.source_name = source_name[:255]
        survey.save()
    return survey, "updated" if changed else "unchanged"


@transaction.atomic
def survey_set_open(*, actor: Any, survey: Survey, is_open: bool) -> None:
    access.check_manage(actor, survey.unit)
    if survey.is_open != is_open:
        survey.is_open = is_open
        survey.save(update_fields=["is_open"])


# --- links and codes -----------------------------------------------------------------


def link_token(survey: Survey, unit: Unit) -> str:
    """The unit's link to the survey: signed, so it cannot be made up for another unit."""
    return signing.Signer(salt=_LINK_SALT).sign(f"{survey.pk}.{unit.pk}")


def read_link(token: str) -> tuple[int, int] | None:
    try:
        value = signing.Signer(salt=_LINK_SALT).unsign(token)
        survey_id, unit_id = value.split(".")
        return int(survey_id), int(unit_id)
    except (signing.BadSignature, ValueError):
        return None


@transaction.atomic
def codes_generate(*, actor: Any, survey: Survey, count: int) -> list[str]:
    """``count`` new single-use codes for ``survey`` (to print and hand out)."""
    access.check_manage(actor, survey.unit)
    if not 1 <= count <= MAX_CODES:
        raise ValidationError(f"Số mã phải từ 1 đến {MAX_CODES:,}.".replace(",", "."))
    existing = set(SurveyCode.objects.filter(survey=survey).values_list("code", flat=True))
    made: list[str] = []
    while len(made) < count:
        code = paper_code(CODE_LENGTH)
        if code not in existing:
            existing.add(code)
            made.append(code)
    SurveyCode.objects.bulk_create(SurveyCode(survey=survey, code=c) for c in made)
    if not survey.single_use:
        survey.single_use = True
        survey.save(update_fields=["single_use"])
    return made


def clean_code(raw: str) -> str:
    return typed_paper_code(raw, 16)


# --- answers -------------------------------------------------------------------------


@dataclass
class FormSpec:
    """A survey's questions with their choices by name, read once."""

    survey: Survey
    questions: list[Question]
    choices: dict[int, dict[str, Choice]] = field(default_factory=dict)

    @classmethod
    def of(cls, survey: Survey) -> FormSpec:
        questions = list(survey.questions.prefetch_related("choices"))
        return cls(
            survey,
            questions,
            {q.pk: {c.name: c for c in q.choices.all()} for q in questions},
        )

    @property
    def answerable(self) -> list[Question]:
        return [q for q in self.questions if q.kind != Kind.NOTE]


Parsed = tuple[Question, Choice | None, int | None, str]


def clean_answers(spec: FormSpec, raw: Mapping[str, Any]) -> tuple[list[Parsed], dict[str, str]]:
    """The answers of one respondent: ``raw`` maps a question's name to its value
    (a choice name; for ``select_multiple`` a list or names separated by spaces; a
    number; text). Returns the rows to store and the errors by question name."""
    rows: list[Parsed] = []
    errors: dict[str, str] = {}
    for q in spec.answerable:
        value = raw.get(q.name)
        if isinstance(value, (list, tuple)):
            parts = [normalize(str(v)) for v in value if normalize(str(v))]
        else:
            text = "" if value is None else str(value).strip()
            parts = text.split() if q.kind == Kind.SELECT_MULTIPLE else ([text] if text else [])
        if not parts:
            if q.required:
                errors[q.name] = "Câu hỏi bắt buộc, chưa có câu trả lời."
            continue
        if q.kind in (Kind.SELECT_ONE, Kind.SELECT_MULTIPLE):
            known = spec.choices[q.pk]
            if q.kind == Kind.SELECT_ONE and len(parts) > 1:
                errors[q.name] = "Câu hỏi chỉ được chọn một phương án."
                continue
            unknown = [p for p in parts if p not in known]
            if unknown:
                errors[q.name] = (
                    f"Không có phương án '{unknown[0]}'; các phương án: " + ", ".join(known) + "."
                )
                continue
            rows.extend((q, known[name], None, "") for name in dict.fromkeys(parts))
        elif q.kind == Kind.INTEGER:
            try:
                number = parse_int(parts[0])
            except (ValueError, TypeError):
                number = None
            if number is None or abs(number) > 10**12:
                errors[q.name] = f"'{parts[0]}' không phải số nguyên."
                continue
            rows.append((q, None, number, ""))
        else:
            text = normalize(" ".join(parts))
            if len(text) > MAX_TEXT:
                errors[q.name] = f"Câu trả lời dài quá {MAX_TEXT:,} ký tự.".replace(",", ".")
                continue
            rows.append((q, None, None, text))
    return rows, errors


def check_response(survey: Survey, unit: Unit, day: dt.date) -> None:
    """The rules on where and when a response may be recorded (the sheet asks them)."""
    if not access.in_survey(survey, unit):
        raise ValidationError(
            f"Đơn vị {unit.code} không thuộc phạm vi khảo sát {survey.code} ({survey.unit.name})."
        )
    if not survey.date_from <= day <= survey.date_to:
        raise ValidationError(
            f"Ngày {format_date(day)} ngoài thời gian khảo sát ({format_date(survey.date_from)} "
            f"– {format_date(survey.date_to)})."
        )


def import_key(unit: Unit, day: dt.date, raw: Mapping[str, str], occurrence: int) -> str:
    """A digest of a sheet row's own content (and how many identical rows came before it
    in the file): re-importing the file adds nothing."""
    payload = json.dumps([unit.pk, day.isoformat(), sorted(raw.items()), occurrence])
    return hashlib.sha256(payload.encode()).hexdigest()


def _store(
    spec: FormSpec, unit: Unit, day: dt.date, rows: Sequence[Parsed], source: str, key: str
) -> Response:
    response = Response.objects.create(
        survey=spec.survey, unit=unit, date=day, source=source, import_key=key
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=q, choice=c, number=n, text=t) for q, c, n, t in rows
    )
    return response


@transaction.atomic
def response_submit(
    *,
    actor: Any,
    spec: FormSpec,
    unit: Unit,
    raw: Mapping[str, Any],
    day: dt.date,
    code: str = "",
) -> None:
    """One respondent's answers through the unit's link. The actor (an anonymous
    visitor or a user) is never stored; only unit, day and answers are."""
    if actor is None:
        raise PermissionDenied(core.NO_ACTOR)
    survey = spec.survey
    if not survey.is_open:
        raise ValidationError("Cuộc khảo sát đã đóng, không nhận thêm câu trả lời.")
    check_response(survey, unit, day)
    rows, errors = clean_answers(spec, raw)
    if errors:
        raise ValidationError(errors)
    if survey.single_use:
        claimed = SurveyCode.objects.filter(
            survey=survey, code=clean_code(code), used=False
        ).update(used=True)
        if claimed != 1:
            raise ValidationError(
                {"__code__": "Mã phiếu không đúng hoặc đã được dùng. Mỗi mã chỉ trả lời một lần."}
            )
    _store(spec, unit, day, rows, Source.WEB, "")


def check_import(actor: Any, survey: Survey, unit: Unit) -> None:
    """Who may bring in paper or Kobo answers of ``unit``: those who may hand out its
    link (``access.can_collect``)."""
    access.check_collect(actor, survey, unit)


@transaction.atomic
def response_import(
    *, actor: Any, spec: FormSpec, unit: Unit, day: dt.date, raw: Mapping[str, str], key: str
) -> bool:
    """A ``Phiếu khảo sát`` row; ``False`` when the same row is already there."""
    check_response(spec.survey, unit, day)
    check_import(actor, spec.survey, unit)
    if Response.objects.filter(survey=spec.survey, import_key=key).exists():
        return False
    rows, errors = clean_answers(spec, raw)
    if errors:
        raise ValidationError(list(errors.values()))
    check_figures_open(actor, [(key, unit, day)])
    _store(spec, unit, day, rows, Source.SHEET, key)
    return True
