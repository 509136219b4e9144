"""The document pages through the HTTP client."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.fixtures import Settings

from tuyengiao.documents.models import Document, DocumentLink, RefStatus, Relation
from tuyengiao.tests.factories import document as doc

from .samples import pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lib(world: Any) -> dict[str, Document]:
    return {
        "57": doc(
            "57-NQ/TW", "Về đột phá phát triển khoa học, công nghệ", day=dt.date(2024, 12, 22)
        ),
        "ct19": doc("35-CT/TW", "Đại hội XIII", day=dt.date(2019, 5, 30)),
        "ct24": doc("35-CT/TW", "Đại hội XIV", day=dt.date(2024, 6, 14)),
        "nd": doc("30/2020/NĐ-CP", "Về công tác văn thư", day=dt.date(2020, 3, 5)),
        "plan": doc(
            "15-KH/TU",
            "Kế hoạch tuyên truyền",
            day=dt.date(2025, 2, 1),
            body="Thực hiện Nghị quyết 57-NQ/TW, Chỉ thị 35-CT/TW và Đề án 06.",
        ),
    }


def test_list_searches_and_filters(client_for: Any, lib: dict[str, Document]) -> None:
    client = client_for("member")  # every assigned user reads the library
    page = client.get(reverse("documents:list"))
    assert page.status_code == 200
    assert all(d.symbol in page.content.decode() for d in lib.values())
    assert '<option value="2019">2019</option>' in page.content.decode()  # not "2.019"
    found = client.get(reverse("documents:list"), {"q": "57 - nq/tư"})
    rows = found.context["page"].object_list
    assert rows[0] == lib["57"]
    partial = client.get(
        reverse("documents:list"),
        {"q": "cong tac van thu"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = partial.content.decode()
    assert "30/2020/NĐ-CP" in body and "<html" not in body and "57-NQ/TW" not in body
    undated = doc("99-TB/TU", "Thông báo chưa rõ ngày")
    listed = list(client.get(reverse("documents:list")).context["page"].object_list)
    assert listed[0] == lib["plan"] and listed[-1] == undated  # newest first, undated last
    state = client.get(reverse("documents:list"), {"he_thong": "state"})
    assert list(state.context["page"].object_list) == [lib["nd"]]
    year = client.get(reverse("documents:list"), {"nam": "2019", "loai": "Chỉ thị"})
    assert list(year.context["page"].object_list) == [lib["ct19"]]
    none = client.get(reverse("documents:list"), {"q": "khong co dau"})
    assert "Không có văn bản nào khớp" in none.content.decode()


def test_detail_shows_links_both_ways_and_open_refs(
    client_for: Any, lib: dict[str, Document]
) -> None:
    page = client_for("commune").get(reverse("documents:detail", args=[lib["plan"].pk]))
    text = page.content.decode()
    assert "Tham chiếu cần xác định (2)" in text
    assert "Cần chọn văn bản" in text and "Đề án 06" in text
    assert "30/05/2019" in text and "14/06/2024" in text  # both terms offered
    cited = client_for("member").get(reverse("documents:detail", args=[lib["57"].pk]))
    assert "15-KH/TU" in cited.content.decode()
    assert "<form" not in cited.content.decode().split("<main")[1].split("Tệp đính kèm")[0]


def test_resolve_an_ambiguous_reference(client_for: Any, lib: dict[str, Document]) -> None:
    plan = lib["plan"]
    ref = plan.refs.get(symbol="35-CT/TW")
    client = client_for("commune")
    response = client.post(
        reverse("documents:resolve", args=[plan.pk, ref.pk]), {"target": lib["ct24"].pk}
    )
    assert response.status_code == 302
    ref.refresh_from_db()
    assert ref.status == RefStatus.RESOLVED and ref.target == lib["ct24"]
    assert DocumentLink.objects.filter(source=plan, target=lib["ct24"], automatic=False).exists()
    missing = client.post(reverse("documents:resolve", args=[plan.pk, ref.pk]), {"target": ""})
    assert missing.status_code == 302
    follow = client.get(reverse("documents:detail", args=[plan.pk]))
    assert "Hãy chọn văn bản" in follow.content.decode()
    denied = client_for("secretary").post(
        reverse("documents:resolve", args=[plan.pk, ref.pk]), {"bo_qua": "1"}
    )
    assert denied.status_code == 403


def test_link_add_needs_date_for_a_symbol_of_two_terms(
    client_for: Any, lib: dict[str, Document]
) -> None:
    client = client_for("province")
    url = reverse("documents:link", args=[lib["plan"].pk])
    client.post(url, {"relation": "implements", "van_ban": "35-CT/TW"})
    assert not DocumentLink.objects.filter(relation=Relation.IMPLEMENTS).exists()
    shown = client.get(reverse("documents:detail", args=[lib["plan"].pk])).content.decode()
    assert "hãy nhập ngày ban hành" in shown
    client.post(url, {"relation": "implements", "van_ban": "35-ct/tư", "ngay": "14/06/2024"})
    link = DocumentLink.objects.get(relation=Relation.IMPLEMENTS)
    assert link.target == lib["ct24"]


def test_register_with_attachment(client_for: Any, world: Any) -> None:
    client = client_for("province")
    response = client.post(
        reverse("documents:create"),
        {
            "symbol": "Số: 12 - hd/tu",
            "issue_date": "05/03/2025",
            "title": "Hướng dẫn học tập chuyên đề năm 2025",
            "body": "",
            "status": "in_force",
            "tep": [SimpleUploadedFile("hd.pdf", pdf_bytes(["Thuc hien Nghi quyet 57-NQ/TW"]))],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Document.objects.get()
    assert (d.symbol, d.kind, d.issue_date) == ("12-HD/TU", "Hướng dẫn", dt.date(2025, 3, 5))
    assert d.attachments.get().name == "hd.pdf"
    assert d.refs.get().symbol == "57-NQ/TW"  # references in the attachment count too
    download = client.get(reverse("documents:attachment", args=[d.pk, d.attachments.get().pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"symbol": "15/5/2020", "title": "X"}, "không đúng dạng"),
        ({"symbol": "57-NQ/TW", "title": "X", "issue_date": "31/02/2025"}, ""),
        ({"symbol": "57-NQ/TW", "title": "X", "tep": "bad"}, "không phải tệp PDF hợp lệ"),
    ],
)
def test_register_errors_write_nothing(
    client_for: Any, world: Any, data: dict[str, Any], message: str
) -> None:
    if data.get("tep") == "bad":
        data = {**data, "tep": [SimpleUploadedFile("x.pdf", b"%PDF broken")]}
    response = client_for("commune").post(
        reverse("documents:create"), {"status": "in_force", **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_edit_and_readers_are_refused(client_for: Any, lib: dict[str, Document]) -> None:
    d = lib["nd"]
    url = reverse("documents:edit", args=[d.pk])
    assert (
        client_for("secretary").post(url, {"symbol": "30/2020/NĐ-CP", "title": "Y"}).status_code
        == 403
    )
    client = client_for("commune")
    form = client.get(url)
    assert "05/03/2020" in form.content.decode()
    response = client.post(
        url,
        {
            "symbol": "30/2020/NĐ-CP",
            "title": "Về công tác văn thư (sửa)",
            "issue_date": "05/03/2020",
            "status": "superseded",
        },
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.title.endswith("(sửa)") and d.status == "superseded"


def test_symbol_preview_as_the_user_types(client_for: Any, lib: dict[str, Document]) -> None:
    client = client_for("province")
    ok = client.get(reverse("documents:parse"), {"symbol": "35 - ct/tư"}).content.decode()
    assert "35-CT/TW" in ok and "Chỉ thị" in ok and "30/05/2019" in ok and "<html" not in ok
    bad = client.get(reverse("documents:parse"), {"symbol": "COVID-19"}).content.decode()
    assert "không đúng dạng" in bad
    state = client.get(reverse("documents:parse"), {"symbol": "25/2024/tt-btc"}).content.decode()
    assert "25/2024/TT-BTC" in state and "Thông tư" in state and "năm 2024" in state
    # "²" is a digit to str.isdigit but not to int: it was a 500
    for odd in ("²", "9" * 20, "-1"):
        odd_id = client.get(reverse("documents:parse"), {"symbol": "57-NQ/TW", "van_ban": odd})
        assert odd_id.status_code == 200, odd


def test_choosing_a_docx_fills_the_form_from_its_header(client_for: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .samples import docx_bytes

    data = docx_bytes(
        [
            "TỈNH ỦY LÀO CAI\tĐẢNG CỘNG SẢN VIỆT NAM",
            "Số 15-KH/TU\tLào Cai, ngày 05 tháng 3 năm 2025",
            "KẾ HOẠCH",
            "học tập chuyên đề năm 2025",
        ]
    )
    client = client_for("commune")
    url = reverse("documents:prefill")
    form_page = client.get(reverse("documents:create")).content.decode()
    assert f'hx-post="{url}"' in form_page and 'hx-encoding="multipart/form-data"' in form_page
    got = client.post(url, {"tep": SimpleUploadedFile("kh.docx", data), "kind": ""})
    html = got.content.decode()
    assert got.status_code == 200 and "<html" not in html
    assert 'name="symbol" value="15-KH/TU"' in html
    assert 'name="issue_date" value="05/03/2025"' in html
    assert 'value="Kế hoạch"' in html and "học tập chuyên đề năm 2025</textarea>" in html
    assert "Hãy kiểm tra và sửa nếu cần" in html and "bắt buộc" not in html
    # what the user typed is kept; nothing is saved
    typed = {"tep": SimpleUploadedFile("kh.docx", data), "symbol": "16-KH/TU"}
    assert 'name="symbol" value="16-KH/TU"' in client.post(url, typed).content.decode()
    assert not Document.objects.exists()
    # a file without a symbol fills the title and asks for the symbol; a bad file says why
    plain = SimpleUploadedFile("ghi-chu.txt", "Đề cương tuyên truyền\nNội dung".encode())
    html = client.post(url, {"tep": plain}).content.decode()
    assert "Đề cương tuyên truyền</textarea>" in html and "hãy nhập số hiệu" in html
    bad = client.post(url, {"tep": SimpleUploadedFile("a.xls", b"x")}).content.decode()
    assert "chỉ hỗ trợ tệp .txt, .docx và .pdf" in bad
    assert client_for("secretary").post(url, {}).status_code == 403


def test_prefill_refuses_a_file_over_the_limit(
    client_for: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuyengiao.documents import files

    monkeypatch.setattr(files, "MAX_BYTES", 10)
    html = (
        client_for("commune")
        .post(reverse("documents:prefill"), {"tep": SimpleUploadedFile("a.txt", b"x" * 11)})
        .content.decode()
    )
    assert "lớn hơn 20 MB" in html
