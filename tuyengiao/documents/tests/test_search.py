"""Search that finds a document whatever the spelling, symbol first, then title, then body;
run on the current backend (SQLite FTS5 or PostgreSQL full-text + trigram)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command

from tuyengiao.documents import services
from tuyengiao.documents.search import search
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests.factories import document as doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> dict[str, int]:
    docs = {
        "57": doc(
            "57-NQ/TW",
            "Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
            day=dt.date(2024, 12, 22),
        ),
        "43": doc(
            "43-NQ/TW",
            "Về tiếp tục phát huy truyền thống, sức mạnh đại đoàn kết toàn dân tộc",
            day=dt.date(2023, 11, 24),
            body="Xây dựng đất nước ngày càng phồn vinh, hạnh phúc; hoà hợp dân tộc.",
        ),
        "kh": doc(
            "15-KH/BTGDVTU",
            "Tuyên truyền kỷ niệm ngày thành lập Đảng",
            day=dt.date(2025, 1, 10),
            body="Đẩy mạnh khoa học, công nghệ theo Nghị quyết số 57-NQ/TW trong Tỉnh uỷ.",
        ),
        "ubnd": doc(
            "5973/UBND-KT", "Về việc Ủy ban nhân dân tỉnh thực hiện", day=dt.date(2024, 9, 1)
        ),
    }
    return {k: d.pk for k, d in docs.items()}


def ids(query: str) -> list[int]:
    return [h.document_id for h in search(query)]


@pytest.mark.parametrize(
    "query", ["57 - nq/tw", "57-NQ/TƯ", "57–NQ/TW", "Nghị quyết số 57-NQ/TW", "57-nq/tw"]
)
def test_loose_symbol_finds_its_document_first(library: dict[str, int], query: str) -> None:
    found = ids(query)
    assert found[0] == library["57"]
    assert search(query)[0].score == 4.0


@pytest.mark.parametrize(
    "query",
    [
        "đột phá phát triển",
        "dot pha phat trien",
        "ĐỘT PHÁ",
        "Ðột phá",  # Icelandic eth typed for Đ
        unicodedata.normalize("NFD", "đột phá phát triển"),
        "chuyen doi s",  # prefix of the last word, as the user types
    ],
)
def test_any_spelling_finds_the_title(library: dict[str, int], query: str) -> None:
    assert ids(query)[0] == library["57"]


@pytest.mark.parametrize(
    "query", ["hòa hợp", "hoà hợp", "hoa hop", "tỉnh ủy", "Tỉnh uỷ", "ủy ban nhân dân", "Uỷ ban"]
)
def test_old_and_new_tone_placement_match(library: dict[str, int], query: str) -> None:
    assert ids(query), query


def test_stored_text_in_nfd_is_found() -> None:
    d = doc("12-HD/TU", unicodedata.normalize("NFD", "Hướng dẫn học tập chuyên đề"))
    assert ids("huong dan hoc tap") == [d.pk]


def test_ranking_symbol_then_title_then_body(library: dict[str, int]) -> None:
    # "khoa học công nghệ" is in 57's title and in the plan's body
    found = ids("khoa học công nghệ")
    assert found[:2] == [library["57"], library["kh"]]
    hits = search("khoa hoc cong nghe")
    assert 2 <= hits[0].score < 3 and 1 <= hits[1].score < 2
    # a symbol beats a title or body mentioning it
    assert ids("57-NQ/TW")[:2] == [library["57"], library["kh"]]


def test_partial_and_bare_symbols(library: dict[str, int]) -> None:
    assert ids("nghị quyết 57")[0] == library["57"]
    assert ids("57")[0] == library["57"]
    assert ids("5973/ubnd")[0] == library["ubnd"]
    assert library["kh"] in ids("btgdvtu")


def test_nothing_and_edge_queries(library: dict[str, int]) -> None:
    assert ids("") == []
    assert ids("   ") == []
    assert ids("xyzxyz") == []
    assert ids('"; DROP TABLE x; --') == []
    assert ids("a" * 1000) == []


def test_attachment_text_is_searched(library: dict[str, int]) -> None:
    d = services.document_create(actor=SYSTEM, symbol="02-HD/TU", title="Hướng dẫn")
    services.attachment_add(
        actor=SYSTEM,
        document=d,
        name="phu-luc.txt",
        data="Danh mục sáng kiến Mường Khương".encode(),
    )
    assert ids("muong khuong") == [d.pk]


def test_update_and_delete_keep_the_index_in_sync(library: dict[str, int]) -> None:
    d = services.document_create(actor=SYSTEM, symbol="03-HD/TU", title="Cũ kỹ")
    services.document_update(
        actor=SYSTEM, document=d, symbol="03-HD/TU", title="Mới tinh", issue_date=None
    )
    assert ids("cu ky") == [] and ids("moi tinh") == [d.pk]
    services.document_delete(actor=SYSTEM, document=d)
    assert ids("moi tinh") == []


def test_rebuild_index_after_bulk_insert() -> None:
    from tuyengiao.documents.models import Document

    rows = [
        Document(
            system="party",
            kind="Kế hoạch",
            type_code="KH",
            number=n,
            issuer_code="TU",
            symbol=f"{n:02d}-KH/TU",
            symbol_key=f"{n:02d}-kh/tu",
            title=f"Kế hoạch số {n} về học tập",
        )
        for n in range(1, 6)
    ]
    Document.objects.bulk_create(rows)
    assert ids("hoc tap") == []
    assert services.rebuild_search_index() == 5
    assert len(ids("hoc tap")) == 5
    assert ids("03-KH/TU") and search("03-KH/TU")[0].score == 4.0


def test_search_command_json(library: dict[str, int]) -> None:
    out = StringIO()
    call_command("search", "57 - nq/tw", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload[0]["symbol"] == "57-NQ/TW"
    assert set(payload[0]) == {"symbol", "title", "score"}
    out = StringIO()
    call_command("search", "dot pha", stdout=out)
    assert "57-NQ/TW" in out.getvalue()
    out = StringIO()
    call_command("search", "không có gì như thế", stdout=out)
    assert "Không tìm thấy" in out.getvalue()


def test_broad_queries_list_body_hits_newest_first(
    library: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuyengiao.documents import search as search_module

    a = doc("01-TB/TU", "Thông báo một", body="lịch học tập chính trị")
    b = doc("02-TB/TU", "Thông báo hai", body="lịch học tập chính trị")
    t = doc("03-TB/TU", "Lịch học tập", body="")
    monkeypatch.setattr(search_module, "RANK_CAP", 0)
    hits = search("lich hoc tap")
    assert [h.document_id for h in hits] == [t.pk, b.pk, a.pk]
    assert [int(h.score) for h in hits] == [2, 1, 1]
    assert search("lich hoc tap", limit=1)[0].document_id == t.pk
