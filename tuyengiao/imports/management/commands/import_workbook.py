"""``python manage.py import_workbook FILE... [--dry-run]``: all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.imports.framework import run_import
from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs.access import SYSTEM


class Command(BaseCommand):
    help = "Nhập bảng tính dữ liệu (xlsx/xls/ods, hoặc các tệp CSV đặt tên theo trang)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="tệp .xlsx/.xls/.ods/.csv/.zip")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi gì")

    def handle(self, *args: object, **options: object) -> None:
        files = []
        names = options["files"]
        assert isinstance(names, list)  # noqa: S101  narrows the type for mypy; argparse nargs="+" gives a list
        for name in names:
            path = Path(str(name))
            if not path.is_file():
                raise CommandError(f"Không tìm thấy tệp: {path}")
            files.append((path.name, path.read_bytes()))
        dry_run = bool(options["dry_run"])
        result = run_import(files, actor=SYSTEM, dry_run=dry_run)
        for warning in result.warnings:
            self.stderr.write(f"Cảnh báo: {warning.as_text()}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(error.as_text())
            raise CommandError(f"Có {format_int(len(result.errors))} lỗi; không ghi dữ liệu nào.")
        verb = "Kiểm tra (chưa ghi)" if dry_run else "Đã nhập"
        self.stdout.write(f"{verb}: {result.file_name}")
        for sheet, counts in result.counts.items():
            self.stdout.write(
                f"  {sheet}: {format_int(counts.rows)} dòng — thêm mới {format_int(counts.created)}, "
                f"cập nhật {format_int(counts.updated)}, không đổi {format_int(counts.unchanged)}"
            )
            for note in counts.notes:
                self.stdout.write(f"    {note}")
        if not dry_run and not result.changed:
            self.stdout.write("Không có thay đổi nào (dữ liệu đã có sẵn).")
