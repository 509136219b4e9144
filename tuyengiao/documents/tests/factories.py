from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.documents import services
from tuyengiao.orgs.access import SYSTEM


def doc(symbol: str, title: str, *, day: dt.date | None = None, body: str = "", **kw: Any) -> Any:
    return services.document_create(
        actor=SYSTEM, symbol=symbol, title=title, issue_date=day, body=body, **kw
    )
