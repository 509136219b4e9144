"""The completeness of reporting: the one module of ``periods`` that imports
``reports``' section interface. Registered from ``PeriodsConfig.ready``.

For the reporting periods opened by the report's unit or a unit above it whose
cut-off falls in the report's period: how many units of the unit's subtree were
expected to report, how many did, how many on time, how many are approved
(DHIS2's expected, actual, on time).
"""

from __future__ import annotations

import datetime as dt

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.orgs.models import Unit
from tuyengiao.reports.sections import (
    INT,
    PERCENT,
    TEXT,
    Completeness,
    ReportQuery,
    ReportSection,
    SectionResult,
    SectionTable,
    register_section,
)

from . import selectors
from .models import ReportingPeriod

PERIODS_SHOWN = 12
MISSING_NAMED = 20


def _pct(value: object) -> str:
    return "—" if value is None else format_percent(value)  # type: ignore[arg-type]


class PeriodsSection(ReportSection):
    key = selectors.SECTION_KEY
    title = "Tình hình gửi báo cáo định kỳ"
    order = 90

    def figures(self, query: ReportQuery) -> SectionResult:
        periods = selectors.periods_for(
            ReportingPeriod.objects.all(), query.unit, query.date_from, query.date_to, PERIODS_SHOWN
        )
        if not periods:
            return SectionResult(
                key=self.key,
                title=self.title,
                empty=True,
                empty_sentence=f"Không có kỳ báo cáo nào có ngày chốt số liệu {query.period_label}.",
            )
        rows = [selectors.completeness(p, query.unit) for p in periods]
        paragraphs = [
            f"Kỳ báo cáo {c.period.name} (hạn nộp {format_date(c.period.due_date)}): "
            f"{format_int(c.actual)}/{format_int(c.expected)} đơn vị đã gửi báo cáo "
            f"({_pct(c.actual_rate)}), trong đó {format_int(c.on_time)} đơn vị gửi đúng hạn "
            f"({_pct(c.on_time_rate)}); {format_int(c.approved)} báo cáo đã được phê duyệt"
            + (f"; còn {format_int(c.missing)} đơn vị chưa gửi." if c.missing else ".")
            for c in rows
        ]
        headers = [
            "Kỳ báo cáo",
            "Hạn nộp",
            "Phải gửi",
            "Đã gửi",
            "Tỷ lệ đã gửi",
            "Đúng hạn",
            "Tỷ lệ đúng hạn",
            "Đã duyệt",
        ]
        kinds = [TEXT, TEXT, INT, INT, PERCENT, INT, PERCENT, INT]
        table_rows = [
            [
                c.period.name,
                format_date(c.period.due_date),
                c.expected,
                c.actual,
                c.actual_rate,
                c.on_time,
                c.on_time_rate,
                c.approved,
            ]
            for c in rows
        ]
        latest = rows[0]
        missing = [u.name for u in selectors.late_units(latest.period, query.unit)[:MISSING_NAMED]]
        table = SectionTable("Tình hình gửi báo cáo", headers, table_rows, kinds)
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=False,
            paragraphs=paragraphs,
            tables=[table],
            summary=[
                ("Kỳ báo cáo gần nhất", latest.period.name),
                ("Số đơn vị phải gửi báo cáo", latest.expected),
                ("Số đơn vị đã gửi báo cáo", latest.actual),
                ("Số đơn vị gửi đúng hạn", latest.on_time),
                ("Số báo cáo đã được phê duyệt", latest.approved),
            ],
            sheets=[table],
            data={
                "periods": [
                    {
                        "name": c.period.name,
                        "kind": c.period.kind,
                        "from": c.period.date_from.isoformat(),
                        "cutoff": c.period.cutoff.isoformat(),
                        "due": c.period.due_date.isoformat(),
                        "expected": c.expected,
                        "actual": c.actual,
                        "on_time": c.on_time,
                        "approved": c.approved,
                    }
                    for c in rows
                ]
            },
            completeness=Completeness(
                expected=latest.expected, reported=latest.actual, missing=missing
            ),
            figures=rows,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        period = (
            ReportingPeriod.objects.filter(unit_id__in=unit.path_ids, cutoff__lte=until)
            .order_by("-cutoff")
            .first()
        )
        return period.cutoff if period else None


def register() -> None:
    """Called from ``PeriodsConfig.ready``."""
    register_section(PeriodsSection())
