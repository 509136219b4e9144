"""Open a period; cells submit, communes approve, the province approves; the lock;
reopening (audited); changes since approval; completeness and timeliness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.periods import selectors, services
from tuyengiao.periods.models import Action, Submission, SubmissionEvent, SubmissionStatus
from tuyengiao.reports.selectors import report_figures
from tuyengiao.study import services as study
from tuyengiao.study.models import Attendance, Status

from .helpers import CUTOFF, DAY, FROM, approve_all, quarter

pytestmark = pytest.mark.django_db


def _sub(q: Any, unit: Any) -> Submission:
    return Submission.objects.select_related("period", "unit").get(period=q.period, unit=unit)


def test_bottom_up_approval_then_the_lock_names_period_and_approver(world: Any) -> None:
    q = quarter(world)
    users = world.users
    s1 = services.submission_submit(actor=users["secretary"], period=q.period, unit=world.cell)
    # the frozen figures: three members present at CB1's session
    study_summary = dict(map(tuple, s1.snapshot["summary"]["study"]["rows"]))
    assert study_summary["Số lượt đảng viên có mặt"] == 3
    assert len(s1.sha256) == 64
    assert "periods" not in s1.snapshot["figures"]["sections"]
    # a commune cannot submit or approve while a cell is not approved
    with pytest.raises(ValidationError, match="chưa được phê duyệt hết"):
        services.submission_submit(actor=users["commune"], period=q.period, unit=world.commune)
    # the cell's own secretary does not approve it; the commune does
    with pytest.raises(PermissionDenied):
        services.submission_approve(actor=users["secretary"], submission=s1)
    with pytest.raises(PermissionDenied):
        services.submission_approve(actor=None, submission=s1)
    approve_all(world, q)
    assert set(Submission.objects.filter(period=q.period).values_list("status", flat=True)) == {
        SubmissionStatus.APPROVED
    }

    # CB1's figures are locked: a grid tap, a bulk write, a new session are refused
    for write in (
        lambda: study.attendance_mark(
            actor=users["secretary"],
            session=q.session,
            member=world.members[0],
            status=Status.ABSENT,
        ),
        lambda: study.attendance_bulk_set(
            actor=SYSTEM,
            entries=[study.AttendanceEntry(q.session.pk, world.members[1].pk, Status.EXCUSED)],
        ),
        lambda: study.session_update(actor=users["commune"], session=q.session, other_attendees=40),
    ):
        with pytest.raises(ValidationError) as refused:
            write()
        message = refused.value.messages[0]
        assert "Quý III năm 2025" in message
        # the nearest approval: the commune's staff ("xa") approved CB1's report
        assert "báo cáo Quý III năm 2025 của Chi bộ bản Một đã được xa phê duyệt" in message
        assert "10/09/2025" in message
    assert Attendance.objects.get(session=q.session, member=world.members[0]).status == (
        Status.PRESENT
    )
    # a day after the cut-off is not locked
    study.session_create(
        actor=SYSTEM,
        campaign=q.session.campaign,
        code="HN-CB1-10",
        host=world.cell,
        date=CUTOFF + dt.timedelta(days=1),
    )


def test_reopen_top_down_is_audited_and_the_change_shows(world: Any) -> None:
    q = quarter(world)
    users = world.users
    approve_all(world, q)
    cb1 = _sub(q, world.cell)
    # the cell cannot be reopened while the commune's report above it is approved
    with pytest.raises(ValidationError, match="mở lại báo cáo cấp trên trước"):
        services.submission_reopen(actor=users["commune"], submission=cb1, reason="Sai số liệu")
    with pytest.raises(ValidationError, match="lý do"):
        services.submission_reopen(
            actor=users["province"], submission=_sub(q, world.province), reason=" "
        )
    services.submission_reopen(
        actor=users["province"], submission=_sub(q, world.province), reason="Xã Một báo sai"
    )
    services.submission_reopen(
        actor=users["province"], submission=_sub(q, world.commune), reason="Chi bộ Một báo sai"
    )
    services.submission_reopen(actor=users["commune"], submission=cb1, reason="Sai số liệu")
    cb1.refresh_from_db()
    assert cb1.status == SubmissionStatus.REOPENED
    # recorded: the app's event and the audit trail's entry, with the actor
    event = SubmissionEvent.objects.get(submission=cb1, action=Action.REOPEN)
    assert event.actor == users["commune"] and event.note == "Sai số liệu"
    entries = LogEntry.objects.get_for_object(cb1).filter(actor=users["commune"])
    assert any(
        e.changes_dict.get("status") == [SubmissionStatus.APPROVED, SubmissionStatus.REOPENED]
        for e in entries
    ), [e.changes_dict for e in entries]
    # nothing changed yet
    assert selectors.changes_since(cb1).same
    # now the change is allowed, and shows against the approved figures
    study.attendance_mark(
        actor=users["secretary"], session=q.session, member=world.members[0], status=Status.ABSENT
    )
    changes = selectors.changes_since(cb1)
    assert not changes.same
    rows = {(c.label, c.approved, c.live) for c in changes.rows}
    assert ("Số lượt đảng viên có mặt", 3, 2) in rows
    assert ("Số lượt vắng không lý do", 0, 1) in rows
    # CB2, still approved under the reopened commune, stays locked
    with pytest.raises(ValidationError, match="Chi bộ bản Hai"):
        study.attendance_mark(
            actor=SYSTEM, session=q.session2, member=world.members[3], status=Status.ABSENT
        )
    # the cell sends again and is approved again: locked with the new figures
    again = services.submission_submit(actor=users["secretary"], period=q.period, unit=world.cell)
    assert again.sha256 != cb1.sha256
    services.submission_approve(actor=users["commune"], submission=again)
    assert selectors.changes_since(_sub(q, world.cell)).same


def test_return_with_a_reason_then_resubmit(world: Any) -> None:
    q = quarter(world)
    s = services.submission_submit(actor=world.users["secretary"], period=q.period, unit=world.cell)
    with pytest.raises(ValidationError, match="lý do"):
        services.submission_return(actor=world.users["commune"], submission=s, reason="")
    services.submission_return(
        actor=world.users["commune"], submission=s, reason="Thiếu số lượt nhân dân"
    )
    s.refresh_from_db()
    assert (s.status, s.reason) == (SubmissionStatus.RETURNED, "Thiếu số lượt nhân dân")
    assert selectors.completeness(q.period, world.commune).actual == 0  # returned: not sent
    with pytest.raises(ValidationError, match="trạng thái"):
        services.submission_approve(actor=world.users["commune"], submission=s)
    s = services.submission_submit(actor=world.users["secretary"], period=q.period, unit=world.cell)
    assert s.status == SubmissionStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.submission_submit(actor=world.users["member"], period=q.period, unit=world.cell)
    with pytest.raises(PermissionDenied):
        services.submission_submit(actor=world.users["outsider"], period=q.period, unit=world.cell)


def test_open_is_for_staff_and_checks_dates(world: Any) -> None:
    kwargs: dict[str, Any] = {
        "kind": "thang",
        "name": "Tháng 9/2025",
        "date_from": FROM,
        "cutoff": CUTOFF,
    }
    with pytest.raises(PermissionDenied):
        services.period_open(
            actor=world.users["secretary"], unit=world.cell, due_date=CUTOFF, **kwargs
        )
    with pytest.raises(ValidationError, match="Hạn nộp"):
        services.period_open(
            actor=world.users["commune"], unit=world.commune, due_date=DAY, **kwargs
        )
    with pytest.raises(PermissionDenied):
        services.period_open(actor=None, unit=world.commune, due_date=CUTOFF, **kwargs)


def test_completeness_and_timeliness_and_the_report_section(world: Any) -> None:
    late = quarter(world, due=dt.date(2025, 10, 10))  # due long ago: every report is late
    users = world.users
    services.submission_submit(actor=users["secretary"], period=late.period, unit=world.cell)
    services.submission_submit(actor=users["commune"], period=late.period, unit=world.cell2)
    c = selectors.completeness(late.period)
    assert (c.expected, c.actual, c.on_time, c.approved) == (6, 2, 0, 0)
    assert str(c.actual_rate) == "33.33"
    assert [u.code for u in selectors.late_units(late.period, world.province)] == [
        u.code
        for u in sorted(
            [world.province, world.commune, world.sibling_commune, world.sibling_cell],
            key=lambda u: u.path,
        )
    ]
    on_time = services.period_open(
        actor=users["commune"],
        unit=world.commune,
        kind="thang",
        name="Tháng 9 năm 2025",
        date_from=dt.date(2025, 9, 1),
        cutoff=CUTOFF,
        due_date=timezone.localdate(),
    )
    services.submission_submit(actor=users["secretary"], period=on_time, unit=world.cell)
    c2 = selectors.completeness(on_time)
    assert (c2.expected, c2.actual, c2.on_time) == (3, 1, 1)
    # the report section of XA1 for 2025 counts the two periods over XA1's subtree
    report = report_figures(unit=world.commune, date_from=FROM, date_to=dt.date(2025, 12, 31))
    part = report.result("periods")
    # same cut-off: the later opened first
    assert [
        (p["name"], p["expected"], p["actual"], p["on_time"]) for p in part.data["periods"]
    ] == [
        ("Tháng 9 năm 2025", 3, 1, 1),
        ("Quý III năm 2025", 3, 2, 0),
    ]
    assert part.completeness is not None and part.completeness.expected == 3
    assert any("2/3 đơn vị đã gửi báo cáo (66,67%)" in s for s in part.paragraphs)
