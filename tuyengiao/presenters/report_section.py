"""The presenters' section of the sơ kết / tổng kết report: the one module of
``presenters`` that imports ``reports``. Registered from ``PresentersConfig.ready``.

The figures are ``selectors.figures``; this module says them in the style of the
articles ("đội ngũ báo cáo viên ... có 62 đồng chí; đội ngũ tuyên truyền viên cơ
sở gồm 169 đồng chí"), as DOCX tables, XLSX rows and sheets, JSON and the
dashboard's default part.
"""

from __future__ import annotations

from typing import Any

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import format_int, format_percent
from tuyengiao.lib.text import collation_key
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
from .selectors import GroupFigure, PresenterFigures


def paragraphs(f: PresenterFigures, query: ReportQuery) -> list[str]:
    day = format_date(f.day)
    levels = [lv for lv in f.levels if not lv.is_communicator and lv.serving]
    detail = (
        " ("
        + ", ".join(f"{lv.name[0].lower()}{lv.name[1:]} {format_int(lv.serving)}" for lv in levels)
        + ")"
        if len(levels) > 1
        else ""
    )
    out = [
        f"Tính đến ngày {day}, đội ngũ báo cáo viên của {query.who} "
        f"có {format_int(f.presenters)} đồng chí{detail}; đội ngũ tuyên truyền "
        f"viên cơ sở gồm {format_int(f.communicators)} đồng chí."
    ]
    shares = [
        f"{format_percent(lv.advanced_share)} {lv.name[0].lower()}{lv.name[1:]}"
        for lv in f.levels
        if lv.serving and lv.advanced_share is not None
    ]
    if shares:
        out.append(
            "Về trình độ, " + ", ".join(shares) + " có trình độ cao cấp hoặc cử nhân lý luận "
            "chính trị."
        )
    t = f.totals
    if t.sessions:
        public = f"; {format_int(t.public)} lượt nhân dân được tuyên truyền" if t.public else ""
        out.append(
            f"Trong kỳ báo cáo ({query.period_label}), báo cáo viên trong danh sách đã trình "
            f"bày tại {format_int(t.sessions)} hội nghị cho {format_int(t.listeners)} lượt "
            f"người nghe{public}."
        )
    else:
        out.append(
            f"Trong kỳ báo cáo ({query.period_label}), chưa có hội nghị nào ghi tên báo cáo "
            "viên trong danh sách."
        )
    out += outreach_paragraphs(f)
    return out


def outreach_paragraphs(f: PresenterFigures) -> list[str]:
    """Dissemination and training, as the articles say them ("tổ chức tuyên truyền
    lồng ghép được 1.275 buổi cho 34.792 lượt người nghe"; "59 lớp tập huấn, bồi
    dưỡng cho 3.856 lượt người")."""
    t = f.totals
    out = []
    if t.events:
        langs = [lg for lg in f.languages if lg.events]
        detail = (
            " ("
            + "; ".join(
                f"bằng {lg.label} {format_int(lg.events)} buổi, {format_int(lg.listeners)} "
                "lượt người nghe"
                for lg in langs
            )
            + ")"
            if len(langs) > 1 or (langs and langs[0].language)
            else ""
        )
        out.append(
            "Đội ngũ báo cáo viên, tuyên truyền viên đã tổ chức tuyên truyền miệng, tuyên "
            f"truyền lồng ghép được {format_int(t.events)} buổi cho "
            f"{format_int(t.event_listeners)} lượt người nghe{detail}."
        )
    else:
        out.append("Trong kỳ báo cáo, chưa ghi nhận buổi tuyên truyền miệng, lồng ghép nào.")
    if t.courses:
        out.append(
            f"Tổ chức {format_int(t.courses)} lớp tập huấn, bồi dưỡng cho "
            f"{format_int(t.participants)} lượt người."
        )
    else:
        out.append("Trong kỳ báo cáo, chưa ghi nhận lớp tập huấn, bồi dưỡng nào.")
    return out


