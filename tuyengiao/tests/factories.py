"""The one way tests make a document: through the service, as a user or an
import would (``documents.services.document_create``), so the symbol is parsed
and indexed as in production. Other objects come from each app's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.orgs.access import SYSTEM

RESOLUTION_57 = "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo"


def document(
    symbol: str = "57-NQ/TW",
    title: str = RESOLUTION_57,
    *,
    day: dt.date | None = None,
    body: str = "",
    **kw: Any,
) -> Any:
    """A registered document (``kw``: ``kind``, ``status``, ``attachments``...)."""
    from tuyengiao.documents import services

    return services.document_create(
        actor=SYSTEM, symbol=symbol, title=title, issue_date=day, body=body, **kw
    )
