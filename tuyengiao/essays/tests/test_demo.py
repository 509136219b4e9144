from __future__ import annotations

import pytest

from conftest import reseed_data_migrations
from tuyengiao.essays import demo
from tuyengiao.essays.models import Essay, SimilarPair
from tuyengiao.orgs import demo as org_demo
from tuyengiao.study import demo as study_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_essays_flag_only_the_planted_copies_and_are_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    study_demo.build()
    message = demo.build()
    assert message.startswith("Bài thu hoạch: 12 bài")
    assert Essay.objects.filter(late=True).count() == 1
    assert Essay.objects.filter(state="released").count() == 5
    flagged = SimilarPair.objects.filter(flagged=True)
    # the three near-identical essays, and not the one that quotes the resolution
    assert flagged.count() == 3
    assert len({e for p in flagged for e in (p.a_id, p.b_id)}) == 3
    assert not Essay.objects.filter(member__user__username="dangvien").exists()
    count = Essay.objects.count()
    assert demo.build() == "" and Essay.objects.count() == count
