"""Two sections of the sơ kết / tổng kết report: the organisation's own media output,
and awards and exemplary models. The one module of ``media`` that imports
``reports``; registered from ``MediaConfig.ready``.

The figures are ``selectors.media_figures`` and ``selectors.award_figures``; this
module says them in the style of the articles ("đã thực hiện 1.234 tin, bài ...;
ngoài tiếng Việt, có 45 sản phẩm bằng tiếng Mông ..."), as DOCX tables, XLSX rows
and sheets, JSON and the dashboard's default part.
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
    Completeness,
    ReportQuery,
    ReportSection,
    SectionResult,
    SectionTable,
    register_section,
)

from . import selectors
from .selectors import AwardFigures, MediaFigures

VIETNAMESE = "Tiếng Việt"
DOCUMENTS_SAID = 5  # documents named in the sentences; the table has them all


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _language(key: str) -> str:
    return f"Tiếng {key}" if key else VIETNAMESE


def _children(groups: dict[int, Any], query: ReportQuery) -> list[tuple[str, str, int]]:
    """(code, name, group id) per group with anything to show, in Vietnamese order; the
    unit's own records first, under its own name."""
    rows = []
    root = query.subtree.root
    for key in groups:
        code, name = query.subtree.names.get(key, ("", ""))
        if key == root.pk:
            code, name = root.code, f"{query.unit_name} (trực tiếp)"
        rows.append((code, name, key))
    own = [r for r in rows if r[2] == root.pk]
    rest = sorted((r for r in rows if r[2] != root.pk), key=lambda r: (collation_key(r[1]), r[0]))
    return own + rest


def _completeness(reported: set[int], query: ReportQuery) -> Completeness:
    """Expected: the report unit's children with units under them (communes under a
    province; party cells put out no news or broadcasts), else the unit itself (a
    commune, whose cells are all it holds, reports its own); reported: those with a
    record counted in the period."""
    root, sub = query.subtree.root.pk, query.subtree
    children = {c for c in sub.child.values() if c != root and c in sub.parents} or {root}
    missing = sorted(
        (query.subtree.names.get(c, ("", ""))[1] for c in children - reported), key=collation_key
    )
    return Completeness(expected=len(children), reported=len(children & reported), missing=missing)


# --- media output -------------------------------------------------------------------------


def _minutes(m: int) -> str:
    return f"{format_int(m)} phút"


def media_paragraphs(f: MediaFigures, query: ReportQuery) -> list[str]:
    parts = []
    for kind in f.kinds:
        cell = f.by_kind.get(kind.code)
        if cell is None:
            continue
        minutes = f" ({_minutes(cell.minutes)})" if cell.minutes else ""
        parts.append(f"{format_int(cell.count)} {kind.noun}{minutes}")
    total = f.totals
    minutes = f", với tổng thời lượng {_minutes(total.minutes)}" if total.minutes else ""
    out = [
        f"Trong kỳ báo cáo ({query.period_label}), {query.who} "
        f"đã thực hiện {format_int(total.count)} tin, bài, chương trình tuyên truyền"
        f"{minutes}, gồm " + "; ".join(parts) + "."
    ]
    others = [key for key in f.languages if key]
    if others:
        n = sum(f.by_language[k].count for k in others)
        said = []
        for key in others:
            cell = f.by_language[key]
            minutes = f", {_minutes(cell.minutes)}" if cell.minutes else ""
            said.append(f"tiếng {key} ({format_int(cell.count)} sản phẩm{minutes})")
        joined = ", ".join(said[:-1]) + " và " + said[-1] if len(said) > 1 else said[0]
        out.append(f"Ngoài tiếng Việt, có {format_int(n)} sản phẩm bằng {joined}.")
    if f.by_document:
        top = sorted(f.by_document.items(), key=lambda kv: (-kv[1].count, kv[0]))
        said = [
            f"{format_int(cell.count)} sản phẩm về {symbol}"
            + (f" ({_minutes(cell.minutes)})" if cell.minutes else "")
            for symbol, cell in top[:DOCUMENTS_SAID]
        ]
        out.append("Về nội dung, có " + "; ".join(said) + ".")
    if f.outside:
        out.append(
            f"Có {format_int(f.outside)} số liệu tin bài ghi cho kỳ vượt ra ngoài kỳ báo cáo "
            "nên chưa được tính ở đây."
        )
    return out


def _media_kinds_shown(f: MediaFigures) -> list[Any]:
    return [k for k in f.kinds if k.code in f.by_kind]


