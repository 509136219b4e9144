"""The surveys' section of the report: the one module of ``surveys`` that imports
``reports``. Registered from ``SurveysConfig.ready``.

For each survey whose period meets the report's and whose subtree holds the report's
unit (or lies inside it), each ``select_one`` question's share of each choice among
those who answered it ("có 96,23% số người được hỏi ..."), at the report's unit (or
the survey's unit when it lies below). The figures come from the survey's one
suppression pattern (``selectors.results``): a hidden figure is said to be hidden,
never given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.orgs.models import Unit
from tuyengiao.reports.sections import (
    INT,
    PERCENT,
    TEXT,
    ReportQuery,
    ReportSection,
    SectionResult,
    SectionTable,
    register_section,
)

from . import selectors
from .selectors import SurveyFigures


def _quote(text: str) -> str:
    return f"“{text.strip().rstrip('?:.').strip()}”"


def paragraphs(figures: list[SurveyFigures]) -> list[str]:
    out = []
    for f in figures:
        head = (
            f"Kết quả điều tra xã hội học “{f.title}” (từ ngày {format_date(f.date_from)} "
            f"đến ngày {format_date(f.date_to)}) tại {f.unit_name}"
        )
        if not f.published:
            out.append(f"{head}: đang thu phiếu; kết quả được công bố khi cuộc khảo sát kết thúc.")
            continue
        if f.responses is None:
            out.append(
                f"{head}: không công bố số liệu, vì số người trả lời ít hơn {f.threshold} hoặc "
                "số liệu có thể làm lộ câu trả lời của một nhóm nhỏ."
            )
            continue
        out.append(f"{head} với {format_int(f.responses)} phiếu trả lời cho thấy:")
        for q in f.questions:
            if q.respondents is None:
                out.append(
                    f"Về câu hỏi {_quote(q.label)}: không công bố số liệu (ít hơn "
                    f"{f.threshold} người trả lời hoặc để bảo vệ người trả lời)."
                )
                continue
            parts = [
                f"có {format_percent(c.share)} số người được hỏi chọn “{c.label}”"
                for c in q.choices
                if c.share is not None and c.count
            ]
            out.append(f"Về câu hỏi {_quote(q.label)}, " + "; ".join(parts) + ".")
    return out


def _rows(figures: list[SurveyFigures]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for f in figures:
        for q in f.questions:
            if q.respondents is None:
                rows.append([f.title, q.label, "(không công bố)", None, None])
                continue
            rows += [[f.title, q.label, c.label, c.count, c.share] for c in q.choices]
    return rows


def _data(figures: list[SurveyFigures]) -> dict[str, Any]:
    return {
        "surveys": [
            {
                "code": f.code,
                "title": f.title,
                "date_from": f.date_from.isoformat(),
                "date_to": f.date_to.isoformat(),
                "threshold": f.threshold,
                "published": f.published,
                "unit": f.unit_name,
                "responses": f.responses,
                "questions": [
                    {
                        "name": q.name,
                        "label": q.label,
                        "respondents": q.respondents,
                        "choices": [
                            {
                                "name": c.name,
                                "label": c.label,
                                "count": c.count,
                                "percent": None if c.share is None else float(c.share),
                            }
                            for c in q.choices
                        ],
                    }
                    for q in f.questions
                ],
            }
            for f in figures
        ]
    }


class SurveysSection(ReportSection):
    key = "surveys"
    title = "Kết quả điều tra xã hội học"
    order = 60

    def figures(self, query: ReportQuery) -> SectionResult:
        figures = selectors.report_figures(query.unit, query.date_from, query.date_to)
        shown = [f for f in figures if f.responses is not None]
        table = SectionTable(
            "Khảo sát theo câu hỏi",
            ["Khảo sát", "Câu hỏi", "Phương án", "Số người", "Tỷ lệ"],
            _rows(figures),
            [TEXT, TEXT, TEXT, INT, PERCENT],
        )
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=not figures,
            empty_sentence=f"Không có cuộc điều tra xã hội học nào {query.period_label}.",
            paragraphs=paragraphs(figures),
            tables=[table],
            summary=[
                ("Số cuộc điều tra xã hội học", len(figures)),
                ("Số cuộc có số liệu công bố", len(shown)),
                ("Số phiếu trả lời (các cuộc có số liệu)", sum(f.responses or 0 for f in shown)),
            ],
            sheets=[table],
            data=_data(figures),
            figures=figures,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return selectors.latest_response(unit, until)


def register() -> None:
    """Called from ``SurveysConfig.ready``."""
    register_section(SurveysSection())
