"""``python manage.py similar_essays FILE... [--exclude FILE...] [--json]``: the copy
check on essays given as files (.txt, .docx, .pdf), the text of ``--exclude`` files
(the resolution, the outline) removed before scoring. Prints the pairs with their
score and whether they are flagged; nothing is written to the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.documents.files import extract_text
from tuyengiao.lib.numbers import format_percent

from ... import similarity


def _read(path: str) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp '{path}': {exc.strerror}.") from exc
    try:
        return extract_text(p.name, data)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc


class Command(BaseCommand):
    help = "Kiểm tra trùng lặp giữa các bài thu hoạch (tệp .txt, .docx, .pdf)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--exclude",
            nargs="+",
            default=[],
            metavar="FILE",
            help="văn bản học tập, đề cương: phần trích dẫn không tính là trùng",
        )
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if len(set(files)) < 2:
            raise CommandError("Cần ít nhất hai tệp bài thu hoạch để so sánh.")
        texts = [(f, _read(f)) for f in dict.fromkeys(files)]
        quoted = [_read(f) for f in options["exclude"]]
        result = similarity.check(texts, quoted)
        if options["json"]:
            out = {
                "essays": len(texts),
                "compared": result.compared,
                "candidates": result.candidates,
                "flag_at": similarity.FLAG_AT,
                "pairs": [
                    {
                        "a": p.a,
                        "b": p.b,
                        "score": p.score,
                        "flagged": p.flagged,
                        "shared_shingles": p.shared,
                        "passages": len(p.passages),
                    }
                    for p in result.pairs
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        if not result.pairs:
            self.stdout.write(
                f"Không có cặp bài nào trùng từ {format_percent(similarity.SHOWN * 100)} trở lên."
            )
            return
        for p in result.pairs:
            flag = " — ĐÁNG CHÚ Ý" if p.flagged else ""
            self.stdout.write(f"{format_percent(p.score * 100)}  {p.a}  ~  {p.b}{flag}")
