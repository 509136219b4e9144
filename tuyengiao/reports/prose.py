"""The report's own words (its subject line); each section writes its own sentences."""

from __future__ import annotations

from .selectors import Report


def subject(r: Report) -> str:
    return (
        f"Kết quả tổ chức học tập, quán triệt, tuyên truyền các chỉ thị, nghị quyết của Đảng "
        f"{r.period_label}"
    )
