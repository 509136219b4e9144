"""The dashboard's parts: every registered section's, rendered now for a unit of
ordinary size, or read from the snapshot the task worker computed for a large one
(``snapshots``: the national root's figures take minutes, never a request's time).

A snapshot of kind ``reports.dashboard`` holds, for a unit, a period and a
structure, the heading's words and every section's part rendered once for its
default view and once more for each value of the one page parameter the section
declares (``ReportSection.variant_param`` / ``variants``: study's campaigns), so
that choosing a campaign on the page needs no new computation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import name_and_below
from tuyengiao.snapshots.services import Shown, snapshot_shown, stored_html

from .sections import ReportQuery, ReportSection, SectionResult
from .selectors import Report, check_query, report_figures

KIND = "reports.dashboard"


def query_string(date_from: dt.date, date_to: dt.date, structure: str) -> str:
    """The period's query string, for the sections' drill-down links."""
    return f"tu={date_from:%d/%m/%Y}&den={date_to:%d/%m/%Y}&co_cau={structure}"


def _part(result: SectionResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "title": result.title,
        "empty": result.empty,
        "empty_sentence": result.empty_sentence,
    }


def live_parts(report: Report, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every section's part of the dashboard, rendered now."""
    link = query_string(report.date_from, report.date_to, report.structure)
    return [
        # an empty section says so in one sentence; its part (its units with
        # zeros, for the drill-down) stays one click away, folded
        {**_part(result), "html": section.dashboard(result, report.query, params, link)}
        for section, result in report.parts
    ]


def _rendered(section: ReportSection, result: SectionResult, query: ReportQuery) -> dict[str, str]:
    """The section's part for its default view ("") and for each of its variants."""
    link = query_string(query.date_from, query.date_to, query.structure)
    html = {"": str(section.dashboard(result, query, {}, link))}
    if section.variant_param:
        for value in section.variants(result):
            params = {section.variant_param: value}
            html[value] = str(section.dashboard(result, query, params, link))
    return html


def compute(params: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's content (the worker's job, registered in ``ReportsConfig.ready``)."""
    report = report_figures(
        unit=Unit.objects.get(pk=params["unit"]),
        date_from=dt.date.fromisoformat(params["from"]),
        date_to=dt.date.fromisoformat(params["to"]),
        structure=params["structure"],
        allow_empty=True,
    )
    return {
        "unit_name": report.unit_name,
        "period_label": report.period_label,
        "is_empty": report.is_empty,
        "parts": [
            {
                **_part(result),
                "param": section.variant_param,
                "html": _rendered(section, result, report.query),
            }
            for section, result in report.parts
        ],
    }


@dataclass(frozen=True)
class SnapshotReport:
    """What the dashboard's heading reads from a report, taken from a snapshot."""

    unit_name: str
    period_label: str
    is_empty: bool

    @property
    def who(self) -> str:
        """As ``ReportQuery.who``: a unit shown from a snapshot has many units under it."""
        return name_and_below(self.unit_name, below=True)


def from_snapshot(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, structure: str, params: Mapping[str, str]
) -> tuple[Shown, SnapshotReport | None, list[dict[str, Any]]]:
    """The large unit's dashboard from its snapshot (``ValidationError`` for a period
    that ends before it starts, as ``report_figures``, before any snapshot is asked)."""
    check_query(date_from, date_to, structure)
    shown = snapshot_shown(
        KIND,
        {
            "unit": unit.pk,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "structure": structure,
        },
    )
    content = shown.content
    if content is None:
        return shown, None, []
    report = SnapshotReport(
        unit_name=str(content["unit_name"]),
        period_label=str(content["period_label"]),
        is_empty=bool(content["is_empty"]),
    )
    parts: list[dict[str, Any]] = []
    for part in content["parts"]:
        variants: dict[str, str] = part["html"]
        chosen = params.get(part["param"], "") if part["param"] else ""
        html = stored_html(variants.get(chosen, variants[""]))
        parts.append(
            {**{k: v for k, v in part.items() if k not in ("html", "param")}, "html": html}
        )
    return shown, report, parts
