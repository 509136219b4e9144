"""``python manage.py search "query" [--json]``: the document search box, on the command line."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from tuyengiao.documents.search import search_documents


class Command(BaseCommand):
    help = (
        "Tìm văn bản theo số hiệu, trích yếu, nội dung (gõ có dấu hay không dấu đều được). "
        '--json: in [{"symbol", "title", "score"}].'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: object, **options: object) -> None:
        limit = options["limit"]
        assert isinstance(limit, int)  # noqa: S101  narrows the type for mypy; argparse type=int gives an int
        results = search_documents(str(options["query"]), limit=limit)
        if options["json"]:
            payload = [{"symbol": d.symbol, "title": d.title, "score": s} for d, s in results]
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        if not results:
            self.stdout.write("Không tìm thấy văn bản nào.")
            return
        for document, score in results:
            when = f" ({document.issue_date:%d/%m/%Y})" if document.issue_date else ""
            self.stdout.write(
                f"{score:5.2f}  {document.kind} {document.symbol}{when}: {document.title}"
            )
