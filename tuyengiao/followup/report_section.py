"""The follow-through's two sections of the sơ kết / tổng kết report: the one module of
``followup`` that imports ``reports``. Registered from ``FollowupConfig.ready``.

- ``tasks``: tasks of action programmes and follow-ups of inspections whose responsible
  unit is in the subtree, given on or before the last day and not done before the first,
  by their state on the last day (done on time, done late, overdue, in time), per
  programme and per child unit.
- ``inspections``: rounds that started in the period, conducted by units of the subtree,
  per kind, with the distinct organisations and the members covered, said as the
  articles say it ("4.227 cuộc kiểm tra đối với 3.100 tổ chức đảng, 27.112 đảng viên;
  4.037 cuộc khảo sát, giám sát đối với 2.392 tổ chức đảng và 15.856 đảng viên").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.lib.dates import format_date
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
from .models import Kind
from .selectors import InspectionFigures, TaskFigures, TaskGroup


def _named_groups(groups: dict[int, Any], query: ReportQuery) -> list[tuple[str, str, Any]]:
    """(code, name, figures) per child of the report's unit, the unit's own first."""
    rows = []
    root = query.subtree.root.pk
    for key, g in groups.items():
        code, name = query.subtree.names.get(key, ("", ""))
        if key == root:
            name = f"{query.unit_name} (trực tiếp)"
        rows.append((code, name, g))
    own = [r for r in rows if r[0] == query.subtree.root.code]
    rest = sorted((r for r in rows if r not in own), key=lambda r: (collation_key(r[1]), r[0]))
    return own + rest


# --- tasks --------------------------------------------------------------------------------


def task_paragraphs(f: TaskFigures, query: ReportQuery) -> list[str]:
    t = f.totals
    programmes = [k for k in f.programmes if k != selectors.FOLLOW_UP]
    follow = f.programmes.get(selectors.FOLLOW_UP)
    origin = f"{format_int(len(programmes))} chương trình, kế hoạch"
    if follow is not None:
        origin += " và các kiến nghị sau kiểm tra, giám sát"
    return [
        f"Thực hiện {origin}, trong kỳ báo cáo ({query.period_label}) {query.who} "
        f"được giao {format_int(t.total)} nhiệm vụ; tính đến ngày "
        f"{format_date(f.day)} đã hoàn thành {format_int(t.done)} nhiệm vụ "
        f"({format_int(t.done_on_time)} đúng hạn, {format_int(t.done_late)} trễ hạn), "
        f"{format_int(t.in_time)} nhiệm vụ đang thực hiện trong hạn, "
        f"{format_int(t.overdue)} nhiệm vụ quá hạn chưa hoàn thành."
    ]


def _task_cells(g: TaskGroup) -> list[int]:
    return [g.total, g.done_on_time, g.done_late, g.in_time, g.overdue]


TASK_HEADERS = ["Nhiệm vụ", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn", "Trong hạn", "Quá hạn"]


def _programme_rows(f: TaskFigures) -> list[tuple[str, str, TaskGroup]]:
    rows = [(symbol, title, g) for (symbol, title), g in f.programmes.items()]
    return sorted(rows, key=lambda r: (r[0] == "", collation_key(r[0]), collation_key(r[1])))


def _task_tables(f: TaskFigures, query: ReportQuery, *, codes: bool) -> list[SectionTable]:
    head = ["Mã đơn vị"] if codes else []
    return [
        SectionTable(
            "Nhiệm vụ theo chương trình",
            ["Số hiệu", "Chương trình, kế hoạch", *TASK_HEADERS],
            [[s, title, *_task_cells(g)] for s, title, g in _programme_rows(f)],
            [TEXT, TEXT, INT, INT, INT, INT, INT],
        ),
        SectionTable(
            "Nhiệm vụ theo đơn vị",
            [*head, "Đơn vị", *TASK_HEADERS],
            [
                [*([code] if codes else []), name, *_task_cells(g)]
                for code, name, g in _named_groups(f.groups, query)
            ],
            [*([TEXT] if codes else []), TEXT, INT, INT, INT, INT, INT],
            by_unit=True,
        ),
    ]


class TasksSection(ReportSection):
    key = "tasks"
    title = "Thực hiện chương trình hành động, kế hoạch"
    order = 60

    def figures(self, query: ReportQuery) -> SectionResult:
        s = query.subtree
        f = selectors.task_figures(s, query.date_from, query.date_to, s.child)
        t = f.totals
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"{query.who} không có nhiệm vụ nào của chương "
                f"trình hành động, kế hoạch trong kỳ báo cáo ({query.period_label})."
            ),
            paragraphs=task_paragraphs(f, query) if not f.empty else [],
            tables=_task_tables(f, query, codes=False),
            summary=[
                ("Số nhiệm vụ", t.total),
                ("Nhiệm vụ hoàn thành đúng hạn", t.done_on_time),
                ("Nhiệm vụ hoàn thành trễ hạn", t.done_late),
                ("Nhiệm vụ đang thực hiện trong hạn", t.in_time),
                ("Nhiệm vụ quá hạn", t.overdue),
            ],
            sheets=_task_tables(f, query, codes=True),
            data={
                "day": f.day.isoformat(),
                "total": t.total,
                "done": t.done,
                "done_on_time": t.done_on_time,
                "done_late": t.done_late,
                "in_time": t.in_time,
                "overdue": t.overdue,
                "programmes": [
                    {"symbol": s_, "title": title, **_task_dict(g)}
                    for s_, title, g in _programme_rows(f)
                ],
                "children": [
                    {"code": code, "name": name, **_task_dict(g)}
                    for code, name, g in _named_groups(f.groups, query)
                ],
            },
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return None


def _task_dict(g: TaskGroup) -> dict[str, int]:
    return {
        "total": g.total,
        "done_on_time": g.done_on_time,
        "done_late": g.done_late,
        "in_time": g.in_time,
        "overdue": g.overdue,
    }


# --- inspections --------------------------------------------------------------------------


def inspection_sentence(f: InspectionFigures) -> str:
    """``4.227 cuộc kiểm tra đối với 3.100 tổ chức đảng, 27.112 đảng viên; 4.037 cuộc
    khảo sát, giám sát đối với 2.392 tổ chức đảng và 15.856 đảng viên``."""
    parts = []
    k = f.by_kind[Kind.INSPECTION.value]
    if k.rounds:
        parts.append(
            f"{format_int(k.rounds)} cuộc kiểm tra đối với {format_int(k.organisations)} tổ "
            f"chức đảng, {format_int(k.members)} đảng viên"
        )
    o = f.oversight
    if o.rounds:
        parts.append(
            f"{format_int(o.rounds)} cuộc khảo sát, giám sát đối với "
            f"{format_int(o.organisations)} tổ chức đảng và {format_int(o.members)} đảng viên"
        )
    return "; ".join(parts)


def inspection_paragraphs(f: InspectionFigures, query: ReportQuery) -> list[str]:
    return [
        f"Trong kỳ báo cáo ({query.period_label}), cấp ủy, tổ chức đảng trong {query.unit_name} "
        f"đã tiến hành {inspection_sentence(f)}."
    ]


KIND_ORDER = [Kind.INSPECTION, Kind.SUPERVISION, Kind.REVIEW]


def _inspection_tables(
    f: InspectionFigures, query: ReportQuery, *, codes: bool
) -> list[SectionTable]:
    by_child_headers = []
    for kind in KIND_ORDER:
        label = str(kind.label)
        by_child_headers += [f"{label}: số cuộc", f"{label}: tổ chức đảng", f"{label}: đảng viên"]
    head = ["Mã đơn vị"] if codes else []
    return [
        SectionTable(
            "Kiểm tra, giám sát theo loại",
            ["Loại", "Số cuộc", "Tổ chức đảng", "Đảng viên"],
            [
                [
                    str(kind.label),
                    f.by_kind[kind.value].rounds,
                    f.by_kind[kind.value].organisations,
                    f.by_kind[kind.value].members,
                ]
                for kind in KIND_ORDER
            ]
            + [
                [
                    "Giám sát và khảo sát",
                    f.oversight.rounds,
                    f.oversight.organisations,
                    f.oversight.members,
                ]
            ],
            [TEXT, INT, INT, INT],
        ),
        SectionTable(
            "Kiểm tra, giám sát theo đơn vị",
            [*head, "Đơn vị thực hiện", *by_child_headers],
            [
                [
                    *([code] if codes else []),
                    name,
                    *[
                        v
                        for kind in KIND_ORDER
                        for v in (
                            g.kind(kind.value).rounds,
                            g.kind(kind.value).organisations,
                            g.kind(kind.value).members,
                        )
                    ],
                ]
                for code, name, g in _named_groups(f.groups, query)
            ],
            [*([TEXT] if codes else []), TEXT, *[INT] * 9],
            by_unit=True,
        ),
    ]


class InspectionsSection(ReportSection):
    key = "inspections"
    title = "Công tác kiểm tra, giám sát, khảo sát"
    order = 65

    def figures(self, query: ReportQuery) -> SectionResult:
        s = query.subtree
        f = selectors.inspection_figures(s, query.date_from, query.date_to, s.child)
        return SectionResult(
            key=self.key,
            title=self.title,
            empty=f.empty,
            empty_sentence=(
                f"Trong kỳ báo cáo ({query.period_label}), chưa ghi cuộc kiểm tra, giám sát, "
                f"khảo sát nào của {query.who}."
            ),
            paragraphs=inspection_paragraphs(f, query) if not f.empty else [],
            tables=_inspection_tables(f, query, codes=False),
            summary=[
                *[
                    row
                    for kind in KIND_ORDER
                    for row in (
                        (f"Số cuộc {str(kind.label).lower()}", f.by_kind[kind.value].rounds),
                        (
                            f"Tổ chức đảng được {str(kind.label).lower()}",
                            f.by_kind[kind.value].organisations,
                        ),
                        (
                            f"Đảng viên được {str(kind.label).lower()}",
                            f.by_kind[kind.value].members,
                        ),
                    )
                ],
            ],
            sheets=_inspection_tables(f, query, codes=True),
            data={
                "sentence": inspection_sentence(f),
                "kinds": {
                    kind.value: {
                        "label": str(kind.label),
                        "rounds": f.by_kind[kind.value].rounds,
                        "organisations": f.by_kind[kind.value].organisations,
                        "members": f.by_kind[kind.value].members,
                    }
                    for kind in KIND_ORDER
                },
                "supervision_and_review": {
                    "rounds": f.oversight.rounds,
                    "organisations": f.oversight.organisations,
                    "members": f.oversight.members,
                },
                "children": [
                    {
                        "code": code,
                        "name": name,
                        **{
                            kind.value: {
                                "rounds": g.kind(kind.value).rounds,
                                "organisations": g.kind(kind.value).organisations,
                                "members": g.kind(kind.value).members,
                            }
                            for kind in KIND_ORDER
                        },
                    }
                    for code, name, g in _named_groups(f.groups, query)
                ],
            },
            figures=f,
        )

    def latest_activity(self, unit: Unit, until: dt.date) -> dt.date | None:
        return selectors.latest_activity(unit, until)


def register() -> None:
    """Called from ``FollowupConfig.ready``."""
    register_section(TasksSection())
    register_section(InspectionsSection())
