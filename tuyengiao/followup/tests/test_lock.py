"""The lock of reported figures (``orgs.hooks.check_figures_open``) in followup: tasks
and inspections in a period whose reports are approved are refused through the service
and the sheet; an unchanged re-import is not, nor a change that the period's figures do
not see (a deadline after its cut-off, a task done today); after reopening the write
goes through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.followup import services
from tuyengiao.followup.models import InspectionTarget, Programme, Task
from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.hooks import FiguresLocked
from tuyengiao.periods.tests.helpers import approve_all, quarter, reopen_down_to

from .test_sheets import ROUND_HEAD, TASK_HEAD, book

pytestmark = pytest.mark.django_db

PLAN = [["Số hiệu", "Trích yếu", "Ngày ban hành"], ["20-KH/ĐU", "Kế hoạch 57", "01/09/2025"]]


def _task(deadline: str, done: str) -> list[list[Any]]:
    return [TASK_HEAD, ["NV-L1", "20-KH/ĐU", "Quán triệt ở chi bộ", "CB1", deadline, done]]


def _round(members: int, findings: str) -> list[list[Any]]:
    return [
        ROUND_HEAD,
        ["KT-L1", "Kiểm tra", "XA1", "05/09/2025", "", "CB1", members, "Học tập", findings],
    ]


def _import(world: Any, sheets: dict[str, list[list[Any]]]) -> Any:
    return run_import([("t.xlsx", book(sheets))], actor=world.users["commune"], dry_run=False)


def test_tasks_and_rounds_lock_through_the_sheet_and_the_service(world: Any) -> None:
    q = quarter(world)
    first = _import(
        world,
        {"Văn bản": PLAN, "Nhiệm vụ": _task("30/11/2025", ""), "Kiểm tra giám sát": _round(12, "")},
    )
    assert first.ok, [e.as_text() for e in first.errors]
    approve_all(world, q)

    again = _import(
        world, {"Nhiệm vụ": _task("30/11/2025", ""), "Kiểm tra giám sát": _round(12, "")}
    )
    assert again.ok and not again.changed, [e.as_text() for e in again.errors]
    # done inside the quarter: refused, with the row and the period
    done = _import(world, {"Nhiệm vụ": _task("30/11/2025", "20/09/2025")})
    assert not done.ok
    assert [(e.sheet, e.row, e.value) for e in done.errors] == [("Nhiệm vụ", 2, "NV-L1")]
    assert "Quý III năm 2025" in done.errors[0].message
    # a deadline moved from one day after the cut-off to another: the quarter's
    # figures (in time on 30/09/2025) do not move, so it is not refused
    later = _import(world, {"Nhiệm vụ": _task("31/12/2025", "")})
    assert later.ok, [e.as_text() for e in later.errors]
    # a deadline moved into the quarter would make it overdue on the cut-off
    early = _import(world, {"Nhiệm vụ": _task("15/09/2025", "")})
    assert not early.ok and "Quý III năm 2025" in early.errors[0].message
    # the round: members covered are counted, findings are not
    members = _import(world, {"Kiểm tra giám sát": _round(13, "")})
    assert not members.ok
    assert {(e.sheet, e.value) for e in members.errors} == {("Kiểm tra giám sát", "KT-L1")}
    assert "Quý III năm 2025" in members.errors[0].message
    findings = _import(world, {"Kiểm tra giám sát": _round(12, "Tốt")})
    assert findings.ok, [e.as_text() for e in findings.errors]
    assert InspectionTarget.objects.get().members == 12

    task = Task.objects.get()
    # through the service: a task given inside the quarter and still open
    programme = Programme.objects.get()
    new = services.TaskData(code="NV-L2", content="Việc mới", unit=world.cell)
    with pytest.raises(FiguresLocked, match="Chi bộ bản Một từ ngày 01/09/2025"):
        services.task_save(actor=SYSTEM, data=new, programme=programme)
    # reported done today (after the quarter): not refused
    services.task_report(actor=SYSTEM, task=task, note="Đã xong", done=True)
    task.refresh_from_db()
    assert task.done_on is not None and task.done_on > q.period.cutoff
    with pytest.raises(FiguresLocked):
        services.inspection_target_remove(
            actor=SYSTEM, inspection=InspectionTarget.objects.get().inspection, unit=world.cell,
        )  # fmt: skip

    reopen_down_to(q, world.cell)
    assert _import(world, {"Kiểm tra giám sát": _round(13, "Tốt")}).ok
    assert InspectionTarget.objects.get().members == 13
    assert services.task_save(actor=SYSTEM, data=new, programme=programme)[1] == "created"


def test_task_spans_follow_the_dates_that_change(world: Any) -> None:
    day = dt.date
    before = services.TaskCounted(world.cell, (1, None), day(2025, 1, 1), day(2025, 12, 31), None)
    # marking done on a day: only the days from it on change
    done = services.TaskCounted(
        world.cell, (1, None), day(2025, 1, 1), day(2025, 12, 31), day(2025, 11, 30)
    )
    assert services.task_spans(before, done) == [(world.cell, (day(2025, 11, 30), None))]
    # a new deadline of a task done on 30/11: the days between the two deadlines
    moved = services.TaskCounted(
        world.cell, (1, None), day(2025, 1, 1), day(2025, 10, 31), day(2025, 11, 30)
    )
    assert services.task_spans(done, moved) == [
        (world.cell, (day(2025, 10, 31), day(2025, 11, 30)))
    ]
    # another unit: both units over the days the task is counted
    other = services.TaskCounted(world.cell2, (1, None), day(2025, 1, 1), day(2025, 10, 31), None)
    assert services.task_spans(before, other) == [
        (world.cell2, (day(2025, 1, 1), None)),
        (world.cell, (day(2025, 1, 1), None)),
    ]
    assert services.task_spans(before, before) == []
