"""``python manage.py import_documents FILE...``: register .txt/.docx/.pdf documents.

Each file is registered on its own (one transaction each): a malformed or unreadable file
is reported and nothing from it is stored, the others still go in. The exit status is
non-zero when any file failed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.documents.services import document_from_file
from tuyengiao.orgs.access import SYSTEM


class Command(BaseCommand):
    help = (
        "Đăng ký văn bản từ tệp .txt, .docx, .pdf: số hiệu, ngày ban hành và trích yếu lấy "
        "từ phần đầu văn bản (không có số hiệu: trích yếu là dòng đầu tiên có chữ); tệp gốc "
        "được đính kèm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: object, **options: object) -> None:
        failed = 0
        done = 0
        names = options["files"]
        assert isinstance(names, list)  # noqa: S101  narrows the type for mypy; argparse nargs="+" gives a list
        for name in names:
            path = Path(str(name))
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"Không mở được tệp '{name}': {exc.strerror}.")
                failed += 1
                continue
            try:
                document = document_from_file(actor=SYSTEM, name=path.name, data=data)
            except ValidationError as exc:
                self.stderr.write("Lỗi: " + " ".join(exc.messages))
                failed += 1
                continue
            done += 1
            when = f" ngày {document.issue_date:%d/%m/%Y}" if document.issue_date else ""
            symbol = document.symbol or "(không số hiệu)"
            self.stdout.write(f"Đã đăng ký {document.kind} {symbol}{when}: {document.title}")
        self.stdout.write(f"Đã đăng ký {done} văn bản; {failed} tệp lỗi.")
        if failed:
            raise CommandError(f"{failed} tệp không đăng ký được (xem lỗi ở trên).")
