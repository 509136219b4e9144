from __future__ import annotations

import datetime as dt

import pytest

from conftest import reseed_data_migrations
from tuyengiao.media import demo, selectors
from tuyengiao.media.models import Award, MediaOutput
from tuyengiao.orgs import demo as org_demo
from tuyengiao.orgs.models import Unit


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_media_and_awards_are_believable_and_idempotent() -> None:
    reseed_data_migrations()
    org_demo.build()
    message = demo.build()
    assert message.startswith("Đã tạo số liệu tin bài mẫu")
    ids = set(Unit.objects.values_list("pk", flat=True))
    media = selectors.media_figures(ids, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert media.outside == 0 and media.totals.count > 1000
    assert {"Mông", "Dao", "Thái"} <= set(media.by_language)
    assert media.by_document["57-NQ/TW"].count > 0
    awards = selectors.award_figures(ids, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert {"ky_niem_chuong", "bang_khen", "giay_khen", "mo_hinh", "dien_hinh"} <= set(
        awards.by_kind
    )
    assert awards.by_kind["ky_niem_chuong"].people == awards.by_kind["ky_niem_chuong"].total
    counts = (MediaOutput.objects.count(), Award.objects.count())
    assert demo.build() == ""
    assert (MediaOutput.objects.count(), Award.objects.count()) == counts
