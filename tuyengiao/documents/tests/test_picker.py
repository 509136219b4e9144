"""The document picker (issue 11 §6): a bounded search, no diacritics needed, each
document with its date so that two documents of one symbol differ."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tuyengiao.documents import services
from tuyengiao.orgs.access import SYSTEM

pytestmark = pytest.mark.django_db


def _two_35s() -> None:
    services.document_create(
        actor=SYSTEM,
        symbol="35-CT/TW",
        title="về tổ chức đại hội đảng bộ các cấp tiến tới Đại hội XIII",
        issue_date=dt.date(2019, 5, 30),
    )
    services.document_create(
        actor=SYSTEM,
        symbol="35-CT/TW",
        title="về đại hội đảng bộ các cấp tiến tới Đại hội XIV",
        issue_date=dt.date(2024, 6, 14),
    )


def test_picker_tells_two_documents_of_one_symbol_apart(world: Any, client_for: Any) -> None:
    _two_35s()
    html = client_for("commune").get(reverse("documents:picker"), {"q": "35-CT/TW"}).content
    text = html.decode()
    assert "Chỉ thị 35-CT/TW ngày 30/05/2019" in text
    assert "Chỉ thị 35-CT/TW ngày 14/06/2024" in text
    words = client_for("commune").get(reverse("documents:picker"), {"q": "dai hoi xiv"})
    assert "14/06/2024" in words.content.decode() and "30/05/2019" not in words.content.decode()


def test_picker_is_bounded_and_keeps_the_choice(world: Any, client_for: Any) -> None:
    for n in range(1, 31):
        services.document_create(actor=SYSTEM, symbol=f"{n}-KH/TU", title=f"Kế hoạch số {n}")
    client = client_for("commune")
    text = client.get(reverse("documents:picker"), {"q": "ke hoach"}).content.decode()
    assert text.count('type="checkbox"') == 20 and "gõ thêm" in text
    first = client.get(reverse("documents:picker"), {"q": "1-KH/TU"}).content.decode()
    pk = first.split('value="', 1)[1].split('"', 1)[0]
    kept = client.get(reverse("documents:picker"), {"q": "zzz", "documents": pk}).content.decode()
    assert f'value="{pk}" checked' in kept


def test_campaign_form_searches_documents_instead_of_listing_them(
    world: Any, client_for: Any
) -> None:
    _two_35s()
    page = client_for("commune").get(reverse("study:campaign_new")).content.decode()
    assert '<select name="documents"' not in page and 'hx-get="/van-ban/chon/"' in page
