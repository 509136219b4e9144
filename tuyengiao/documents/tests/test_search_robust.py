"""Whatever is typed in the search box, search answers (no database error)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuyengiao.documents.models import Document
from tuyengiao.documents.search import search
from tuyengiao.tests.factories import document as doc

pytestmark = pytest.mark.django_db

NASTY = st.text(
    alphabet=st.sampled_from(list("aăâđeêoôơuưy0123456789 -/_'\"*:()&|!%.,;^~\\\u0300\u0301Ðǅⅸ٣")),
    max_size=40,
) | st.text(max_size=40)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.slow
@given(query=NASTY)
def test_search_never_fails(query: str) -> None:
    if not Document.objects.exists():  # examples share the test's transaction
        doc("57-NQ/TW", "Về đột phá phát triển khoa học", body="Đảng ủy xã hòa hợp 2025")
    for hit in search(query):
        assert hit.score >= 1.0


@pytest.mark.parametrize(
    "query", ["_", "a_b", "'", '"', "*", "NEAR(a b)", "a OR b", "title:x", "٣", "ǅ"]
)
def test_fts_and_tsquery_syntax_is_not_interpreted(query: str) -> None:
    doc("57-NQ/TW", "Về đột phá a b title x")
    assert isinstance(search(query), list)
