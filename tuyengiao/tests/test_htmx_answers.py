"""One URL, two answers: part of a page for htmx, the whole page for the browser
(``lib.http``). The answers say they vary on the htmx headers, and the request with
which htmx 2 restores a page from history gets the whole page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_search_answers_part_for_htmx_and_the_whole_page_for_history(client_for: Any) -> None:
    client = client_for("commune")
    url = reverse("orgs:tree") + "?q=Chi"
    part = client.get(url, HTTP_HX_REQUEST="true")
    whole = client.get(url)
    restored = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" not in part.content.decode() and "Chi bộ" in part.content.decode()
    assert "<html" in whole.content.decode()
    assert "<html" in restored.content.decode()
    for answer in (part, whole, restored):
        varies = {v.strip() for v in answer["Vary"].split(",")}
        assert {"HX-Request", "HX-History-Restore-Request", "HX-Target"} <= varies


def test_the_documents_search_answers_part_only_to_its_own_target(client_for: Any) -> None:
    client = client_for("commune")
    url = reverse("documents:list") + "?q=ke+hoach"
    results = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    elsewhere = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
    assert results.content.decode().lstrip().startswith('<div id="results">')
    assert "<html" in elsewhere.content.decode()
