"""The facts kept by the study services' hooks equal a rebuild from raw rows,
after a random sequence of writes (creates, bridge points, marks that change,
bulk sets, count updates, re-imported sessions that move date, host or campaign,
QR check-ins, and single changes through ``facts_attendance_changed``)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.management import call_command

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.facts import facts_attendance_changed
from tuyengiao.study.models import (
    Attendance,
    MemberCampaignFact,
    MemberFact,
    PresenceFact,
    Session,
    SessionFact,
)
from tuyengiao.tests.factories import document

from . import factories as f

STATUSES = ["co_mat", "vang_co_ly_do", "vang_khong_ly_do"]


def _snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    sessions = sorted(
        SessionFact.objects.values_list(
            "session_id",
            "main_session_id",
            "is_bridge",
            "campaign_id",
            "unit_id",
            "date",
            "present",
            "excused",
            "absent",
            "other_attendees",
            "public_reached",
        )
    )
    presence = sorted(
        PresenceFact.objects.values_list(
            "session_id", "member_id", "campaign_id", "unit_id", "date"
        )
    )
    per_campaign = sorted(
        MemberCampaignFact.objects.values_list(
            "member_id", "campaign_id", "first_date", "last_date", "presences"
        )
    )
    per_member = sorted(
        MemberFact.objects.values_list("member_id", "first_date", "last_date", "presences")
    )
    return sessions, presence, per_campaign, per_member


@pytest.mark.parametrize("seed", range(1, 13))
def test_incremental_facts_equal_a_rebuild(world: Any, seed: int) -> None:
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    camps = [
        f.campaign(
            world.province, document(f"{n}-NQ/TW"), start=start, deadline=dt.date(2025, 12, 31)
        )
        for n in (57, 66)
    ]
    hosts = [
        world.province,
        world.commune,
        world.cell,
        world.cell2,
        world.sibling_commune,
        world.sibling_cell,
    ]
    everyone = [*world.members, *world.sibling_members]
    made: list[Session] = []
    for step in range(40):
        action = rng.choice(
            ["session", "bridge", "mark", "mark", "bulk", "update", "upsert", "qr", "one", "one"]
        )
        if action == "session" or not made:
            made.append(
                services.session_create(
                    actor=SYSTEM,
                    campaign=rng.choice(camps),
                    code=f"S{seed}-{step}",
                    host=rng.choice(hosts),
                    date=start + dt.timedelta(days=rng.randrange(300)),
                    format=rng.choice(["truc_tiep", "truc_tuyen"]),
                    other_attendees=rng.randrange(5),
                    public_reached=rng.randrange(50),
                )
            )
        elif action == "bridge":
            mains = [s for s in made if s.main_id is None and s.format != "truc_tiep"]
            if mains:
                made.append(
                    services.bridge_point_add(
                        actor=SYSTEM,
                        main=rng.choice(mains),
                        code=f"B{seed}-{step}",
                        host=rng.choice(hosts),
                        public_reached=rng.randrange(20),
                    )
                )
        elif action == "mark":
            session = rng.choice(made)
            members = [
                m for m in everyone if m.pk in services.members_in_host_scope(session, [m.pk])
            ]
            if members:
                services.attendance_mark(
                    actor=SYSTEM,
                    session=session,
                    member=rng.choice(members),
                    status=rng.choice(STATUSES),
                )
        elif action == "bulk":
            session = rng.choice(made)
            ids = services.members_in_host_scope(session, [m.pk for m in everyone])
            services.attendance_bulk_set(
                actor=SYSTEM,
                entries=[
                    services.AttendanceEntry(session.pk, i, rng.choice(STATUSES)) for i in ids
                ],
            )
        elif action == "qr":
            session = rng.choice(made)
            if services.members_in_host_scope(session, [world.members[0].pk]):
                services.checkin(
                    actor=world.users["member"],
                    token=services.make_token(session),
                    device_id=f"may-{step}",
                )
        elif action == "one":
            # the contract of the hot path: the caller changed one row, then reports it
            session = rng.choice(made)
            member = rng.choice(everyone)
            row = Attendance.objects.filter(session=session, member=member).first()
            old = row.status if row else None
            new = rng.choice([*STATUSES, None])
            if row and new is None:
                row.delete()
            elif row and new:
                row.status = new
                row.save(update_fields=["status"])
            elif new:
                Attendance.objects.create(session=session, member=member, status=new)
            facts_attendance_changed(session_id=session.pk, member_id=member.pk, old=old, new=new)
        elif action == "update":
            services.session_update(
                actor=SYSTEM,
                session=rng.choice(made),
                other_attendees=rng.randrange(9),
                public_reached=rng.randrange(99),
            )
        else:
            s = rng.choice([s for s in made if s.main_id is None])
            s.refresh_from_db()
            services.session_bulk_upsert(
                actor=SYSTEM,
                rows=[
                    services.SessionRow(
                        code=s.code,
                        campaign=rng.choice(camps),
                        host=s.host,
                        date=start + dt.timedelta(days=rng.randrange(300)),
                        format=s.format,
                        title="đổi",
                        main_code="",
                        other_attendees=s.other_attendees,
                        public_reached=rng.randrange(40),
                    )
                ],
            )
    incremental = _snapshot()
    assert incremental[0], "the sequence wrote sessions"
    assert incremental[2] and incremental[3], "the sequence made members present"
    call_command("rebuild_facts", verbosity=0)
    assert _snapshot() == incremental
