"""Study's section of the sơ kết / tổng kết report: the one module of ``study``
that imports ``reports`` (as an app's ``admin.py`` imports the admin). Registered
from ``StudyConfig.ready``.

The figures are ``figures.study_figures``; this module only says them: sentences
in the style of the articles in ``../shared/domain/`` ("đã tổ chức 2.033 hội nghị
với 51.081 lượt người tham gia học tập; 227.251 lượt đoàn viên, hội viên và nhân
dân được tuyên truyền"), the DOCX tables, the XLSX rows and sheets, the JSON and the
dashboard part.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.orgs.models import Unit
from tuyengiao.reports import charts
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

from .figures import ChildFigures, StudyFigures, latest_session_date, study_figures


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def paragraphs(f: StudyFigures, query: ReportQuery) -> list[str]:
    t = f.totals
    who = f"Trong kỳ báo cáo ({query.period_label}), {query.unit_and_below('tổ chức đảng')}"
    bridge = f" (với {format_int(t.bridge_points)} điểm cầu)" if t.bridge_points else ""
    reached = (
        f"{format_int(t.person_times)} lượt người tham gia học tập, quán triệt; "
        f"{format_int(t.public_reached)} lượt đoàn viên, hội viên và nhân dân được tuyên truyền."
    )
    if t.sessions:
        first = f"{who} đã tổ chức {format_int(t.sessions)} hội nghị{bridge} với {reached}"
    elif t.bridge_points:  # only bridge points of conferences held above
        first = (
            f"{who} không chủ trì hội nghị nào; {format_int(t.bridge_points)} điểm cầu của "
            f"các hội nghị do cấp trên tổ chức có {reached}"
        )
    else:  # its members studied at conferences held by other units
        first = (
            f"{who} không tự tổ chức hội nghị nào; đảng viên tham gia học tập, quán triệt "
            "tại các hội nghị do đơn vị khác tổ chức."
        )
    second = (
        f"Có {format_int(f.members_attended)} đảng viên thuộc diện học tập đã tham gia ít nhất "
        "một hội nghị trong kỳ; "
        f"tổng số đảng viên thuộc diện học tập (không kể đảng viên được miễn sinh hoạt) "
        f"tại thời điểm cuối kỳ là {format_int(f.members_required)} đồng chí. "
        f"Số lượt vắng có lý do là {format_int(t.excused)}, vắng không lý do là "
        f"{format_int(t.absent)}."
    )
    out = [first, second]
    repeated = _repeated_names(f)
    below = query.subtree.has_units_below
    for c in f.campaigns:
        status = "đạt" if c.met else "chưa đạt"
        docs = f" ({c.documents})" if c.documents else ""
        sentence = (
            f"Đối với {c.title}{docs}: {format_int(c.attended)}/{format_int(c.required)} "
            f"đảng viên đã tham gia học tập, đạt tỷ lệ {_pct(c.rate)}, {status} chỉ tiêu "
            f"{_pct(c.target)} đề ra."
        )
        if c.units_without_session and not below:  # a party cell: itself
            sentence += f" {query.unit_name} chưa tổ chức hội nghị của đợt học tập này."
        elif c.units_without_session:
            names = ", ".join(c.units_without_session[:10])
            more = (
                f" và {format_int(len(c.units_without_session) - 10)} đơn vị khác"
                if len(c.units_without_session) > 10
                else ""
            )
            sentence += (
                f" Còn {format_int(len(c.units_without_session))}/{format_int(c.units_total)} "
                f"đơn vị cơ sở chưa tổ chức hội nghị: {names}{more}."
            )
        late = f.lagging(c) if below else []  # a cell's own rate is told above
        if late:
            sentence += (
                " Các đơn vị có tỷ lệ thấp hơn chỉ tiêu: "
                + ", ".join(_with_rate(_child_name(child, repeated), r) for child, r in late[:10])
                + "."
            )
        out.append(sentence)
    return out


def _repeated_names(f: StudyFigures) -> set[str]:
    """Names two children share ("Chi bộ trạm y tế số 4" twice): told apart by code."""
    seen = Counter(ch.name for ch in f.children)
    return {name for name, n in seen.items() if n > 1}


def _child_name(child: ChildFigures, repeated: set[str]) -> str:
    return f"{child.name} ({child.code})" if child.name in repeated else child.name


def _with_rate(label: str, rate: Decimal | None) -> str:
    """ "Đảng ủy xã Một (50,00%)"; a label ending in brackets takes the rate inside them:
    "Đảng ủy xã Một (XA1, 50,00%)", "Tỉnh ủy Thử (trực tiếp, 40,00%)"."""
    if label.endswith(")"):
        return f"{label[:-1]}, {_pct(rate)})"
    return f"{label} ({_pct(rate)})"


def _tables(f: StudyFigures) -> list[SectionTable]:
    """By campaign; by unit under the report's unit (``by_unit``: none under a cell)."""
    shown = f.campaigns[:3]
    repeated = _repeated_names(f)
    return [
        SectionTable(
            "Kết quả học tập theo văn bản",
            ["Đợt học tập, văn bản", "Phải học", "Đã học", "Tỷ lệ", "Chỉ tiêu", "Đánh giá"],
            [
                [
                    f"{c.title} ({c.documents})" if c.documents else c.title,
                    c.required,
                    c.attended,
                    c.rate,
                    c.target,
                    "Đạt" if c.met else "Chưa đạt",
                ]
                for c in f.campaigns
            ],
            [TEXT, INT, INT, PERCENT, PERCENT, TEXT],
        ),
        SectionTable(
            "Kết quả theo đơn vị trực thuộc",
            [
                "Đơn vị",
                "Hội nghị",
                "Điểm cầu",
                "Lượt người",
                "Nhân dân",
                *[f"Tỷ lệ {c.documents or c.title}" for c in shown],
            ],
            [
                [
                    _child_name(ch, repeated),
                    ch.counts.sessions,
                    ch.counts.bridge_points,
                    ch.counts.person_times,
                    ch.counts.public_reached,
                    *[ch.rate_for(c.id) for c in shown],
                ]
                for ch in f.children
            ],
            [TEXT, INT, INT, INT, INT, *[PERCENT] * len(shown)],
            by_unit=True,
        ),
    ]


