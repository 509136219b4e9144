"""The report's presenter figures equal an independent count of the raw rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.presenters import selectors, services
from tuyengiao.presenters.models import Presenter, SessionPresenter

from .conftest import save

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 7, 1), dt.date(2025, 12, 31)


@pytest.fixture
def sessions(world: Any, roster: dict[str, Any]) -> list[Any]:
    from tuyengiao.documents import services as documents
    from tuyengiao.study import services as study
    from tuyengiao.study.models import Status

    document = documents.document_create(actor=SYSTEM, symbol="57-NQ/TW", title="Về đột phá")
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập NQ 57",
        documents=[document],
        owner=world.province,
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2026, 6, 30),
    )
    made = []
    for code, host, day, others, public, who in (
        ("HN-A", world.cell, dt.date(2025, 8, 1), 5, 100, ["an"]),
        ("HN-B", world.commune, dt.date(2025, 9, 1), 3, 0, ["an", "binh"]),
        ("HN-C", world.sibling_cell, dt.date(2025, 10, 1), 2, 50, ["sibling"]),
        ("HN-D", world.cell, dt.date(2025, 11, 1), 9, 9, []),  # no roster presenter
        ("HN-E", world.cell, dt.date(2026, 1, 5), 4, 4, ["an"]),  # after the period
    ):
        session = study.session_create(
            actor=SYSTEM,
            campaign=campaign,
            code=code,
            host=host,
            date=day,
            other_attendees=others,
            public_reached=public,
        )
        services.session_presenters_set(
            actor=SYSTEM, session=session, presenters=[roster[k] for k in who]
        )
        made.append(session)
    entries = [
        study.AttendanceEntry(made[0].pk, world.members[0].pk, Status.PRESENT),
        study.AttendanceEntry(made[0].pk, world.members[1].pk, Status.PRESENT),
        study.AttendanceEntry(made[0].pk, world.members[2].pk, Status.ABSENT),
        study.AttendanceEntry(made[1].pk, world.members[3].pk, Status.PRESENT),
        study.AttendanceEntry(made[2].pk, world.sibling_members[0].pk, Status.PRESENT),
        study.AttendanceEntry(made[3].pk, world.members[0].pk, Status.PRESENT),
    ]
    study.attendance_bulk_set(actor=SYSTEM, entries=entries, source="grid")
    return made


def _independent(unit_ids: set[int], day: dt.date) -> dict[str, int]:
    """Count from the raw rows in Python, without the selector's queries."""
    from tuyengiao.study.models import Attendance, Session

    people = [
        p for p in Presenter.objects.select_related("level", "status") if p.unit_id in unit_ids
    ]
    serving = [
        p
        for p in people
        if p.status.serving
        and (p.valid_from is None or p.valid_from <= day)
        and (p.valid_until is None or day <= p.valid_until)
    ]
    named = [
        s
        for s in Session.objects.all()
        if s.host_id in unit_ids
        and FROM <= s.date <= TO
        and SessionPresenter.objects.filter(session=s).exists()
    ]
    present = sum(
        1 for a in Attendance.objects.all() if a.session in named and a.status == "co_mat"
    )
    return {
        "presenters": sum(1 for p in serving if not p.level.is_communicator),
        "communicators": sum(1 for p in serving if p.level.is_communicator),
        "advanced": sum(1 for p in serving if p.theory in ("cao_cap", "cu_nhan")),
        "sessions": len(named),
        "listeners": present + sum(s.other_attendees for s in named),
        "public": sum(s.public_reached for s in named),
    }


@pytest.mark.parametrize("root", ["TINH", "XA1", "XA2", "CB1"])
def test_figures_equal_an_independent_count(world: Any, sessions: Any, root: str) -> None:
    unit = Unit.objects.get(code=root)
    ids = set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    f = selectors.figures(ids, FROM, TO)
    want = _independent(ids, TO)
    got = {
        "presenters": f.presenters,
        "communicators": f.communicators,
        "advanced": sum(lv.advanced_theory for lv in f.levels),
        "sessions": f.totals.sessions,
        "listeners": f.totals.listeners,
        "public": f.totals.public,
    }
    assert got == want


def test_the_province_in_numbers(world: Any, sessions: Any) -> None:
    ids = list(Unit.objects.values_list("pk", flat=True))
    f = selectors.figures(ids, FROM, TO)
    # serving on 31/12/2025: Thắng (tỉnh), Yến (cơ sở), Lan (XA2, cơ sở); Ân (TTV);
    # Bình was relieved on 30/09/2025
    assert (f.presenters, f.communicators) == (3, 1)
    levels = {lv.code: lv for lv in f.levels}
    assert levels["tinh"].serving == 1 and levels["tinh"].advanced_share == 100
    assert "huyen" not in levels  # closed on 01/07/2025 and nobody left
    # HN-A, HN-B, HN-C: 2 + 1 + 1 present, 5 + 3 + 2 others; public 100 + 0 + 50
    assert (f.totals.sessions, f.totals.listeners, f.totals.public) == (3, 14, 150)


def test_grouped_by_child(world: Any, sessions: Any) -> None:
    units = Unit.objects.all()
    group = {
        u.pk: (world.commune.pk if u.path.startswith(world.commune.path) else u.pk) for u in units
    }
    f = selectors.figures(list(group), FROM, TO, group_of=group)
    xa1 = f.groups[world.commune.pk]
    assert (xa1.presenters, xa1.communicators, xa1.sessions, xa1.listeners) == (1, 1, 2, 11)


def test_a_relieved_presenter_counts_in_an_earlier_period(world: Any) -> None:
    save(
        code="BCV-R",
        full_name="Lò Văn Ơn",
        unit=world.commune,
        status="thoi",
        valid_until=dt.date(2025, 9, 30),
    )
    ids = [world.commune.pk]
    assert selectors.figures(ids, FROM, dt.date(2025, 9, 30)).presenters == 1
    assert selectors.figures(ids, FROM, dt.date(2025, 10, 1)).presenters == 0