def _media_tables(f: MediaFigures, query: ReportQuery, *, codes: bool) -> list[SectionTable]:
    by_kind_language = [
        [kind.label, _language(lang), cell.count, cell.minutes]
        for kind in f.kinds
        for lang in f.languages
        if (cell := f.by_kind_language.get((kind.code, lang))) is not None
    ]
    by_kind_language.append(["Cộng", "", f.totals.count, f.totals.minutes])
    shown = _media_kinds_shown(f)
    unit_rows = []
    for code, name, key in _children(f.groups, query):
        cells = f.groups[key]
        total = f.group_total(key)
        counts = [cells[k.code].count if k.code in cells else 0 for k in shown]
        unit_rows.append(
            ([code, name] if codes else [name]) + counts + [total.count, total.minutes]
        )
    lead = ["Mã đơn vị", "Đơn vị"] if codes else ["Đơn vị"]
    tables = [
        SectionTable(
            "Tin bài theo loại và ngôn ngữ",
            ["Loại", "Ngôn ngữ", "Số lượng", "Thời lượng (phút)"],
            by_kind_language,
            [TEXT, TEXT, INT, INT],
            total=True,
        ),
        SectionTable(
            "Tin bài theo đơn vị",
            [*lead, *[k.label for k in shown], "Tổng số", "Thời lượng (phút)"],
            unit_rows,
            [TEXT] * len(lead) + [INT] * (len(shown) + 2),
            by_unit=True,
        ),
    ]
    if f.by_document:
        tables.append(
            SectionTable(
                "Tin bài theo văn bản",
                ["Văn bản", "Trích yếu", "Số lượng", "Thời lượng (phút)"],
                [
                    [symbol, f.titles.get(symbol, ""), cell.count, cell.minutes]
                    for symbol, cell in sorted(
                        f.by_document.items(), key=lambda kv: (-kv[1].count, kv[0])
                    )
                ],
                [TEXT, TEXT, INT, INT],
            )
        )
    return tables


def _media_summary(f: MediaFigures) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("Số tin, bài, chương trình tuyên truyền", f.totals.count),
        ("Thời lượng tin bài, chương trình (phút)", f.totals.minutes),
    ]
    rows += [(kind.label, f.by_kind[kind.code].count) for kind in _media_kinds_shown(f)]
    others = sum(c.count for k, c in f.by_language.items() if k)
    rows.append(("Sản phẩm bằng tiếng khác ngoài tiếng Việt", others))
    return rows


def _media_data(f: MediaFigures, query: ReportQuery) -> dict[str, Any]:
    return {
        "items": f.totals.count,
        "minutes": f.totals.minutes,
        "outside_period": f.outside,
        "kinds": [
            {
                "code": k.code,
                "label": k.label,
                "items": f.by_kind[k.code].count,
                "minutes": f.by_kind[k.code].minutes,
            }
            for k in _media_kinds_shown(f)
        ],
        "languages": [
            {
                "language": lang or VIETNAMESE,
                "items": f.by_language[lang].count,
                "minutes": f.by_language[lang].minutes,
            }
            for lang in f.languages
        ],
        "kind_language": [
            {"kind": kind, "language": lang or VIETNAMESE, "items": c.count, "minutes": c.minutes}
            for (kind, lang), c in sorted(f.by_kind_language.items())
        ],
        "documents": [
            {"symbol": s, "title": f.titles.get(s, ""), "items": c.count, "minutes": c.minutes}
            for s, c in sorted(f.by_document.items())
        ],
        "children": [
            {
                "code": code,
                "name": name,
                "items": f.group_total(key).count,
                "minutes": f.group_total(key).minutes,
                "kinds": {k: c.count for k, c in f.groups[key].items()},
            }
            for code, name, key in _children(f.groups, query)
        ],
    }


class MediaSection(ReportSection):
    key = "media"
    title = "Thông tin, tuyên truyền trên báo chí, phát thanh, truyền hình"
    order = 70

    def figures(self, query: ReportQuery) -> SectionResult:
        subtree = query.subtree
        f = selectors.media_figures(subtree, query.date_from, query.date_to, subtree.child)
        reported = {k for k, cells in f.groups.items() if cells}
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"Chưa có số liệu tin, bài, chương trình tuyên truyền nào của "
                f"{query.who} {query.period_label}."
            ),
            paragraphs=media_paragraphs(f, query) if not f.empty else [],
            tables=_media_tables(f, query, codes=False) if not f.empty else [],
            summary=_media_summary(f),
            sheets=_media_tables(f, query, codes=True) if not f.empty else [],
            data=_media_data(f, query),
            completeness=_completeness(reported, query),
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return selectors.latest_media(unit, until)


# --- awards and exemplary models ----------------------------------------------------------


def _who(cell: selectors.AwardCell) -> str:
    parts = []
    if cell.units:
        parts.append(f"{format_int(cell.units)} tập thể")
    if cell.people:
        parts.append(f"{format_int(cell.people)} cá nhân")
    return ", ".join(parts)


