"""The contests' section of the sơ kết / tổng kết report: the one module of
``contests`` that imports ``reports``. Registered from ``ContestsConfig.ready``.

Figures from ``selectors.report_figures``: attempts handed in during the period by
participants who gave a unit of the report's subtree (members and the public alike),
per child unit and per contest: participants, of whom members, attempts, participants
with full marks (each person counted once per contest).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.lib.numbers import format_int
from tuyengiao.lib.text import collation_key
from tuyengiao.orgs.models import Unit
from tuyengiao.reports.sections import (
    INT,
    TEXT,
    ReportQuery,
    ReportSection,
    SectionResult,
    SectionTable,
    register_section,
)

from . import selectors
from .selectors import ContestFigures, UnitResult


def _children(f: ContestFigures, query: ReportQuery) -> list[UnitResult]:
    rows = list(f.groups.values())
    root = query.subtree.root.pk
    for g in rows:
        g.code, g.name = query.subtree.names.get(g.unit_id, (g.code, g.name))
        if g.unit_id == root:
            g.name = f"{query.unit_name} (trực tiếp)"
    own = [g for g in rows if g.unit_id == root]
    rest = sorted(
        (g for g in rows if g.unit_id != root), key=lambda g: (collation_key(g.name), g.code)
    )
    return own + rest


def paragraphs(f: ContestFigures, query: ReportQuery) -> list[str]:
    n = len(f.contests)
    names = "; ".join(f"“{c.title}”" for c in f.contests[:5]) + ("…" if n > 5 else "")
    return [
        f"Trong kỳ báo cáo ({query.period_label}), {query.who} "
        f"có {format_int(f.participants)} lượt người tham gia {format_int(n)} cuộc thi, hội "
        f"thi trực tuyến tìm hiểu nghị quyết ({names}), trong đó {format_int(f.members)} "
        f"đảng viên; tổng số {format_int(f.attempts)} bài dự thi, "
        f"{format_int(f.full_marks)} người trả lời đúng tất cả các câu hỏi."
    ]


def _tables(f: ContestFigures, query: ReportQuery, *, with_codes: bool) -> list[SectionTable]:
    unit_head = ["Mã đơn vị", "Đơn vị"] if with_codes else ["Đơn vị"]
    return [
        SectionTable(
            "Cuộc thi theo đơn vị",
            [*unit_head, "Người dự thi", "Đảng viên", "Bài dự thi", "Đúng tất cả"],
            [
                [
                    *([g.code, g.name] if with_codes else [g.name]),
                    g.participants,
                    g.members,
                    g.attempts,
                    g.full_marks,
                ]
                for g in _children(f, query)
            ],
            [*([TEXT] * len(unit_head)), INT, INT, INT, INT],
            by_unit=True,
        ),
        SectionTable(
            "Các cuộc thi",
            ["Cuộc thi", "Người dự thi", "Bài dự thi", "Đúng tất cả"],
            [[c.title, c.participants, c.attempts, c.full_marks] for c in f.contests],
            [TEXT, INT, INT, INT],
        ),
    ]


def _data(f: ContestFigures, query: ReportQuery) -> dict[str, Any]:
    return {
        "contests": len(f.contests),
        "participants": f.participants,
        "members": f.members,
        "attempts": f.attempts,
        "full_marks": f.full_marks,
        "by_contest": [
            {
                "code": c.code,
                "title": c.title,
                "participants": c.participants,
                "attempts": c.attempts,
                "full_marks": c.full_marks,
            }
            for c in f.contests
        ],
        "children": [
            {
                "code": g.code,
                "name": g.name,
                "participants": g.participants,
                "members": g.members,
                "attempts": g.attempts,
                "full_marks": g.full_marks,
            }
            for g in _children(f, query)
        ],
    }


class ContestsSection(ReportSection):
    key = "contests"
    title = "Cuộc thi tìm hiểu nghị quyết"
    order = 40

    def figures(self, query: ReportQuery) -> SectionResult:
        subtree = query.subtree
        f = selectors.report_figures(
            subtree, query.date_from, query.date_to, subtree.child, subtree.names
        )
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(f"Không có bài dự thi nào của {query.who} {query.period_label}."),
            paragraphs=paragraphs(f, query) if not f.empty else [],
            tables=_tables(f, query, with_codes=False),
            summary=[
                ("Số cuộc thi có người dự thi", len(f.contests)),
                ("Số người dự thi", f.participants),
                ("Số đảng viên dự thi", f.members),
                ("Số bài dự thi", f.attempts),
                ("Số người đúng tất cả", f.full_marks),
            ],
            sheets=_tables(f, query, with_codes=True),
            data=_data(f, query),
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return selectors.latest_submission(unit, until)


def register() -> None:
    """Called from ``ContestsConfig.ready``."""
    register_section(ContestsSection())
