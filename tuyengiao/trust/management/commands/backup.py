"""``python manage.py backup FILE``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.trust.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào FILE (SQLite: bản sao trực tuyến; PostgreSQL: pg_dump)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp sao lưu sẽ ghi")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte).".replace(",", ".")
        )
