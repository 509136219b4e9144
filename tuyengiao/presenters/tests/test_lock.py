"""The lock of reported figures (``orgs.hooks.check_figures_open``) in presenters: a
dissemination event, a course and its learners, the presenters of a session, in a
period whose reports are approved, are refused through the service and the sheet; an
unchanged re-import is not; after reopening the write goes through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods.tests.helpers import approve_all, locked_quarter, quarter, reopen_down_to
from tuyengiao.presenters import services
from tuyengiao.presenters.models import Course, DisseminationEvent, Learner

pytestmark = pytest.mark.django_db

EVENTS = (
    "Mã buổi,Mã đơn vị,Ngày,Hình thức,Báo cáo viên,Số hiệu văn bản,Ngôn ngữ,Số lượt người nghe\n"
    "TT-01,CB1,02/08/2025,,,,,{n}\n"
)
COURSES = (
    "Mã lớp,Tên lớp,Mã đơn vị,Từ ngày,Đến ngày,Số lượt học viên\n"
    "LOP-01,Tập huấn báo cáo viên cơ sở,XA1,10/08/2025,12/08/2025,{n}\n"
)
LEARNERS = "Mã lớp,Mã báo cáo viên,Mã đảng viên,Kết quả\nLOP-01,,{member},\n"


def _import(world: Any, **sheets: str) -> Any:
    names = {"events": "Buổi tuyên truyền", "courses": "Lớp tập huấn", "learners": "Học viên"}
    files = [(f"{names[k]}.csv", v.encode()) for k, v in sheets.items()]
    return run_import(files, actor=world.users["province"], dry_run=False)


def test_events_and_courses_lock_through_the_sheet_and_the_service(world: Any) -> None:
    q = quarter(world)
    before = dict(events=EVENTS.format(n=120), courses=COURSES.format(n=30))
    first = _import(world, **before, learners=LEARNERS.format(member="DV2"))
    assert first.committed, [e.as_text() for e in first.errors]
    approve_all(world, q)

    again = _import(world, **before, learners=LEARNERS.format(member="DV2"))
    assert again.committed, [e.as_text() for e in again.errors]  # nothing changes
    assert {k: c.unchanged for k, c in again.counts.items()} == {
        "Buổi tuyên truyền": 1,
        "Lớp tập huấn": 1,
        "Học viên": 1,
    }

    refused = [
        _import(world, events=EVENTS.format(n=999)),
        _import(world, courses=COURSES.format(n=31)),
        _import(world, learners=LEARNERS.format(member="DV3")),
    ]
    assert not any(r.committed for r in refused)
    errors = [e for r in refused for e in r.errors]
    assert [(e.sheet, e.row, e.value) for e in errors] == [
        ("Buổi tuyên truyền", 2, "TT-01"),
        ("Lớp tập huấn", 2, "LOP-01"),
        ("Học viên", 2, "DV3"),
    ]
    for error in errors:
        assert "Quý III năm 2025" in error.message and "phê duyệt" in error.message
    assert DisseminationEvent.objects.get().listeners == 120
    assert Course.objects.get().extra_participants == 30
    assert Learner.objects.count() == 1

    # through the service: a new event, and moving one out of the period
    data = services.EventData(code="TT-09", unit=world.cell, date=dt.date(2025, 9, 1), listeners=5)
    with pytest.raises(FiguresLocked, match="Quý III năm 2025"):
        services.event_save(actor=SYSTEM, data=data)
    moved = services.EventData(
        code="TT-01", unit=world.cell, date=dt.date(2025, 10, 2), listeners=120
    )
    with pytest.raises(FiguresLocked, match="Chi bộ bản Một ngày 02/08/2025"):
        services.event_save(actor=SYSTEM, data=moved)
    with pytest.raises(FiguresLocked):
        services.event_delete(actor=SYSTEM, event=DisseminationEvent.objects.get())
    # outside the period: not locked
    later = services.EventData(
        code="TT-10", unit=world.cell, date=dt.date(2025, 10, 1), listeners=5
    )
    assert services.event_save(actor=SYSTEM, data=later)[1] == "created"

    reopen_down_to(q, world.cell)
    reopened = _import(world, events=EVENTS.format(n=999), courses=COURSES.format(n=31))
    assert reopened.committed, [e.as_text() for e in reopened.errors]
    assert DisseminationEvent.objects.get(code="TT-01").listeners == 999
    assert Course.objects.get().extra_participants == 31


def test_presenters_of_a_session_are_locked_under_its_host(world: Any) -> None:
    from tuyengiao.presenters.tests.conftest import save

    presenter = save(code="BCV-X9", full_name="Lò Văn Chín", unit=world.commune)
    q = locked_quarter(world)
    with pytest.raises(FiguresLocked, match="Chi bộ bản Một"):
        services.session_presenter_add(actor=SYSTEM, session=q.session, presenter=presenter)
    with pytest.raises(FiguresLocked):
        services.session_presenters_set(actor=SYSTEM, session=q.session, presenters=[presenter])
    assert services.session_presenters_set(actor=SYSTEM, session=q.session, presenters=[]) == (
        0,
        0,
    )  # no change: not refused
    reopen_down_to(q, world.cell)
    assert services.session_presenter_add(actor=SYSTEM, session=q.session, presenter=presenter)
