"""The report's tables as a workbook: numbers stored as numbers, shown the
Vietnamese way by the number formats (rates as fractions with a % format)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tuyengiao.lib import cells

from ..prose import subject
from ..selectors import ReportFigures

INT = "#,##0"
PCT = "0.00%"


def _frac(value: Any) -> float | None:
    return None if value is None else float(value) / 100


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], formats: list[str | None]
) -> None:
    ws = wb.create_sheet(title)
    cells.append(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        cells.append(ws, row)
    for col, fmt in enumerate(formats, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 14 if fmt else 40
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
    ws.freeze_panes = "A2"


def build_xlsx(f: ReportFigures) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    t = f.totals
    summary: list[list[Any]] = [
        ["Đơn vị", f.unit_name],
        ["Kỳ báo cáo", f.period_label],
        ["Nội dung", subject(f)],
        ["Số hội nghị", t.sessions],
        ["Số điểm cầu", t.bridge_points],
        ["Số lượt người tham gia", t.person_times],
        ["Số lượt đảng viên có mặt", t.present],
        ["Số lượt người khác tham dự", t.other_attendees],
        ["Số lượt vắng có lý do", t.excused],
        ["Số lượt vắng không lý do", t.absent],
        ["Số đảng viên thuộc diện học tập đã tham gia", f.members_attended],
        ["Số đảng viên thuộc diện học tập", f.members_required],
        ["Số lượt nhân dân được tuyên truyền", t.public_reached],
    ]
    _sheet(wb, "Tổng hợp", ["Chỉ tiêu", "Số liệu"], summary, [None, INT])
    _sheet(
        wb,
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
                _frac(c.rate),
                _frac(c.target),
                c.sessions,
                c.bridge_points,
                c.person_times,
                len(c.units_without_session),
            ]
            for c in f.campaigns
        ],
        [None, None, INT, INT, PCT, PCT, INT, INT, INT, INT],
    )
    campaign_cols = [f"Tỷ lệ: {c.documents or c.title}" for c in f.campaigns]
    _sheet(
        wb,
        "Theo đơn vị",
        [
            "Mã đơn vị",
            "Đơn vị",
            "Hội nghị",
            "Điểm cầu",
            "Lượt người",
            "Nhân dân",
            "Đảng viên thuộc diện học tập",
            *campaign_cols,
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
                *[_frac(ch.rate_for(c.id)) for c in f.campaigns],
            ]
            for ch in f.children
        ],
        [None, None, INT, INT, INT, INT, INT, *[PCT] * len(f.campaigns)],
    )
    _sheet(
        wb,
        "Theo tháng",
        ["Tháng", "Hội nghị", "Lượt người"],
        [[m.month.strftime("%m/%Y"), m.sessions, m.person_times] for m in f.months],
        [None, INT, INT],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
