from __future__ import annotations

import pytest

from conftest import reseed_data_migrations
from tuyengiao.contests import demo, selectors
from tuyengiao.contests.models import Contest, Question
from tuyengiao.documents import demo as document_demo
from tuyengiao.orgs import demo as org_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_contest_is_believable_and_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    document_demo.build()
    message = demo.build()
    assert message.startswith("Đã tạo ngân hàng câu hỏi mẫu (6 câu)")
    contest = Contest.objects.get(code=demo.CONTEST)
    ranking = selectors.ranking(contest.rounds.get(number=1))
    assert ranking.participants == 36 and 0 < ranking.full_marks < 36
    assert [r.rank for r in ranking.rows[:3]] == [1, 2, 3]
    assert Question.objects.filter(paragraph=1).count() == 2
    assert len(selectors.unit_results(contest)) == 12
    assert demo.build() == "" and Contest.objects.count() == 2
