"""``python manage.py import_questions FILE --bank CODE [--dry-run]``: an Aiken, GIFT or
XLSX file into a question bank, all or nothing; prints how many questions it imported,
or every problem with its line and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.contests import services
from tuyengiao.contests.models import QuestionBank
from tuyengiao.orgs.access import SYSTEM


class Command(BaseCommand):
    help = "Nhập câu hỏi (Aiken, GIFT, XLSX) vào một ngân hàng câu hỏi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--bank", required=True, help="mã ngân hàng câu hỏi")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        bank = QuestionBank.objects.select_related("unit").filter(code=options["bank"]).first()
        if bank is None:
            raise CommandError(f"Không có ngân hàng câu hỏi mã '{options['bank']}'.")
        try:
            outcome = services.questions_import(
                actor=SYSTEM,
                bank=bank,
                name=path.name,
                data=path.read_bytes(),
                dry_run=options["dry_run"],
            )
        except services.ImportRefused as exc:
            raise CommandError(
                "Không nhập câu hỏi nào vì tệp có lỗi:\n" + "\n".join(str(p) for p in exc.problems)
            ) from exc
        verb = "Sẽ nhập" if options["dry_run"] else "Đã nhập"
        self.stdout.write(
            f"{verb} {outcome.imported} câu hỏi vào {bank.code} (mới {outcome.created}, "
            f"cập nhật {outcome.updated}, không đổi {outcome.unchanged})."
        )
