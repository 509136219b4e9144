"""A report for any unit and period: its header and every registered section.

``report_figures`` resolves the subtree once (``orgs.subtree``: as of the period's
last day, or today's structure with historical units mapped to their successors),
asks each registered section (``sections.registered_sections``) for its figures and
returns them with what the Party report layout needs from the unit: its name in the
chosen structure, the parent organisation, the issuer code of the number
(``Số ...-BC/TU``) and the place of the date line. A report is refused as empty
(``EmptyPeriod``) only when every section is empty.

The figures themselves belong to the apps that own the data (study:
``study/figures.py``); this module never names an app.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from tuyengiao.lib.dates import format_date
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import place_of
from tuyengiao.orgs.subtree import resolve_subtree

from .models import Structure
from .sections import ReportQuery, ReportSection, SectionResult, registered_sections

# Where the Central Committee's documents are dated, when the national root has no
# place recorded.
NATIONAL_PLACE = "Hà Nội"


class EmptyPeriod(Exception):
    """No section has any figure for the unit's subtree during the period."""


@dataclass
class Report:
    query: ReportQuery
    unit_code: str
    unit_kind: str
    parent_name: str
    issuer: str  # the issuer part of the report's number: TW, TU, ĐU, CB
    place: str  # for the place-and-date line ("" = no place)
    parts: list[tuple[ReportSection, SectionResult]]

    @property
    def unit_name(self) -> str:
        return self.query.unit_name

    @property
    def date_from(self) -> dt.date:
        return self.query.date_from

    @property
    def date_to(self) -> dt.date:
        return self.query.date_to

    @property
    def structure(self) -> str:
        return self.query.structure

    @property
    def period_label(self) -> str:
        return self.query.period_label

    @property
    def who(self) -> str:
        return self.query.who

    @property
    def results(self) -> list[SectionResult]:
        return [result for _section, result in self.parts]

    @property
    def is_empty(self) -> bool:
        return all(result.empty for result in self.results)

    def result(self, key: str) -> SectionResult:
        return next(r for r in self.results if r.key == key)


# --- the unit's level: the issuer of the number and the place ------------------------

_PROVINCE = ("tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ")


def is_national(unit: Unit) -> bool:
    """The national root: a unit whose kind names the Central Committee, or a root
    (no parent) whose children are provincial committees."""
    kind = unicodedata.normalize("NFC", unit.kind).casefold()
    if "trung ương" in kind:
        return True
    if unit.parent_id is not None or any(word in kind for word in _PROVINCE):
        return False
    kinds = Unit.objects.filter(parent=unit).values_list("kind", flat=True)[:50]
    return any(
        any(word in unicodedata.normalize("NFC", k).casefold() for word in _PROVINCE) for k in kinds
    )


def issuer_code(kind: str, *, national: bool = False) -> str:
    """The issuer of a report's number (``Số   -BC/TU``) from the unit's level."""
    if national:
        return "TW"
    k = unicodedata.normalize("NFC", kind).casefold()
    if any(word in k for word in _PROVINCE):
        return "TU"
    if "chi bộ" in k:
        return "CB"
    return "ĐU"


def report_place(unit: Unit, *, national: bool) -> str:
    """The place of the date line: the unit's recorded place, else for the national
    root the capital, else the nearest ancestor's or the setting (``place_of``)."""
    if unit.place:
        return unit.place
    if national:
        return NATIONAL_PLACE
    return place_of(unit)


def check_query(date_from: dt.date, date_to: dt.date, structure: str) -> None:
    """A period that ends before it starts, or an unknown structure, is refused."""
    if date_to < date_from:
        raise ValidationError(
            f"Khoảng thời gian không hợp lệ: 'đến ngày' ({format_date(date_to)}) đứng trước "
            f"'từ ngày' ({format_date(date_from)})."
        )
    if structure not in Structure.values:
        raise ValidationError("Cơ cấu tổ chức phải là 'today' (hiện nay) hoặc 'asof' (cuối kỳ).")


def report_query(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, structure: str = Structure.TODAY
) -> ReportQuery:
    """What every section of ``unit``'s report is asked: the period checked, the
    subtree resolved once, the unit named as in the chosen structure."""
    check_query(date_from, date_to, structure)
    sub = resolve_subtree(unit, date_to, structure)
    return ReportQuery(
        unit=unit,
        unit_name=sub.names.get(unit.pk, (unit.code, unit.name))[1],
        date_from=date_from,
        date_to=date_to,
        structure=structure,
        subtree=sub,
    )


def report_figures(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    structure: str = Structure.TODAY,
    allow_empty: bool = False,
) -> Report:
    """Every section's figures for ``unit``'s subtree over ``[date_from, date_to]``."""
    query = report_query(unit=unit, date_from=date_from, date_to=date_to, structure=structure)
    parts = [(section, section.figures(query)) for section in registered_sections()]
    if not query.subtree.has_units_below:
        for _section, result in parts:
            result.tables = [table for table in result.tables if not table.by_unit]
    national = is_national(unit)
    parent = unit.parent
    report = Report(
        query=query,
        unit_code=unit.code,
        unit_kind=unit.kind,
        parent_name=parent.name if parent else "",
        issuer=issuer_code(unit.kind, national=national),
        place=report_place(unit, national=national),
        parts=parts,
    )
    if report.is_empty and not allow_empty:
        sentences = " ".join(r.empty_sentence for r in report.results if r.empty_sentence)
        raise EmptyPeriod(
            f"{sentences} Chưa có số liệu để lập báo cáo."
            if sentences
            else f"Chưa có số liệu của {query.unit_name} {query.period_label} để lập báo cáo."
        )
    return report


def latest_activity_date(unit: Unit, until: dt.date) -> dt.date | None:
    """The latest date any section has a record for in the unit's subtree on or before
    ``until``: where a dashboard opens when this year has none."""
    dates = [d for s in registered_sections() if (d := s.latest_activity(unit, until))]
    return max(dates) if dates else None
