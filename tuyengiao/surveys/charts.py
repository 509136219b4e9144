"""The results' chart: horizontal bars, one per choice, server-rendered SVG (no
script, no library). Labels are escaped; the SVG is built from numbers only."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from tuyengiao.lib.numbers import format_percent


def choice_bars(rows: list[tuple[str, Decimal | None]]) -> str:
    bar_h, gap, label_w, width = 22, 6, 180, 480
    plot_w = width - label_w - 70
    height = max(1, len(rows)) * (bar_h + gap) + 6
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Tỷ lệ theo phương án" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        w = plot_w * min(float(value or 0), 100) / 100
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" '
            f'font-size="12">{escape(label[:26])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#1565c0"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="12">'
            f"{escape(format_percent(value) if value is not None else '—')}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