def award_paragraphs(f: AwardFigures, query: ReportQuery) -> list[str]:
    awards = [(k, f.by_kind[k.code]) for k in f.kinds if not k.is_model and k.code in f.by_kind]
    models = [(k, f.by_kind[k.code]) for k in f.kinds if k.is_model and k.code in f.by_kind]
    out = []
    lead = f"Trong kỳ báo cáo ({query.period_label}), "
    subject = query.who
    if awards:
        said = "; ".join(f"{format_int(c.total)} {k.label} ({_who(c)})" for k, c in awards)
        out.append(f"{lead}{subject} được khen thưởng: {said}.")
    if models:
        said_models = [
            f"{format_int(c.total)} {_lower_first(k.label)} ({_who(c)})" for k, c in models
        ]
        joined = (
            ", ".join(said_models[:-1]) + " và " + said_models[-1]
            if len(said_models) > 1
            else said_models[0]
        )
        if awards:
            out.append(f"Đã ghi nhận {joined}.")
        else:
            out.append(f"{lead}{subject} đã ghi nhận {joined}.")
    if f.by_document:
        top = sorted(f.by_document.items(), key=lambda kv: (-kv[1].total, kv[0]))
        said_docs = [
            f"{format_int(c.total)} khen thưởng, điển hình, mô hình gắn với việc thực hiện {s}"
            for s, c in top[:DOCUMENTS_SAID]
        ]
        out.append("Trong đó, " + "; ".join(said_docs) + ".")
    return out


def _award_kinds_shown(f: AwardFigures) -> list[Any]:
    return [k for k in f.kinds if k.code in f.by_kind]


def _award_tables(f: AwardFigures, query: ReportQuery, *, codes: bool) -> list[SectionTable]:
    shown = _award_kinds_shown(f)
    lead = ["Mã đơn vị", "Đơn vị"] if codes else ["Đơn vị"]
    by_kind = [
        [k.label, f.by_kind[k.code].total, f.by_kind[k.code].units, f.by_kind[k.code].people]
        for k in shown
    ]
    by_kind.append(["Cộng", f.totals.total, f.totals.units, f.totals.people])
    unit_rows = []
    for code, name, key in _children(f.groups, query):
        cells = f.groups[key]
        counts = [cells[k.code].total if k.code in cells else 0 for k in shown]
        unit_rows.append(([code, name] if codes else [name]) + counts + [f.group_total(key).total])
    tables = [
        SectionTable(
            "Khen thưởng theo loại",
            ["Loại", "Tổng số", "Tập thể", "Cá nhân"],
            by_kind,
            [TEXT, INT, INT, INT],
            total=True,
        ),
        SectionTable(
            "Khen thưởng theo đơn vị",
            [*lead, *[k.label for k in shown], "Tổng số"],
            unit_rows,
            [TEXT] * len(lead) + [INT] * (len(shown) + 1),
            by_unit=True,
        ),
    ]
    if f.by_document:
        tables.append(
            SectionTable(
                "Khen thưởng theo văn bản",
                ["Văn bản", "Trích yếu", "Số khen thưởng, điển hình"],
                [
                    [s, f.titles.get(s, ""), c.total]
                    for s, c in sorted(f.by_document.items(), key=lambda kv: (-kv[1].total, kv[0]))
                ],
                [TEXT, TEXT, INT],
            )
        )
    return tables


def _award_summary(f: AwardFigures) -> list[tuple[str, Any]]:
    return [
        ("Số khen thưởng, điển hình, mô hình", f.totals.total),
        *[(k.label, f.by_kind[k.code].total) for k in _award_kinds_shown(f)],
    ]


def _award_data(f: AwardFigures, query: ReportQuery) -> dict[str, Any]:
    return {
        "total": f.totals.total,
        "units": f.totals.units,
        "people": f.totals.people,
        "kinds": [
            {
                "code": k.code,
                "label": k.label,
                "model": k.is_model,
                "total": f.by_kind[k.code].total,
                "units": f.by_kind[k.code].units,
                "people": f.by_kind[k.code].people,
            }
            for k in _award_kinds_shown(f)
        ],
        "documents": [
            {"symbol": s, "title": f.titles.get(s, ""), "total": c.total}
            for s, c in sorted(f.by_document.items())
        ],
        "children": [
            {
                "code": code,
                "name": name,
                "total": f.group_total(key).total,
                "kinds": {k: c.total for k, c in f.groups[key].items()},
            }
            for code, name, key in _children(f.groups, query)
        ],
    }


class AwardsSection(ReportSection):
    key = "awards"
    title = "Khen thưởng, điển hình tiên tiến, mô hình hay"
    order = 75

    def figures(self, query: ReportQuery) -> SectionResult:
        subtree = query.subtree
        f = selectors.award_figures(subtree, query.date_from, query.date_to, subtree.child)
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"Chưa có khen thưởng, điển hình tiên tiến hay mô hình nào của "
                f"{query.who} {query.period_label}."
            ),
            paragraphs=award_paragraphs(f, query) if not f.empty else [],
            tables=_award_tables(f, query, codes=False) if not f.empty else [],
            summary=_award_summary(f),
            sheets=_award_tables(f, query, codes=True) if not f.empty else [],
            data=_award_data(f, query),
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return selectors.latest_award(unit, until)


def register() -> None:
    """Called from ``MediaConfig.ready``."""
    register_section(MediaSection())
    register_section(AwardsSection())
