from __future__ import annotations

import pytest

from tuyengiao.documents import demo
from tuyengiao.documents.models import Document, DocumentLink, RefStatus
from tuyengiao.documents.search import search_documents

pytestmark = pytest.mark.django_db


def test_demo_documents_are_registered_once_and_linked() -> None:
    assert demo.build().startswith(f"Đã đăng ký {len(demo.DOCUMENTS)} văn bản")
    assert demo.build() == "Văn bản mẫu đã có sẵn."
    assert Document.objects.count() == len(demo.DOCUMENTS)
    plan = Document.objects.get(symbol="05-KH/BTGDVTU")
    statuses = dict(plan.refs.values_list("symbol", "status"))
    assert statuses == {
        "57-NQ/TW": RefStatus.RESOLVED,
        "35-CT/TW": RefStatus.AMBIGUOUS,
        "Đề án 06": RefStatus.BARE,
    }
    assert (
        DocumentLink.objects.filter(source__symbol="01-KL/TW", target__symbol="05-CT/TW").count()
        == 2
    )
    assert search_documents("chuan muc dao duc")[0][0].symbol == "144-QĐ/TW"
    assert search_documents("144-qd/tw")[0][0].symbol == "144-QĐ/TW"
