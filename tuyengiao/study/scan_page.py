"""The answer to a QR scan: a standalone page (no site menu, no context that
needs the database), built in Python because at the opening of a large
conference every member of it gets this page within a minute or two and
Django's template engine cost more than the rest of the answer. The scan view
answers with it."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tuyengiao.lib.dates import format_date


@cache
def _frame() -> tuple[str, str]:
    """The page around its answer, split where the title goes; built once."""
    page = (
        "<!doctype html>\n"
        '<html lang="vi">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "  <title>{title} · Tuyên giáo</title>\n"
        '  <link rel="icon" href="data:,">\n'
        f'  <link rel="stylesheet" href="{escape(static("vendor/pico/pico.red.min.css"))}">\n'
        f'  <link rel="stylesheet" href="{escape(static("css/app.css"))}">\n'
        "</head>\n<body>\n"
        '<header class="site"><nav><ul><li><a class="brand" '
        f'href="{escape(reverse("home"))}">Tuyên giáo</a></li></ul></nav></header>\n'
        '<main class="container">\n<h1>Điểm danh</h1>\n{body}\n'
        f'<p><a href="{escape(reverse("study:history"))}">Lịch sử học tập của tôi</a></p>\n'
        "</main>\n</body>\n</html>\n"
    )
    head, _, tail = page.partition("{title}")
    return head, tail


def _clock(value: Any) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def render(context: dict[str, Any]) -> str:
    """The page for ``error`` (a message) or ``result`` (a ``CheckinResult``) of
    ``session``, ``kind`` being ``"in"`` or ``"out"``."""
    head, tail = _frame()
    error = context.get("error")
    if error:
        title = "Chưa điểm danh được"
        body = f'<p class="errors" role="alert"><strong>{escape(error)}</strong></p>'
    else:
        title = "Đã điểm danh"
        result, session = context["result"], context["session"]
        row = result.attendance
        heading = "Đã ghi nhận" if result.changed else "Bạn đã điểm danh trước đó"
        when = (
            f"Ra về lúc {_clock(row.checked_out_at)}."
            if context.get("kind") == "out"
            else f"Có mặt lúc {_clock(row.checked_in_at)}."
        )
        body = (
            f'<article class="scan-ok">\n<h2>{heading}</h2>\n'
            f"<p>{escape(row.member.full_name)} — {escape(session.title or session.code)}, "
            f"{format_date(session.date)}.</p>\n<p>{when}</p>\n</article>"
        )
    return head + title + tail.replace("{body}", body, 1)
