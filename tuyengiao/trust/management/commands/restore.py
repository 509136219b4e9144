"""``python manage.py restore FILE``: replace the database with a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.trust.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ tệp sao lưu FILE (thay thế toàn bộ dữ liệu hiện có)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp sao lưu (do lệnh backup tạo)")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="không hỏi xác nhận",
        )
        parser.add_argument(
            "--into",
            default=None,
            help="khôi phục vào cơ sở dữ liệu khác (PostgreSQL: tên CSDL đã tạo; SQLite: đường dẫn tệp) để kiểm tra bản sao lưu",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        into = options.get("into")
        if options["interactive"] and not into:
            answer = input("Toàn bộ dữ liệu hiện có sẽ bị thay thế. Gõ 'dong y' để tiếp tục: ")
            if answer.strip().lower() not in {"dong y", "đồng ý"}:
                raise CommandError("Đã huỷ, không thay đổi gì.")
        try:
            restore(path, into=str(into) if into else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {path}.")
