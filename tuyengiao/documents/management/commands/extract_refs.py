"""``python manage.py extract_refs FILE... [--json]``: document references in files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.documents.files import extract_text
from tuyengiao.lib.refs import extract_refs, normalize_for_refs


class Command(BaseCommand):
    help = (
        "Tìm mọi tham chiếu văn bản (57-NQ/TW, 30/2020/NĐ-CP, Đề án 1327...) trong các tệp "
        ".txt, .docx, .pdf. --json: mỗi dòng một đối tượng JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="in JSON, mỗi dòng một tham chiếu")

    def handle(self, *args: object, **options: object) -> None:
        failed = []
        names = options["files"]
        assert isinstance(names, list)  # noqa: S101  narrows the type for mypy; argparse nargs="+" gives a list
        for name in names:
            path = Path(str(name))
            try:
                data = path.read_bytes()
            except OSError as exc:
                failed.append(f"Không mở được tệp '{name}': {exc.strerror}.")
                continue
            try:
                text = extract_text(path.name, data) if path.suffix.lower() != ".txt" else None
                if text is None:
                    # plain text is read as is, so offsets refer to the file's own text
                    text = normalize_for_refs(_decode(path.name, data))
            except ValidationError as exc:
                failed.append(" ".join(exc.messages))
                continue
            refs = extract_refs(text)
            for ref in refs:
                item = {"file": str(name), **dataclasses.asdict(ref)}
                if options["json"]:
                    self.stdout.write(json.dumps(item, ensure_ascii=False))
                else:
                    kind = f"{ref.kind} " if ref.kind and ref.system != "bare" else ""
                    self.stdout.write(
                        f"{name}:{ref.start}-{ref.end}\t{ref.system}\t{kind}{ref.symbol}"
                    )
            if not options["json"]:
                self.stdout.write(f"{name}: {len(refs)} tham chiếu.")
        for message in failed:
            self.stderr.write(message)
        if failed:
            raise CommandError(f"{len(failed)} tệp không đọc được.")


def _decode(name: str, data: bytes) -> str:
    from tuyengiao.documents.files import _txt

    return _txt(name, data)
