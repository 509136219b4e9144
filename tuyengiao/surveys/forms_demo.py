"""An XLSForm built in code: the demo's survey and the tests' (no binary file in git)."""

from __future__ import annotations

import io

from openpyxl import Workbook

SURVEY_ROWS = [
    ["type", "name", "label", "hint", "required"],
    ["note", "gioi_thieu", "Phiếu hỏi ý kiến ẩn danh, không ghi tên.", "", ""],
    [
        "select_one danh_gia",
        "vai_tro",
        "Cấp ủy, chính quyền, đoàn thể đã phát huy tốt vai trò trong việc học tập, quán triệt nghị quyết?",
        "",
        "yes",
    ],
    ["begin_group", "kenh_nhom", "Kênh thông tin", "", ""],
    ["select_multiple kenh", "kenh", "Bạn biết nghị quyết qua kênh nào?", "Chọn nhiều", "no"],
    ["end_group", "", "", "", ""],
    ["integer", "so_buoi", "Bạn dự mấy buổi học tập trong năm?", "", "no"],
    ["text", "y_kien", "Ý kiến khác", "", "no"],
]
CHOICE_ROWS = [
    ["list_name", "name", "label"],
    ["danh_gia", "tot", "Tốt"],
    ["danh_gia", "chua_tot", "Chưa tốt"],
    ["danh_gia", "khong_biet", "Không biết"],
    ["kenh", "hoi_nghi", "Hội nghị"],
    ["kenh", "bao_chi", "Báo chí"],
    ["kenh", "mang", "Mạng xã hội"],
]


def xlsform(
    form_id: str = "KS-2026",
    title: str = "Khảo sát việc học tập nghị quyết",
    survey_rows: list[list[str]] | None = None,
    choice_rows: list[list[str]] | None = None,
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey_rows or SURVEY_ROWS:
        ws.append(row)
    choices = wb.create_sheet("choices")
    for row in choice_rows or CHOICE_ROWS:
        choices.append(row)
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append([title, form_id, "1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
