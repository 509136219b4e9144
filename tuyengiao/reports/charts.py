"""Server-rendered SVG charts: no script, light on a poor connection, print well.

The SVG is built from numbers only (no user text inside attributes); labels are
escaped."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from tuyengiao.lib.numbers import format_int, format_percent


def rate_bars(rows: list[tuple[str, Decimal | None]], target: Decimal | None) -> str:
    """Horizontal bars per child unit (rate %), with a dashed target line."""
    bar_h, gap, label_w, width = 22, 6, 200, 520  # 28 characters of label fit in 200
    plot_w = width - label_w - 60
    height = max(1, len(rows)) * (bar_h + gap) + 24
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Tỷ lệ đảng viên tham gia theo đơn vị" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        v = float(value or 0)
        w = plot_w * min(v, 100) / 100
        below = target is not None and (value is None or value < target)
        colour = "#c62828" if below else "#2e7d32"
        shown = format_percent(value) if value is not None else "—"
        parts.append(
            f"<g><title>{escape(label)}: {escape(shown)}</title>"
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" '
            f'font-size="12">{escape(_fit(label, 28))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="12">'
            f"{escape(shown)}</text></g>"
        )
    if target is not None:
        x = label_w + plot_w * float(target) / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="#1565c0" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" font-size="12" '
            f'fill="#1565c0">Chỉ tiêu {escape(format_percent(target))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fit(label: str, most: int) -> str:
    """``label`` in at most ``most`` characters: cut after a whole word, with "…" (the
    bar's title holds the whole name)."""
    if len(label) <= most:
        return label
    cut = label[: most - 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > most // 2 else cut
    if cut.count("(") > cut.count(")"):  # no bracket left open: "(trực tiếp)" whole or not
        cut = cut[: cut.rfind("(")]
    return cut.rstrip(" ,") + "…"


def month_bars(rows: list[tuple[str, int, int]]) -> str:
    """Sessions (bars) and person-times (labels) per month."""
    width, height, bottom = 520, 200, 40
    n = max(1, len(rows))
    slot = (width - 20) / n
    top = max([s for _m, s, _p in rows] or [1]) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Số hội nghị và lượt người theo tháng" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (month, sessions, people) in enumerate(rows):
        h = (height - bottom - 30) * sessions / top
        x = 10 + i * slot
        y = height - bottom - h
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#b71c1c"/>'
            f'<text x="{x + slot / 2:.1f}" y="{y - 14:.1f}" text-anchor="middle" '
            f'font-size="11">{format_int(sessions)} HN</text>'
            f'<text x="{x + slot / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#555">{format_int(people)} lượt</text>'
            f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11">{escape(month)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
