"""Study data for the reports tests, written through the study services (whose
roll-up hooks keep the facts current); the import tests use the workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuyengiao.documents.models import Document
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.models import Campaign, Session


def campaign(
    owner: Any, doc: Document, *, start: dt.date, deadline: dt.date, target: int = 95
) -> Campaign:
    return services.campaign_create(
        actor=SYSTEM,
        title=f"Học tập Nghị quyết {doc.symbol}",
        documents=[doc],
        owner=owner,
        start=start,
        deadline=deadline,
        member_target=target,
    )


def session(
    code: str,
    camp: Campaign,
    host: Any,
    day: dt.date,
    *,
    main: Session | None = None,
    other: int = 0,
    public: int = 0,
    attendance: dict[Any, str] | None = None,
    fmt: str = "truc_tiep",
) -> Session:
    if main is not None:
        s = services.bridge_point_add(
            actor=SYSTEM,
            main=main,
            code=code,
            host=host,
            other_attendees=other,
            public_reached=public,
        )
    else:
        s = services.session_create(
            actor=SYSTEM,
            campaign=camp,
            code=code,
            host=host,
            date=day,
            format=fmt,
            other_attendees=other,
            public_reached=public,
        )
    for member, status in (attendance or {}).items():
        services.attendance_mark(actor=SYSTEM, session=s, member=member, status=status)
    return s
