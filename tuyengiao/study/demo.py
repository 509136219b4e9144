"""Demo data: the province studies Nghị quyết 57-NQ/TW after the 2025 reform.

An online conference of the Provincial Committee with a bridge point in every
commune, a hybrid session in each commune for the cells, and make-up sessions
in some cells for those who missed. Deterministic (fixed seed) and idempotent:
a second run finds the campaign and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q

from tuyengiao.documents.models import Document
from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

from . import services
from .models import Attendance, Campaign, Format, Session, Status

TITLE = "Học tập, quán triệt Nghị quyết 57-NQ/TW về đột phá khoa học, công nghệ"
START = dt.date(2025, 8, 1)
DEADLINE = dt.date(2025, 10, 31)
CONFERENCE = dt.date(2025, 8, 12)


def _document() -> Document:
    # Whatever key the documents app derives, the identity fields find it.
    found = (
        Document.objects.filter(
            Q(symbol_key="57-nq/tw")
            | Q(symbol__iexact="57-NQ/TW")
            | Q(system="party", type_code="NQ", number=57, issuer_code="TW")
        )
        .order_by("-issue_date")
        .first()
    )
    if found is not None:
        return found
    return Document.objects.create(
        system="party",
        kind="Nghị quyết",
        type_code="NQ",
        number=57,
        issuer_code="TW",
        year=None,
        issue_date=dt.date(2024, 12, 22),
        symbol="57-NQ/TW",
        symbol_key="57-nq/tw",
        title=(
            "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
        ),
    )


def _mark(
    rng: random.Random, session: Session, member_ids: list[int], p_present: float
) -> list[services.AttendanceEntry]:
    entries = []
    for member_id in member_ids:
        roll = rng.random()
        if roll < p_present:
            status = Status.PRESENT
        elif roll < p_present + (1 - p_present) / 2:
            status = Status.EXCUSED
        else:
            status = Status.ABSENT
        entries.append(services.AttendanceEntry(session.pk, member_id, status))
    return entries


@transaction.atomic
def build(seed: int = 57) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or Campaign.objects.filter(title=TITLE).exists():
        return ""
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    campaign = services.campaign_create(
        actor=SYSTEM,
        title=TITLE,
        documents=[_document()],
        owner=province,
        start=START,
        deadline=DEADLINE,
        audiences=["members", "key_cadres", "public"],
    )
    main = services.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code="HN-TU-57",
        host=province,
        date=CONFERENCE,
        start_time=dt.time(7, 30),
        end_time=dt.time(11, 30),
        format=Format.ONLINE,
        title="Hội nghị trực tuyến học tập, quán triệt Nghị quyết 57-NQ/TW",
        place="Hội trường Tỉnh ủy (điểm cầu chính)",
        outside_presenters="Đồng chí Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        other_attendees=42,
    )
    entries: list[services.AttendanceEntry] = []
    sessions = 1
    communes = list(org_selectors.children_on(province, CONFERENCE))
    for index, version in enumerate(communes):
        commune = version.unit
        bridge = services.bridge_point_add(
            actor=SYSTEM,
            main=main,
            code=f"HN-TU-57-{commune.code}",
            host=commune,
            place=f"Hội trường {version.name.replace('Đảng ủy ', 'UBND ')}",
            other_attendees=rng.randint(5, 25),
            public_reached=rng.randint(100, 600),
        )
        sessions += 1
        # Key cadres at the bridge point: the first cell's members.
        cells = list(org_selectors.children_on(commune, CONFERENCE))
        if not cells:
            continue
        first = list(
            org_selectors.members_of_subtree(cells[0].unit, CONFERENCE).values_list("pk", flat=True)
        )
        entries += _mark(rng, bridge, first, 0.9)
        # A commune session (hybrid) for everyone else, a week later.
        local = services.session_create(
            actor=SYSTEM,
            campaign=campaign,
            code=f"HN-57-{commune.code}",
            host=commune,
            date=CONFERENCE + dt.timedelta(days=7 + index % 5),
            start_time=dt.time(14, 0),
            format=Format.HYBRID,
            title=f"Hội nghị quán triệt Nghị quyết 57-NQ/TW — {version.name}",
            place="Hội trường Đảng ủy",
            public_reached=rng.randint(300, 1500),
        )
        sessions += 1
        others = list(
            org_selectors.members_of_subtree(commune, local.date)
            .exclude(pk__in=first)
            .values_list("pk", flat=True)
        )
        # Some communes lag behind (below the 95% target before make-up sessions).
        p = 0.7 if index % 4 == 3 else 0.88
        marks = _mark(rng, local, others, p)
        entries += marks
        missed = {e.member_id for e in marks if e.status != Status.PRESENT}
        for cell_version in cells[: 2 if index % 4 != 3 else 1]:
            cell = cell_version.unit
            makeup_date = local.date + dt.timedelta(days=21)
            cell_missed = [
                pk
                for pk in org_selectors.members_of_subtree(cell, makeup_date).values_list(
                    "pk", flat=True
                )
                if pk in missed
            ]
            if not cell_missed:
                continue
            makeup = services.session_create(
                actor=SYSTEM,
                campaign=campaign,
                code=f"HB-57-{cell.code}",
                host=cell,
                date=makeup_date,
                format=Format.IN_PERSON,
                title="Học bù Nghị quyết 57-NQ/TW",
                place="Nhà văn hoá",
                is_makeup=True,
            )
            sessions += 1
            entries += _mark(rng, makeup, cell_missed, 0.75)
    created, _, _ = services.attendance_bulk_set(actor=SYSTEM, entries=entries, source="grid")
    present = Attendance.objects.filter(session__campaign=campaign, status=Status.PRESENT).count()
    return (
        f"Đã tạo đợt học tập “{TITLE}”: {format_int(sessions)} hội nghị và điểm cầu, "
        f"{format_int(created)} lượt điểm danh ({format_int(present)} có mặt)."
    )
