"""The workbook sheet ``Phiếu khảo sát`` (WORKBOOK.md): answers collected on paper or
in KoboToolbox/ODK, one row per respondent, anonymous.

Columns ``Mã khảo sát``, ``Mã đơn vị``, ``Ngày``, then one column per question
``name`` (a Kobo/ODK export's ``group/name`` is matched by its last part). Every
other column of an export (``start``, ``end``, ``_uuid``, ``_submission_time``,
``deviceid``, ``_submitted_by``, ...) is read by nobody and stored nowhere. A
``select_multiple`` cell holds choice names separated by spaces, as XLSForm exports
them.

Validation asks the web's rules (``services.check_import``, ``check_response``,
``clean_answers``) and names the column and value of every refused cell. A row is
kept once: ``services.import_key`` (a digest of the row's own content and of how
many identical rows came before it) makes a re-import add nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.imports.framework import (
    Column,
    ImportContext,
    ImportIssue,
    ImportRejected,
    SheetCounts,
    SheetSpec,
    parse_date_cell,
    register_sheet,
)
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.sheets import UNIT_CODE

from . import access, services
from .models import Survey

SHEET = "Phiếu khảo sát"
UNIT_SHEET = "Đơn vị"


@dataclass(frozen=True)
class ResponseRow:
    sheet: str
    row: int
    survey_code: str
    unit_code: str
    day: dt.date
    answers: dict[str, str] = field(default_factory=dict)


def _actor(ctx: ImportContext) -> Any:
    signed_in = bool(getattr(ctx.actor, "is_authenticated", False))
    return ctx.actor if ctx.actor is not None and signed_in else access.SYSTEM


def _answers(spec: services.FormSpec, raw: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The row's question columns by question name; headers that name no question."""
    names = {q.name for q in spec.answerable}
    out: dict[str, str] = {}
    for header, value in raw.items():
        name = header if header in names else header.rsplit("/", 1)[-1]
        if name in names:
            out[name] = value
    matched = {h for h in raw if h in names or h.rsplit("/", 1)[-1] in names}
    return out, sorted(set(raw) - matched)


def _specs(rows: list[ResponseRow], ctx: ImportContext) -> dict[str, services.FormSpec]:
    cache = ctx.cache.setdefault("surveys.specs", {})
    for survey in Survey.objects.filter(code__in={r.survey_code for r in rows}).select_related(
        "unit"
    ):
        if survey.code not in cache:
            cache[survey.code] = services.FormSpec.of(survey)
    return cache  # type: ignore[no-any-return]


def validate(rows: list[ResponseRow], ctx: ImportContext) -> None:
    specs = _specs(rows, ctx)
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    actor = _actor(ctx)
    allowed: dict[tuple[str, str], bool] = {}
    for r in rows:
        spec = specs.get(r.survey_code)
        if spec is None:
            ctx.error(r.sheet, r.row, "Mã khảo sát", r.survey_code, "Không tìm thấy khảo sát.")
            continue
        unit = units.get(r.unit_code)
        if unit is None:
            ctx.error(r.sheet, r.row, "Mã đơn vị", r.unit_code, "Không tìm thấy đơn vị.")
            continue
        pair = (r.survey_code, r.unit_code)
        if pair not in allowed:
            allowed[pair] = access.can_collect(actor, spec.survey, unit)
        if not allowed[pair] and access.in_survey(spec.survey, unit):
            ctx.error(
                r.sheet,
                r.row,
                "Mã đơn vị",
                r.unit_code,
                f"Bạn không có quyền thu phiếu khảo sát {r.survey_code} cho đơn vị này.",
            )
            continue
        try:
            services.check_response(spec.survey, unit, r.day)
        except ValidationError as exc:
            column, value = (
                ("Ngày", r.day.strftime("%d/%m/%Y"))
                if access.in_survey(spec.survey, unit)
                else ("Mã đơn vị", r.unit_code)
            )
            ctx.error(r.sheet, r.row, column, value, " ".join(exc.messages))
        answers, _unknown = _answers(spec, r.answers)
        _rows, errors = services.clean_answers(spec, answers)
        for name, message in errors.items():
            ctx.error(r.sheet, r.row, name, answers.get(name, ""), message)
    for code, spec in specs.items():
        mentioned = {h for r in rows if r.survey_code == code for h in r.answers}
        _, unknown = _answers(spec, dict.fromkeys(mentioned, ""))
        if unknown:
            ctx.warn(
                SHEET,
                1,
                ", ".join(unknown[:10]),
                "",
                f"Các cột này không phải câu hỏi của khảo sát {code}: bỏ qua, không lưu.",
            )


def commit(rows: list[ResponseRow], ctx: ImportContext) -> SheetCounts:
    counts = SheetCounts()
    specs = _specs(rows, ctx)
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    actor = _actor(ctx)
    seen: Counter[str] = Counter()
    issues: list[ImportIssue] = []
    for r in rows:
        spec = specs[r.survey_code]
        unit = units[r.unit_code]
        answers, _ = _answers(spec, r.answers)
        base = services.import_key(unit, r.day, answers, 0)
        key = services.import_key(unit, r.day, answers, seen[base])
        seen[base] += 1
        try:
            created = services.response_import(
                actor=actor, spec=spec, unit=unit, day=r.day, raw=answers, key=key
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            issues += [
                ImportIssue(r.sheet, r.row, "Mã khảo sát", r.survey_code, m) for m in messages
            ]
            continue
        if created:
            counts.created += 1
        else:
            counts.unchanged += 1
    if issues:
        raise ImportRejected(issues)
    return counts


def register() -> None:
    """Called from ``SurveysConfig.ready``."""
    register_sheet(
        SheetSpec(
            name=SHEET,
            order=80,
            record=ResponseRow,
            columns=[
                Column("Mã khảo sát", "survey_code", required=True, help="form_id của XLSForm"),
                Column("Mã đơn vị", "unit_code", required=True, parse=UNIT_CODE),
                Column("Ngày", "day", required=True, parse=parse_date_cell, help="dd/mm/yyyy"),
            ],
            validate=validate,
            commit=commit,
            extra_field="answers",
        )
    )
