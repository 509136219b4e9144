from __future__ import annotations

import datetime as dt

import pytest

from tuyengiao.reports.tests import factories as f
from tuyengiao.tests.factories import document

D = dt.date(2025, 3, 10)
P = "co_mat"


@pytest.fixture
def data(world):  # type: ignore[no-untyped-def]
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
    world.camp = camp
    return world
