"""A filled attendance workbook for one session (openpyxl): the sheets
``Hội nghị`` (the session and its bridge points) and ``Điểm danh`` (every marked
row), in the interchange format, so that importing it back changes nothing."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font

from tuyengiao.lib import cells

from .models import Attendance, Session

SESSION_HEADERS = [
    "Mã hội nghị",
    "Mã đơn vị",
    "Số hiệu văn bản",
    "Tên hội nghị",
    "Ngày",
    "Hình thức",
    "Mã hội nghị chính",
    "Số lượt người khác tham dự",
    "Số lượt nhân dân được tuyên truyền",
]
ATTENDANCE_HEADERS = ["Mã hội nghị", "Mã đảng viên", "Trạng thái", "Họ và tên", "Giờ vào", "Giờ ra"]


def attendance_workbook(session: Session) -> bytes:
    sessions = [session, *session.bridge_points.select_related("host").order_by("code")]
    document = session.campaign.documents.order_by("id").first()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101  narrows the type for mypy; true by construction
    ws.title = "Hội nghị"
    cells.append(ws, SESSION_HEADERS)
    for s in sessions:
        cells.append(
            ws,
            [
                s.code,
                s.host.code,
                document.symbol if document else "",
                s.title,
                s.date.strftime("%d/%m/%Y"),
                s.get_format_display(),
                s.main.code if s.main_id and s.main else "",
                s.other_attendees,
                s.public_reached,
            ],
        )
    ws2 = wb.create_sheet("Điểm danh")
    cells.append(ws2, ATTENDANCE_HEADERS)
    rows = (
        Attendance.objects.filter(session__in=sessions)
        .select_related("member", "session")
        .order_by("session__code", "member__sort_key")
    )
    for a in rows:
        cells.append(
            ws2,
            [
                a.session.code,
                a.member.code,
                a.get_status_display(),
                a.member.full_name,
                a.checked_in_at.strftime("%H:%M") if a.checked_in_at else "",
                a.checked_out_at.strftime("%H:%M") if a.checked_out_at else "",
            ],
        )
    for sheet in (ws, ws2):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
