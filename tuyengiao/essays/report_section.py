"""The essays' section of the sơ kết / tổng kết report: the one module of ``essays``
that imports ``reports``. Registered from ``EssaysConfig.ready``.

The figures are ``selectors.figures``: essays handed in during the period by members
of the subtree (on time or late) and their released grades, per document studied and
per child unit; said as sentences, DOCX tables, XLSX rows and sheets, JSON and the
dashboard's default part.
"""

from __future__ import annotations

from typing import Any

from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.lib.text import collation_key
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
from .models import Grade
from .selectors import EssayFigures, Tally

GRADE_LABELS = [(g.value, str(g.label)) for g in Grade]


def _share(part: int, whole: int) -> Any:
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def paragraphs(f: EssayFigures, query: ReportQuery) -> list[str]:
    t = f.total
    out = [
        f"Trong kỳ báo cáo ({query.period_label}), đảng viên của {query.who} "
        f"đã nộp {format_int(t.handed_in)} bài thu hoạch "
        f"({format_int(t.on_time)} bài đúng hạn, {format_int(t.late)} bài nộp muộn)."
    ]
    if t.graded:
        parts = [
            f"{format_int(t.grades[code])} bài {label.lower()}"
            for code, label in GRADE_LABELS
            if t.grades[code]
        ]
        good = t.grades[Grade.EXCELLENT] + t.grades[Grade.GOOD]
        share = _share(good, t.graded)
        out.append(
            f"Đã công bố kết quả {format_int(t.graded)} bài: "
            + ", ".join(parts)
            + (
                f"; tỷ lệ bài xếp loại xuất sắc và tốt đạt {format_percent(share)}."
                if share is not None
                else "."
            )
        )
    else:
        out.append("Chưa có kết quả chấm bài thu hoạch nào được công bố.")
    return out


def _row(t: Tally) -> list[Any]:
    return [t.handed_in, t.on_time, t.late, *[t.grades[c] for c, _ in GRADE_LABELS]]


HEADERS = ["Đã nộp", "Đúng hạn", "Muộn", *[label for _, label in GRADE_LABELS]]
KINDS = [INT] * len(HEADERS)


def _children(f: EssayFigures, query: ReportQuery) -> list[tuple[str, str, Tally]]:
    rows = []
    root = query.subtree.root.pk
    for key, tally in f.groups.items():
        code, name = query.subtree.names.get(query.subtree.canonical.get(key, key), ("", ""))
        if key == root:
            name = f"{query.unit_name} (trực tiếp)"
        rows.append((code, name, tally))
    own = [r for r in rows if r[0] == query.subtree.root.code]
    rest = sorted((r for r in rows if r not in own), key=lambda r: (collation_key(r[1]), r[0]))
    return own + rest


def _documents(f: EssayFigures) -> list[tuple[int, str, Tally]]:
    return sorted(
        ((pk, f.document_names[pk], t) for pk, t in f.documents.items()), key=lambda r: r[1]
    )


def _tables(f: EssayFigures, query: ReportQuery) -> list[SectionTable]:
    return [
        SectionTable(
            "Bài thu hoạch theo văn bản",
            ["Văn bản", *HEADERS],
            [[name, *_row(t)] for _, name, t in _documents(f)],
            [TEXT, *KINDS],
        ),
        SectionTable(
            "Bài thu hoạch theo đơn vị",
            ["Đơn vị", *HEADERS, "Tỷ lệ nộp đúng hạn"],
            [
                [name, *_row(t), _share(t.on_time, t.handed_in)]
                for _, name, t in _children(f, query)
            ],
            [TEXT, *KINDS, PERCENT],
            by_unit=True,
        ),
    ]


def _sheets(f: EssayFigures, query: ReportQuery) -> list[SectionTable]:
    return [
        SectionTable(
            "Thu hoạch theo văn bản",
            ["Số hiệu văn bản", *HEADERS],
            [[name, *_row(t)] for _, name, t in _documents(f)],
            [TEXT, *KINDS],
        ),
        SectionTable(
            "Thu hoạch theo đơn vị",
            ["Mã đơn vị", "Đơn vị", *HEADERS],
            [[code, name, *_row(t)] for code, name, t in _children(f, query)],
            [TEXT, TEXT, *KINDS],
            by_unit=True,
        ),
    ]


def _tally_data(t: Tally) -> dict[str, Any]:
    return {
        "handed_in": t.handed_in,
        "on_time": t.on_time,
        "late": t.late,
        "graded": t.graded,
        "grades": {code: t.grades[code] for code, _ in GRADE_LABELS},
    }


def _data(f: EssayFigures, query: ReportQuery) -> dict[str, Any]:
    return {
        **_tally_data(f.total),
        "documents": [{"symbol": name, **_tally_data(t)} for _, name, t in _documents(f)],
        "children": [
            {"code": code, "name": name, **_tally_data(t)} for code, name, t in _children(f, query)
        ],
    }


class EssaysSection(ReportSection):
    key = "essays"
    title = "Bài thu hoạch sau học tập, quán triệt"
    order = 30

    def figures(self, query: ReportQuery) -> SectionResult:
        subtree = query.subtree
        f = selectors.figures(subtree, query.date_from, query.date_to)
        t = f.total
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"Không có bài thu hoạch nào của đảng viên {query.who} "
                f"được nộp {query.period_label}."
            ),
            paragraphs=paragraphs(f, query),
            tables=_tables(f, query),
            summary=[
                ("Số bài thu hoạch đã nộp", t.handed_in),
                ("Nộp đúng hạn", t.on_time),
                ("Nộp muộn", t.late),
                ("Đã công bố kết quả", t.graded),
                *[(f"Xếp loại {label}", t.grades[code]) for code, label in GRADE_LABELS],
            ],
            sheets=_sheets(f, query),
            data=_data(f, query),
            figures=f,
        )


def register() -> None:
    """Called from ``EssaysConfig.ready``."""
    register_section(EssaysSection())
