"""``python manage.py report --unit CODE --from dd/mm/yyyy --to dd/mm/yyyy
[--structure today|asof] --format docx|xlsx|json -o FILE``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.lib.dates import parse_date
from tuyengiao.orgs.models import Unit
from tuyengiao.reports.builders import build_report
from tuyengiao.reports.selectors import EmptyPeriod, report_figures


def _date(text: str, label: str) -> Any:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CommandError(f"{label}: {exc}") from exc


class Command(BaseCommand):
    help = "Lập báo cáo sơ kết, tổng kết của một đơn vị (DOCX, XLSX hoặc JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--from", dest="date_from", required=True, help="từ ngày dd/mm/yyyy")
        parser.add_argument("--to", dest="date_to", required=True, help="đến ngày dd/mm/yyyy")
        parser.add_argument("--structure", choices=["today", "asof"], default="today")
        parser.add_argument("--format", choices=["docx", "xlsx", "json"], default="docx")
        parser.add_argument("--signer", default="", help="họ tên người ký")
        parser.add_argument("-o", "--output", required=True, help="tệp kết quả")

    def handle(self, *args: Any, **o: Any) -> None:
        unit = Unit.objects.filter(code=o["unit"]).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã '{o['unit']}'.")
        date_from = _date(o["date_from"], "Từ ngày")
        date_to = _date(o["date_to"], "Đến ngày")
        try:
            figures = report_figures(
                unit=unit, date_from=date_from, date_to=date_to, structure=o["structure"]
            )
        except EmptyPeriod as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        content, _name = build_report(figures, o["format"], signer=o["signer"])
        Path(o["output"]).write_bytes(content)
        self.stdout.write(f"Đã ghi báo cáo: {o['output']}")
