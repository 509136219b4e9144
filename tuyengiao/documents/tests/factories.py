from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.documents import services


def doc(symbol: str, title: str, *, day: dt.date | None = None, body: str = "", **kw: Any) -> Any:
    return services.document_create(
        actor=None, symbol=symbol, title=title, issue_date=day, body=body, **kw
    )
