"""Report sections: each app's part of the sơ kết / tổng kết report, as plug-ins.

An app that has figures to report declares one ``ReportSection`` in its own
``report_section.py`` and registers it from its ``AppConfig.ready`` with
``register_section`` (the way its workbook sheets register with the import
framework). The builders (DOCX, XLSX, JSON) and the dashboard iterate
``registered_sections()``; they never name an app.

A section answers ``figures(query)`` for a unit, a period and a structure mode
(``ReportQuery``, with the subtree already resolved) with a ``SectionResult``:

- ``paragraphs``: sentences in the style of the articles (the DOCX body);
- ``tables``: the DOCX tables (an ``STT`` column is added in front);
- ``summary`` and ``sheets``: the same figures for the XLSX (summary rows on the
  ``Tổng hợp`` sheet, one sheet per table), numbers as numbers;
- ``data``: the same figures for the JSON, numbers as numbers;
- ``completeness``: how many of the units expected to report did;
- ``empty`` and ``empty_sentence``: a section without data says so in one sentence.

A report is refused as empty only when every section is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import name_and_below
from tuyengiao.orgs.subtree import Subtree

# Column kinds of a section table: how each builder shows a value.
TEXT, INT, PERCENT = "text", "int", "percent"  # PERCENT: a Decimal like 96.23 (or None)


def display(value: Any, kind: str) -> str:
    """A table cell as a reader sees it: ``2.033``, ``96,23%``, ``—`` for no rate."""
    if kind == PERCENT:
        return "—" if value is None else format_percent(value)
    if kind == INT:
        return "" if value is None else format_int(value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ReportQuery:
    """What every section is asked: the unit (named as in the chosen structure),
    the period, the structure mode and the subtree resolved once for all."""

    unit: Unit
    unit_name: str
    date_from: dt.date
    date_to: dt.date
    structure: str
    subtree: Subtree

    @property
    def period_label(self) -> str:
        return f"từ ngày {format_date(self.date_from)} đến ngày {format_date(self.date_to)}"

    @property
    def who(self) -> str:
        """Whose work a sentence tells: "Đảng ủy xã Mường Tè và các đơn vị trực thuộc",
        or the unit alone when nothing is under it (a party cell)."""
        return self.unit_and_below("đơn vị")

    def unit_and_below(self, below: str) -> str:
        """The unit's name, and "và các {below} trực thuộc" when the subtree holds
        units under it (``orgs.selectors.name_and_below``)."""
        return name_and_below(self.unit_name, self.subtree.has_units_below, below)


@dataclass
class SectionTable:
    title: str  # the DOCX caption and the XLSX sheet name (31 characters at most)
    headers: list[str]
    rows: list[list[Any]]
    kinds: list[str]  # TEXT, INT or PERCENT per column
    total: bool = False  # the last row is the total ("Cộng"): no number, in bold
    # one row per unit under the report's unit: left out of the report and the dashboard
    # of a unit with none under it (a party cell: its one row would be its totals again)
    by_unit: bool = False


@dataclass
class Completeness:
    """Of the units expected to report for this section, how many did."""

    expected: int
    reported: int
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected


@dataclass
class SectionResult:
    key: str
    title: str  # the heading of the section in the report
    empty: bool
    empty_sentence: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[SectionTable] = field(default_factory=list)
    summary: list[tuple[str, Any]] = field(default_factory=list)
    sheets: list[SectionTable] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    completeness: Completeness | None = None
    figures: Any = None  # the section's own typed figures, for its dashboard part


class ReportSection:
    """Base of a section; subclasses set ``key``, ``title`` and ``order`` and
    implement ``figures``. ``dashboard`` renders the section's part of the dashboard
    page; the default shows the summary and the tables."""

    key: str = ""
    title: str = ""
    order: int = 100
    dashboard_template = "reports/section.html"
    # The one page parameter the section's dashboard part reads (study: ``dot``, the
    # campaign shown), with ``variants`` its values for a result: a large unit's
    # dashboard (``snapshots.py``) is rendered ahead once for each.
    variant_param: str = ""

    def variants(self, result: SectionResult) -> list[str]:
        return []

    def figures(self, query: ReportQuery) -> SectionResult:
        raise NotImplementedError

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        """The date of the section's latest record in ``unit``'s subtree on or before
        ``until`` (where the dashboard opens when the current year has none)."""
        return None

    def dashboard_context(
        self, result: SectionResult, query: ReportQuery, params: Mapping[str, str]
    ) -> dict[str, Any]:
        return {}

    def dashboard(
        self, result: SectionResult, query: ReportQuery, params: Mapping[str, str], link: str
    ) -> str:
        """The section's HTML on the dashboard; ``link`` is the period's query string
        (for drill-down links), ``params`` the page's GET parameters."""
        context = {
            "section": result,
            "tables": [
                (
                    table,
                    [
                        [display(v, k) for v, k in zip(row, table.kinds, strict=True)]
                        for row in table.rows[:50]
                    ],
                )
                for table in result.tables
            ],
            "query": link,
            "unit": query.unit,
            **self.dashboard_context(result, query, params),
        }
        return render_to_string(self.dashboard_template, context)


_SECTIONS: dict[str, ReportSection] = {}


def register_section(section: ReportSection) -> ReportSection:
    if not section.key:
        raise ValueError("A report section needs a key.")
    _SECTIONS[section.key] = section
    return section


def unregister_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def registered_sections() -> list[ReportSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
