"""The lock beyond approval: a report submitted and awaiting the decision locks its
figures too, until the unit withdraws it (recorded) or the approver returns it; the lock
follows the tree as it stood (a unit moved after the cut-off stays locked under the
unit that approved it, and the approved snapshot does not move); the guard asks a
bounded number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked, check_figures_open
from tuyengiao.periods import selectors, services
from tuyengiao.periods.models import Action, Submission, SubmissionEvent, SubmissionStatus
from tuyengiao.study import services as study
from tuyengiao.study.models import Status

from .helpers import CUTOFF, DAY, FROM, approve_all, quarter, reopen_down_to

pytestmark = pytest.mark.django_db


def _mark(world: Any, q: Any, status: str, actor: Any = None) -> Any:
    return study.attendance_mark(
        actor=actor or world.users["secretary"],
        session=q.session,
        member=world.members[0],
        status=status,
    )


def test_a_submitted_report_locks_until_withdrawn_or_returned(world: Any, client_for: Any) -> None:
    q = quarter(world)
    users = world.users
    s1 = services.submission_submit(actor=users["secretary"], period=q.period, unit=world.cell)
    with pytest.raises(FiguresLocked) as refused:
        _mark(world, q, Status.ABSENT)
    message = refused.value.messages[0]
    assert "báo cáo Quý III năm 2025 của Chi bộ bản Một đã được chibo nộp" in message
    assert "đang chờ Đảng ủy xã Một phê duyệt" in message and "rút lại" in message

    # the page offers the withdrawal to the submitting unit, not to a reader
    page = (
        client_for("secretary")
        .get(reverse("periods:unit", args=[q.period.pk, "CB1"]))
        .content.decode()
    )
    assert "Rút lại báo cáo" in page
    with pytest.raises(PermissionDenied):
        services.submission_withdraw(actor=users["member"], submission=s1)
    response = client_for("secretary").post(
        reverse("periods:withdraw", args=[q.period.pk, "CB1"]), {"reason": "Còn thiếu số liệu"}
    )
    assert response.status_code == 302
    s1.refresh_from_db()
    assert s1.status == SubmissionStatus.WITHDRAWN
    event = SubmissionEvent.objects.get(submission=s1, action=Action.WITHDRAW)
    assert event.actor == users["secretary"] and event.note == "Còn thiếu số liệu"
    assert any(
        e.changes_dict.get("status") == [SubmissionStatus.SUBMITTED, SubmissionStatus.WITHDRAWN]
        for e in LogEntry.objects.get_for_object(s1)
    )
    # withdrawn: not sent (it is in the reminder list), and the figures may change
    assert world.cell in selectors.late_units(q.period, world.commune)
    _mark(world, q, Status.ABSENT)
    with pytest.raises(ValidationError, match="chỉ rút lại"):
        services.submission_withdraw(actor=users["secretary"], submission=s1)

    # sent again: locked again; the approver returns it: unlocked
    s1 = services.submission_submit(actor=users["secretary"], period=q.period, unit=world.cell)
    with pytest.raises(FiguresLocked):
        _mark(world, q, Status.PRESENT)
    services.submission_return(actor=users["commune"], submission=s1, reason="Sai số liệu")
    _mark(world, q, Status.PRESENT)
    # an approved report is reopened, not withdrawn
    s1 = services.submission_submit(actor=users["secretary"], period=q.period, unit=world.cell)
    services.submission_approve(actor=users["commune"], submission=s1)
    with pytest.raises(ValidationError, match="Đã phê duyệt"):
        services.submission_withdraw(actor=users["secretary"], submission=s1)


def test_a_unit_moved_after_approval_stays_locked_under_its_approver(world: Any) -> None:
    q = quarter(world)
    approve_all(world, q)
    xa1 = Submission.objects.get(period=q.period, unit=world.commune)
    # CB1 moves from XA1 to XA2 today, long after the cut-off
    orgs.unit_move(
        actor=SYSTEM, unit=world.cell, new_parent=world.sibling_commune, on=timezone.localdate()
    )
    world.cell.refresh_from_db()
    assert world.sibling_commune.pk in world.cell.path_ids
    # in today's tree its reports above are reopened; XA1's, which counted it, is not
    reopen_down_to(q, world.cell)
    assert Submission.objects.get(pk=xa1.pk).status == SubmissionStatus.APPROVED
    with pytest.raises(FiguresLocked) as refused:
        _mark(world, q, Status.ABSENT, SYSTEM)
    assert "báo cáo Quý III năm 2025 của Đảng ủy xã Một đã được" in refused.value.messages[0]
    # XA1's approved figures are taken in the tree of the cut-off: the move moves nothing
    assert selectors.changes_since(xa1).same
    # a day after the cut-off, in the new tree: not locked
    check_figures_open(SYSTEM, [("x", world.cell, CUTOFF + dt.timedelta(days=1))])


def test_a_unit_moved_under_an_approved_report_after_the_cut_off_is_not_locked_by_it(
    world: Any,
) -> None:
    q = quarter(world)
    approve_all(world, q)
    reopen_down_to(q, world.sibling_cell)  # TINH, XA2, CB3 reopened; XA1 stays approved
    orgs.unit_move(
        actor=SYSTEM, unit=world.sibling_cell, new_parent=world.commune, on=timezone.localdate()
    )
    world.sibling_cell.refresh_from_db()
    # today CB3 is under XA1, whose approved report never counted it: not refused
    check_figures_open(SYSTEM, [("x", world.sibling_cell, DAY)])
    study.attendance_mark(
        actor=SYSTEM,
        session=q.sibling_session,
        member=world.sibling_members[0],
        status=Status.ABSENT,
    )


def test_the_guard_asks_three_queries_whatever_the_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    q = quarter(world)
    approve_all(world, q)
    units = [world.cell, world.cell2, world.sibling_cell, world.commune, world.province]
    pairs = [
        (unit, (FROM + dt.timedelta(days=d), FROM + dt.timedelta(days=d)))
        for unit in units
        for d in range(0, 120, 3)
    ] + [(world.cell, (DAY, None))]
    with django_assert_max_num_queries(3):
        refused = services.figures_guard(pairs, SYSTEM)
    inside = [p for p in pairs if p[1][0] <= CUTOFF]
    assert set(refused) == {(u.pk, span) for u, span in inside}
    with django_assert_max_num_queries(3), pytest.raises(FiguresLocked):
        check_figures_open(SYSTEM, [(i, u, span) for i, (u, span) in enumerate(pairs)])


def test_the_guard_asks_one_query_when_no_report_locks_the_days(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """Today's writes (a conference's check-ins) while the reports that lock are of a
    past period: one query (a prepared one on PostgreSQL, which Django's query log
    does not see), and nothing refused."""
    q = quarter(world)
    approve_all(world, q)
    after = CUTOFF + dt.timedelta(days=1)
    units = [world.cell, world.commune, world.province]
    with django_assert_max_num_queries(1):
        assert services.figures_guard([(u, (after, after)) for u in units], SYSTEM) == {}
    with django_assert_max_num_queries(1):
        assert services.figures_guard([(world.cell, (after, None))], SYSTEM) == {}
    assert services.figures_guard([(world.cell, (CUTOFF, None))], SYSTEM) != {}
