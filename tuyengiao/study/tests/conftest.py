"""Study fixtures on top of the root ``world``: a document, a campaign owned by
XA1 and one owned by XA2, a session in CB1 and one in CB3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories

CAMPAIGN_START = dt.date(2025, 9, 1)
DEADLINE = dt.date(2025, 12, 31)


@pytest.fixture
def document(db: Any) -> Any:
    return factories.document()


@pytest.fixture
def study(world: Any, document: Any) -> Any:
    from tuyengiao.study import services

    world.document = document
    world.campaign = services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57",
        documents=[document],
        owner=world.commune,
        start=CAMPAIGN_START,
        deadline=DEADLINE,
    )
    world.sibling_campaign = services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57 (xã Hai)",
        documents=[document],
        owner=world.sibling_commune,
        start=CAMPAIGN_START,
        deadline=DEADLINE,
    )
    world.session = services.session_create(
        actor=SYSTEM,
        campaign=world.campaign,
        code="HN-CB1-01",
        host=world.cell,
        date=dt.date(2025, 9, 10),
        format="truc_tiep",
        title="Hội nghị học tập NQ 57",
    )
    world.sibling_session = services.session_create(
        actor=SYSTEM,
        campaign=world.sibling_campaign,
        code="HN-CB3-01",
        host=world.sibling_cell,
        date=dt.date(2025, 9, 10),
    )
    return world
