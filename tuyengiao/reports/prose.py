"""The report's own words (its subject line); each section writes its own sentences."""

from __future__ import annotations

from tuyengiao.lib.numbers import format_percent

from .selectors import Report


def pct(value: object) -> str:
    return "—" if value is None else format_percent(value)  # type: ignore[arg-type]


def subject(r: Report) -> str:
    return (
        f"Kết quả tổ chức học tập, quán triệt, tuyên truyền các chỉ thị, nghị quyết của Đảng "
        f"{r.period_label}"
    )
