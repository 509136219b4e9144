from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.followup import services
from tuyengiao.followup.models import Kind
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories

PLAN_DAY = dt.date(2025, 9, 1)


def task(programme: Any, code: str, unit: Any, **kw: Any) -> Any:
    made, _ = services.task_save(
        actor=kw.pop("actor", SYSTEM),
        programme=programme,
        data=services.TaskData(
            code=code, content=kw.pop("content", f"Việc {code}"), unit=unit, **kw
        ),
    )
    return made


@pytest.fixture
def plan(world: Any) -> Any:
    """Nghị quyết 57 and the province's plan 09-KH/TU carrying it out."""
    resolution = factories.document("57-NQ/TW", day=dt.date(2024, 12, 22))
    document = factories.document(
        "09-KH/TU", "Thực hiện Nghị quyết 57-NQ/TW", day=PLAN_DAY, kind="Kế hoạch"
    )
    return services.programme_create(
        actor=SYSTEM, document=document, unit=world.province, implements=resolution
    )


@pytest.fixture
def tasks(world: Any, plan: Any) -> dict[str, Any]:
    """Tasks of XA1 (on time, late, overdue, in time), of a cell and of XA2."""
    return {
        "on_time": task(
            plan,
            "NV-1",
            world.commune,
            deadline=dt.date(2025, 10, 31),
            done_on=dt.date(2025, 10, 20),
        ),
        "late": task(
            plan,
            "NV-2",
            world.commune,
            deadline=dt.date(2025, 10, 31),
            done_on=dt.date(2025, 11, 15),
        ),
        "overdue": task(
            plan, "NV-3", world.cell, deadline=dt.date(2025, 11, 30), partners=[world.cell2]
        ),
        "in_time": task(plan, "NV-4", world.commune, deadline=dt.date(2099, 12, 31)),
        "sibling": task(plan, "NV-5", world.sibling_commune, deadline=dt.date(2025, 10, 1)),
    }


def inspection(code: str, kind: str, unit: Any, day: dt.date, targets: list[Any], **kw: Any) -> Any:
    made, _ = services.inspection_save(
        actor=kw.pop("actor", SYSTEM),
        data=services.InspectionData(
            code=code, kind=kind, unit=unit, date_from=day, targets=targets, **kw
        ),
    )
    return made


@pytest.fixture
def rounds(world: Any) -> dict[str, Any]:
    w = world
    return {
        "kt1": inspection(
            "KT-1",
            Kind.INSPECTION,
            w.province,
            dt.date(2025, 9, 5),
            [(w.commune, 20), (w.sibling_commune, 15)],
        ),
        "kt2": inspection(
            "KT-2", Kind.INSPECTION, w.commune, dt.date(2025, 10, 5), [(w.cell, 3), (w.cell2, 1)]
        ),
        "gs1": inspection("GS-1", Kind.SUPERVISION, w.commune, dt.date(2025, 11, 5), [(w.cell, 3)]),
        "ks1": inspection(
            "KS-1", Kind.REVIEW, w.sibling_commune, dt.date(2025, 11, 6), [(w.sibling_cell, 1)]
        ),
        "ks2": inspection(
            "KS-2", Kind.REVIEW, w.province, dt.date(2025, 12, 1), [(w.cell, 2), (w.commune, 7)]
        ),
        "old": inspection(
            "KT-0", Kind.INSPECTION, w.province, dt.date(2024, 3, 1), [(w.commune, 9)]
        ),
    }
