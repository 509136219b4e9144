from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tuyengiao.lib.numbers import format_int
from tuyengiao.study.facts import facts_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp (facts) từ dữ liệu hội nghị và điểm danh."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = facts_rebuild()
        self.stdout.write(
            f"Đã tính lại: {format_int(counts['sessions'])} hội nghị/điểm cầu, "
            f"{format_int(counts['presence'])} lượt có mặt."
        )