def _summary(f: StudyFigures) -> list[tuple[str, Any]]:
    t = f.totals
    return [
        ("Số hội nghị", t.sessions),
        ("Số điểm cầu", t.bridge_points),
        ("Số lượt người tham gia", t.person_times),
        ("Số lượt đảng viên có mặt", t.present),
        ("Số lượt người khác tham dự", t.other_attendees),
        ("Số lượt vắng có lý do", t.excused),
        ("Số lượt vắng không lý do", t.absent),
        ("Số đảng viên thuộc diện học tập đã tham gia", f.members_attended),
        ("Số đảng viên thuộc diện học tập", f.members_required),
        ("Số lượt nhân dân được tuyên truyền", t.public_reached),
    ]


def _sheets(f: StudyFigures) -> list[SectionTable]:
    return [
        SectionTable(
            "Theo văn bản",
            [
                "Đợt học tập",
                "Văn bản",
                "Phải học",
                "Đã học",
                "Tỷ lệ",
                "Chỉ tiêu",
                "Hội nghị",
                "Điểm cầu",
                "Lượt người",
                "Đơn vị chưa tổ chức",
            ],
            [
                [
                    c.title,
                    c.documents,
                    c.required,
                    c.attended,
                    c.rate,
                    c.target,
                    c.sessions,
                    c.bridge_points,
                    c.person_times,
                    len(c.units_without_session),
                ]
                for c in f.campaigns
            ],
            [TEXT, TEXT, INT, INT, PERCENT, PERCENT, INT, INT, INT, INT],
        ),
        SectionTable(
            "Theo đơn vị",
            [
                "Mã đơn vị",
                "Đơn vị",
                "Hội nghị",
                "Điểm cầu",
                "Lượt người",
                "Nhân dân",
                "Đảng viên thuộc diện học tập",
                *[f"Tỷ lệ: {c.documents or c.title}" for c in f.campaigns],
            ],
            [
                [
                    ch.code,
                    ch.name,
                    ch.counts.sessions,
                    ch.counts.bridge_points,
                    ch.counts.person_times,
                    ch.counts.public_reached,
                    ch.required,
                    *[ch.rate_for(c.id) for c in f.campaigns],
                ]
                for ch in f.children
            ],
            [TEXT, TEXT, INT, INT, INT, INT, INT, *[PERCENT] * len(f.campaigns)],
        ),
        SectionTable(
            "Theo tháng",
            ["Tháng", "Hội nghị", "Lượt người"],
            [[m.month.strftime("%m/%Y"), m.sessions, m.person_times] for m in f.months],
            [TEXT, INT, INT],
        ),
    ]