def _children(f: PresenterFigures, query: ReportQuery) -> list[tuple[str, str, GroupFigure]]:
    """(code, name, figures) per child of the report's unit with anything to show, in
    Vietnamese order; the unit's own rows first, under its own name."""
    rows = []
    root = query.subtree.root.pk
    for key, g in f.groups.items():
        code, name = query.subtree.names.get(key, ("", ""))
        if key == root:
            name = f"{query.unit_name} (trực tiếp)"
        rows.append((code, name, g))
    own = [r for r in rows if r[0] == query.subtree.root.code]
    rest = sorted((r for r in rows if r not in own), key=lambda r: (collation_key(r[1]), r[0]))
    return own + rest


def _tables(f: PresenterFigures, query: ReportQuery) -> list[SectionTable]:
    return [
        SectionTable(
            "Đội ngũ báo cáo viên theo cấp",
            ["Cấp", "Số người", "Cao cấp, cử nhân LLCT", "Tỷ lệ"],
            [[lv.name, lv.serving, lv.advanced_theory, lv.advanced_share] for lv in f.levels],
            [TEXT, INT, INT, PERCENT],
        ),
        SectionTable(
            "Tuyên truyền miệng, tập huấn theo cấp báo cáo viên",
            ["Cấp", "Buổi tuyên truyền", "Lượt người nghe", "Lượt học tập huấn"],
            [[lv.name, lv.events, lv.event_listeners, lv.learners] for lv in f.levels],
            [TEXT, INT, INT, INT],
        ),
        SectionTable(
            "Tuyên truyền miệng, tập huấn theo đơn vị",
            ["Đơn vị", "Buổi tuyên truyền", "Lượt người nghe", "Lớp tập huấn", "Lượt học viên"],
            [
                [name, g.events, g.event_listeners, g.courses, g.participants]
                for _code, name, g in _children(f, query)
            ],
            [TEXT, INT, INT, INT, INT],
            by_unit=True,
        ),
        SectionTable(
            "Báo cáo viên theo đơn vị",
            [
                "Đơn vị",
                "Báo cáo viên",
                "Tuyên truyền viên",
                "Hội nghị",
                "Lượt người nghe",
                "Nhân dân",
            ],
            [
                [name, g.presenters, g.communicators, g.sessions, g.listeners, g.public]
                for _code, name, g in _children(f, query)
            ],
            [TEXT, INT, INT, INT, INT, INT],
            by_unit=True,
        ),
    ]


def _summary(f: PresenterFigures) -> list[tuple[str, Any]]:
    t = f.totals
    return [
        ("Số báo cáo viên", f.presenters),
        ("Số tuyên truyền viên cơ sở", f.communicators),
        *[(lv.name, lv.serving) for lv in f.levels],
        ("Số hội nghị có báo cáo viên trong danh sách", t.sessions),
        ("Số lượt người nghe", t.listeners),
        ("Số lượt nhân dân được tuyên truyền (các hội nghị đó)", t.public),
        ("Số buổi tuyên truyền miệng, lồng ghép", t.events),
        ("Số lượt người nghe tuyên truyền", t.event_listeners),
        *[
            (f"Số buổi tuyên truyền bằng {lg.label}", lg.events)
            for lg in f.languages
            if lg.language
        ],
        ("Số lớp tập huấn, bồi dưỡng", t.courses),
        ("Số lượt người được tập huấn, bồi dưỡng", t.participants),
    ]


