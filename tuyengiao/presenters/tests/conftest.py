from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.presenters import access, services
from tuyengiao.presenters.models import PresenterLevel, PresenterStatus


def level(code: str) -> PresenterLevel:
    return PresenterLevel.objects.get(code=code)


def status(code: str) -> PresenterStatus:
    return PresenterStatus.objects.get(code=code)


def save(actor: Any = None, **kwargs: Any) -> Any:
    """A presenter through the service (system actor unless given)."""
    values: dict[str, Any] = {
        "level": level(kwargs.pop("level", "co_so")),
        "status": status(kwargs.pop("status", "cong_nhan")),
        "valid_from": dt.date(2025, 7, 1),
    }
    values.update(kwargs)
    presenter, _ = services.presenter_save(
        actor=actor or access.SYSTEM, data=services.PresenterData(**values)
    )
    return presenter


@pytest.fixture
def roster(world: Any) -> dict[str, Any]:
    """XA1 has two serving presenters and one relieved; the province one; XA2 one."""
    return {
        "tinh": save(
            code="BCV-T1",
            full_name="Lò Văn Thắng",
            level="tinh",
            unit=world.province,
            theory="cao_cap",
        ),
        "an": save(code="BCV-X1", full_name="Nguyễn Thị Yến", unit=world.commune, theory="cu_nhan"),
        "binh": save(
            code="TTV-X1",
            full_name="Đặng Văn Ân",
            level="ttv",
            unit=world.cell,
            languages="Mông; dao",
        ),
        "old": save(
            code="BCV-X9",
            full_name="Trần Văn Bình",
            unit=world.commune,
            status="thoi",
            valid_from=dt.date(2025, 7, 1),
            valid_until=dt.date(2025, 9, 30),
        ),
        "sibling": save(code="BCV-Y1", full_name="Hà Thị Lan", unit=world.sibling_commune),
    }