def _data(f: StudyFigures) -> dict[str, Any]:
    t = f.totals
    return {
        "totals": {
            "sessions": t.sessions,
            "bridge_points": t.bridge_points,
            "person_times": t.person_times,
            "present": t.present,
            "excused": t.excused,
            "absent": t.absent,
            "other_attendees": t.other_attendees,
            "public_reached": t.public_reached,
            "members_attended": f.members_attended,
            "members_required": f.members_required,
            "units_in_scope": f.units_in_scope,
        },
        "campaigns": [
            {
                "id": c.id,
                "title": c.title,
                "documents": c.documents,
                "required": c.required,
                "attended": c.attended,
                "rate_percent": _num(c.rate),
                "target_percent": _num(c.target),
                "met": c.met,
                "sessions": c.sessions,
                "bridge_points": c.bridge_points,
                "person_times": c.person_times,
                "units_total": c.units_total,
                "units_without_session": c.units_without_session,
            }
            for c in f.campaigns
        ],
        "children": [
            {
                "code": ch.code,
                "name": ch.name,
                "sessions": ch.counts.sessions,
                "bridge_points": ch.counts.bridge_points,
                "person_times": ch.counts.person_times,
                "public_reached": ch.counts.public_reached,
                "members_required": ch.required,
                "rates_percent": {str(c.id): _num(ch.rate_for(c.id)) for c in f.campaigns},
            }
            for ch in f.children
        ],
        "months": [
            {
                "month": m.month.strftime("%Y-%m"),
                "sessions": m.sessions,
                "person_times": m.person_times,
            }
            for m in f.months
        ],
    }


def _completeness(f: StudyFigures) -> Completeness:
    """Grassroots units expected to hold a session of a running campaign, and those
    that did (over all campaigns: a unit missing any campaign is missing)."""
    expected = missing = 0
    names: list[str] = []
    for c in f.campaigns:
        expected += c.units_total
        missing += len(c.units_without_session)
        names.extend(n for n in c.units_without_session if n not in names)
    return Completeness(expected=expected, reported=expected - missing, missing=names)


class StudySection(ReportSection):
    key = "study"
    title = "Kết quả học tập, quán triệt nghị quyết"
    order = 10
    dashboard_template = "study/report_section.html"
    variant_param = "dot"

    def variants(self, result: SectionResult) -> list[str]:
        f: StudyFigures = result.figures
        return [str(c.id) for c in f.campaigns]

    def figures(self, query: ReportQuery) -> SectionResult:
        f = study_figures(query.subtree, query.date_from, query.date_to)
        empty = f"Không có hội nghị nào của {query.who} {query.period_label}."
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.is_empty,
            empty_sentence=empty,
            paragraphs=paragraphs(f, query),
            tables=_tables(f),
            summary=_summary(f),
            sheets=_sheets(f),
            data=_data(f),
            completeness=_completeness(f),
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return latest_session_date(unit, until)

    def dashboard_context(
        self, result: SectionResult, query: ReportQuery, params: Mapping[str, str]
    ) -> dict[str, Any]:
        f: StudyFigures = result.figures
        chosen = params.get("dot", "")
        campaign = next((c for c in f.campaigns if str(c.id) == chosen), None)
        campaign = campaign or (f.campaigns[0] if f.campaigns else None)
        below = query.subtree.has_units_below  # a party cell: no units, no chart of them
        repeated = _repeated_names(f)
        context: dict[str, Any] = {
            "figures": f,
            "below": below,
            "campaign": campaign,
            "child_rows": [
                (ch, _child_name(ch, repeated), ch.rate_for(campaign.id) if campaign else None)
                for ch in f.children
            ],
            "month_chart": charts.month_bars(
                [(m.month.strftime("%m/%Y"), m.sessions, m.person_times) for m in f.months]
            ),
        }
        if campaign is not None and below:
            context["rate_chart"] = charts.rate_bars(
                [
                    (_child_name(c, repeated), c.rate_for(campaign.id))
                    for c in f.children
                    if c.required
                ],
                campaign.target,
            )
            context["lagging"] = [
                (child, _child_name(child, repeated), r) for child, r in f.lagging(campaign)
            ]
        return context


def register() -> None:
    """Called from ``StudyConfig.ready``."""
    register_section(StudySection())