def _sheets(f: PresenterFigures, query: ReportQuery) -> list[SectionTable]:
    return [
        SectionTable(
            "Báo cáo viên theo cấp",
            ["Mã cấp", "Cấp", "Số người", "Cao cấp, cử nhân LLCT", "Tỷ lệ"],
            [
                [lv.code, lv.name, lv.serving, lv.advanced_theory, lv.advanced_share]
                for lv in f.levels
            ],
            [TEXT, TEXT, INT, INT, PERCENT],
        ),
        SectionTable(
            "Báo cáo viên theo đơn vị",
            [
                "Mã đơn vị",
                "Đơn vị",
                "Báo cáo viên",
                "Tuyên truyền viên",
                "Hội nghị",
                "Lượt đảng viên có mặt",
                "Lượt người khác",
                "Nhân dân",
            ],
            [
                [
                    code,
                    name,
                    g.presenters,
                    g.communicators,
                    g.sessions,
                    g.present,
                    g.others,
                    g.public,
                ]
                for code, name, g in _children(f, query)
            ],
            [TEXT, TEXT, INT, INT, INT, INT, INT, INT],
            by_unit=True,
        ),
        SectionTable(
            "Tuyên truyền theo cấp BCV",
            ["Mã cấp", "Cấp", "Buổi tuyên truyền", "Lượt người nghe", "Lượt học tập huấn"],
            [[lv.code, lv.name, lv.events, lv.event_listeners, lv.learners] for lv in f.levels],
            [TEXT, TEXT, INT, INT, INT],
        ),
        SectionTable(
            "Tuyên truyền theo ngôn ngữ",
            ["Ngôn ngữ", "Buổi tuyên truyền", "Lượt người nghe"],
            [[lg.label, lg.events, lg.listeners] for lg in f.languages],
            [TEXT, INT, INT],
        ),
        SectionTable(
            "Tuyên truyền, tập huấn theo ĐV",
            [
                "Mã đơn vị",
                "Đơn vị",
                "Buổi tuyên truyền",
                "Lượt người nghe",
                "Lớp tập huấn",
                "Học viên ghi tên",
                "Học viên không ghi tên",
                "Lượt học viên",
            ],
            [
                [
                    code,
                    name,
                    g.events,
                    g.event_listeners,
                    g.courses,
                    g.learners,
                    g.extra_participants,
                    g.participants,
                ]
                for code, name, g in _children(f, query)
            ],
            [TEXT, TEXT, INT, INT, INT, INT, INT, INT],
        ),
    ]


def _data(f: PresenterFigures, query: ReportQuery) -> dict[str, Any]:
    t = f.totals
    return {
        "day": f.day.isoformat(),
        "presenters": f.presenters,
        "communicators": f.communicators,
        "levels": [
            {
                "code": lv.code,
                "name": lv.name,
                "communicator": lv.is_communicator,
                "serving": lv.serving,
                "advanced_theory": lv.advanced_theory,
                "advanced_percent": None if lv.advanced_share is None else float(lv.advanced_share),
                "events": lv.events,
                "event_listeners": lv.event_listeners,
                "learners": lv.learners,
            }
            for lv in f.levels
        ],
        "sessions": t.sessions,
        "present": t.present,
        "other_attendees": t.others,
        "listeners": t.listeners,
        "public_reached": t.public,
        "dissemination": {
            "events": t.events,
            "listeners": t.event_listeners,
            "languages": [
                {"language": lg.language or "Việt", "events": lg.events, "listeners": lg.listeners}
                for lg in f.languages
            ],
        },
        "training": {
            "courses": t.courses,
            "learners": t.learners,
            "extra_participants": t.extra_participants,
            "participants": t.participants,
        },
        "children": [
            {
                "code": code,
                "name": name,
                "presenters": g.presenters,
                "communicators": g.communicators,
                "sessions": g.sessions,
                "listeners": g.listeners,
                "public_reached": g.public,
                "events": g.events,
                "event_listeners": g.event_listeners,
                "courses": g.courses,
                "participants": g.participants,
            }
            for code, name, g in _children(f, query)
        ],
    }


class PresentersSection(ReportSection):
    key = "presenters"
    title = "Đội ngũ báo cáo viên, tuyên truyền viên"
    order = 20

    def figures(self, query: ReportQuery) -> SectionResult:
        subtree = query.subtree
        f = selectors.figures(subtree, query.date_from, query.date_to, subtree.child)
        communes, missing = selectors.commune_gaps(subtree.root, query.date_to)
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"Chưa có báo cáo viên, tuyên truyền viên nào của {query.who} "
                f"đang hoạt động ngày {format_date(query.date_to)}, và không có "
                f"hội nghị nào ghi báo cáo viên trong danh sách, buổi tuyên truyền hay lớp "
                f"tập huấn nào {query.period_label}."
            ),
            paragraphs=paragraphs(f, query),
            tables=_tables(f, query),
            summary=_summary(f),
            sheets=_sheets(f, query),
            data=_data(f, query),
            completeness=Completeness(
                expected=communes,
                reported=communes - len(missing),
                missing=[g.name for g in missing],
            ),
            figures=f,
        )


def register() -> None:
    """Called from ``PresentersConfig.ready``."""
    register_section(PresentersSection())
