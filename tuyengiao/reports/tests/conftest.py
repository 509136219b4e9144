from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import pytest

from conftest import World
from tuyengiao.reports.tests import factories as f
from tuyengiao.study.models import Campaign
from tuyengiao.tests.factories import document

D = dt.date(2025, 3, 10)
P = "co_mat"


@dataclass
class ReportWorld(World):
    """The root world with a campaign of three sessions, one of them a bridge point."""

    camp: Campaign


@pytest.fixture
def data(world: World) -> ReportWorld:
    doc = document()
    camp = f.campaign(world.province, doc, start=dt.date(2025, 3, 1), deadline=dt.date(2025, 4, 30))
    m = world.members
    main = f.session(
        "HN1",
        camp,
        world.commune,
        D,
        other=5,
        public=100,
        attendance={m[0]: P, m[1]: "vang_co_ly_do", m[3]: P},
        fmt="ket_hop",
    )
    f.session(
        "HN1-CB3",
        camp,
        world.sibling_cell,
        D,
        main=main,
        public=20,
        attendance={world.sibling_members[0]: P},
    )
    f.session(
        "HN2", camp, world.cell, dt.date(2025, 4, 2), attendance={m[0]: P, m[2]: "vang_khong_ly_do"}
    )
    return ReportWorld(**{x.name: getattr(world, x.name) for x in fields(World)}, camp=camp)
