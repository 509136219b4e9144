"""``python manage.py import_survey FORM.xlsx --unit CODE [--from D --to D] [--k 5]
[--single-use] [--dry-run]``: create or update a survey from an XLSForm, as the web
upload does (the form read by pyxform in a limited child process; the same service)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tuyengiao.lib.dates import parse_date
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import today
from tuyengiao.surveys import services


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật khảo sát từ tệp XLSForm (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form", help="tệp XLSForm .xlsx")
        parser.add_argument("--unit", required=True, help="mã đơn vị khảo sát")
        parser.add_argument(
            "--from", dest="date_from", help="từ ngày dd/mm/yyyy (mặc định hôm nay)"
        )
        parser.add_argument("--to", dest="date_to", help="đến ngày dd/mm/yyyy (mặc định +30 ngày)")
        parser.add_argument("--k", type=int, default=5, help="ngưỡng ẩn (mặc định 5)")
        parser.add_argument("--single-use", action="store_true", help="mỗi người một mã")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi")

    def _date(self, raw: str | None, default: dt.date) -> dt.date:
        if not raw:
            return default
        try:
            return parse_date(raw)
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {raw} ({exc}).") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["form"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị {options['unit']}.")
        start = self._date(options["date_from"], today())
        end = self._date(options["date_to"], start + dt.timedelta(days=30))
        try:
            form = services.read_form(path.name, path.read_bytes())
            with transaction.atomic():
                survey, outcome = services.survey_save(
                    actor=SYSTEM,
                    form=form,
                    unit=unit,
                    date_from=start,
                    date_to=end,
                    threshold=options["k"],
                    single_use=options["single_use"],
                    source_name=path.name,
                )
                questions = survey.questions.exclude(kind="note").count()
                if options["dry_run"]:
                    raise _DryRun
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except _DryRun:
            self.stdout.write(
                f"Chạy thử: khảo sát {form['code']} hợp lệ ({questions} câu hỏi); không ghi gì."
            )
            return
        said = {"created": "Đã tạo", "updated": "Đã cập nhật", "unchanged": "Không đổi"}[outcome]
        self.stdout.write(f"{said} khảo sát {survey.code}: {survey.title} ({questions} câu hỏi).")
