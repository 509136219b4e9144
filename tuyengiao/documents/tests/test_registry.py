"""Registering documents, their identity, references and links (through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.documents import services
from tuyengiao.documents.models import Document, DocumentLink, RefStatus, Relation, Status
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests.factories import document as doc

pytestmark = pytest.mark.django_db

D57 = dt.date(2024, 12, 22)


def test_symbol_parsed_into_parts_and_kind_from_code() -> None:
    d = doc("57 - nq/tư", "Về đột phá phát triển khoa học, công nghệ", day=D57)
    assert (d.symbol, d.system, d.type_code, d.number, d.issuer_code, d.year) == (
        "57-NQ/TW",
        "party",
        "NQ",
        57,
        "TW",
        None,
    )
    assert d.kind == "Nghị quyết"
    assert d.issuer is not None and d.issuer.code == "TW"
    s = doc("Số: 30/2020/NĐ-CP", "Về công tác văn thư", day=dt.date(2020, 3, 5))
    assert (s.symbol, s.system, s.year, s.issuer_code, s.kind) == (
        "30/2020/NĐ-CP",
        "state",
        2020,
        "CP",
        "Nghị định",
    )


def test_issuer_is_effective_dated() -> None:
    old = doc("12-HD/BTGTU", "Hướng dẫn cũ", day=dt.date(2024, 5, 1))
    assert old.issuer is not None and old.issuer.valid_to == dt.date(2025, 3, 1)
    new = doc("03-HD/BTGDVTU", "Hướng dẫn mới", day=dt.date(2025, 8, 1))
    assert new.issuer is not None and new.issuer.name == "Ban Tuyên giáo và Dân vận Tỉnh ủy"


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("15/5/2020", "không đúng dạng"),
        ("Nghị quyết 57", "thiếu ký hiệu cơ quan"),
        ("COVID-19", "không đúng dạng"),
    ],
)
def test_bad_symbol_is_refused_in_vietnamese(symbol: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        doc(symbol, "Trích yếu")
    assert message in exc.value.messages[0]
    assert not Document.objects.exists()


def test_title_required_and_year_must_match() -> None:
    with pytest.raises(ValidationError, match="Trích yếu"):
        doc("57-NQ/TW", "   ")
    with pytest.raises(ValidationError, match="không cùng năm"):
        doc("30/2020/NĐ-CP", "Về công tác văn thư", day=dt.date(2021, 1, 1))
    assert not Document.objects.exists()


def test_party_symbol_repeats_across_terms_identity_includes_date() -> None:
    doc("35-CT/TW", "Về tổ chức đại hội đảng bộ các cấp ... lần thứ XIII", day=dt.date(2019, 5, 30))
    doc("35-CT/TW", "Về đại hội đảng bộ các cấp ... lần thứ XIV", day=dt.date(2024, 6, 14))
    assert Document.objects.filter(symbol="35-CT/TW").count() == 2
    with pytest.raises(ValidationError, match="Đã có văn bản số 35-CT/TW ngày 14/06/2024"):
        doc("35-CT/TW", "Trùng", day=dt.date(2024, 6, 14))
    with pytest.raises(ValidationError, match="nhiệm kỳ khác"):
        doc("35-CT/TW", "Không có ngày")
    doc("30/2020/NĐ-CP", "Về công tác văn thư", day=dt.date(2020, 3, 5))
    with pytest.raises(ValidationError, match="Đã có văn bản số 30/2020/NĐ-CP"):
        doc("30/2020/nd-cp", "Trùng", day=dt.date(2020, 4, 5))


def test_references_become_links_or_are_listed_for_review() -> None:
    d57 = doc("57-NQ/TW", "Về đột phá phát triển khoa học", day=D57)
    doc("35-CT/TW", "Đại hội XIII", day=dt.date(2019, 5, 30))
    doc("35-CT/TW", "Đại hội XIV", day=dt.date(2024, 6, 14))
    plan = doc(
        "15-KH/TU",
        "Thực hiện Nghị quyết 57",
        day=dt.date(2025, 2, 10),
        body=(
            "Số 15-KH/TU\nThực hiện Nghị quyết số 57‑NQ/TƯ ngày 22/12/2024, Chỉ thị số "
            "35-CT/TW, Đề án 06 và Kết luận số 01-KL/TW; tỷ lệ 96,23% năm 2025."
        ),
    )
    refs = {r.symbol: r for r in plan.refs.all()}
    assert set(refs) == {"57-NQ/TW", "35-CT/TW", "Đề án 06", "01-KL/TW"}  # not its own symbol
    assert refs["57-NQ/TW"].status == RefStatus.RESOLVED and refs["57-NQ/TW"].target == d57
    assert refs["35-CT/TW"].status == RefStatus.AMBIGUOUS
    assert refs["Đề án 06"].status == RefStatus.BARE
    assert refs["01-KL/TW"].status == RefStatus.UNRESOLVED
    assert list(plan.links_out.values_list("target__symbol", "relation", "automatic")) == [
        ("57-NQ/TW", Relation.CITES, True)
    ]
    # registering the missing document resolves the waiting reference
    kl = doc("01-KL/TW", "Về tiếp tục thực hiện Chỉ thị 05-CT/TW", day=dt.date(2021, 5, 18))
    row = plan.refs.get(symbol="01-KL/TW")
    assert row.status == RefStatus.RESOLVED and row.target == kl
    assert DocumentLink.objects.filter(source=plan, target=kl, automatic=True).exists()


def test_second_term_document_makes_an_automatic_link_ambiguous() -> None:
    first = doc("35-CT/TW", "Đại hội XIII", day=dt.date(2019, 5, 30))
    plan = doc("20-KH/TU", "Kế hoạch", day=dt.date(2020, 1, 1), body="Thực hiện Chỉ thị 35-CT/TW.")
    assert plan.refs.get().target == first
    doc("35-CT/TW", "Đại hội XIV", day=dt.date(2024, 6, 14))
    row = plan.refs.get()
    assert row.status == RefStatus.AMBIGUOUS and row.target is None
    assert not plan.links_out.exists()


def test_person_resolves_and_decision_survives_reextraction(world: Any) -> None:
    staff = world.users["commune"]
    first = doc("35-CT/TW", "Đại hội XIII", day=dt.date(2019, 5, 30))
    doc("35-CT/TW", "Đại hội XIV", day=dt.date(2024, 6, 14))
    plan = doc("20-KH/TU", "Kế hoạch", day=dt.date(2020, 1, 1), body="Thực hiện Chỉ thị 35-CT/TW.")
    row = plan.refs.get()
    services.ref_resolve(actor=staff, ref=row, target=first)
    services.document_update(
        actor=staff,
        document=plan,
        symbol=plan.symbol,
        title=plan.title,
        issue_date=plan.issue_date,
        body="Thực hiện Chỉ thị 35-CT/TW và Nghị quyết 57-NQ/TW.",
    )
    row = plan.refs.get(symbol="35-CT/TW")
    assert row.status == RefStatus.RESOLVED and row.target == first
    assert plan.links_out.filter(target=first, automatic=False).exists()
    bare = doc("21-KH/TU", "Kế hoạch 2", body="Triển khai Đề án 06.")
    services.ref_dismiss(actor=staff, ref=bare.refs.get())
    assert bare.refs.get().status == RefStatus.DISMISSED
    # the text no longer cites it: the person's decision and its link go
    services.document_update(
        actor=staff,
        document=plan,
        symbol=plan.symbol,
        title=plan.title,
        issue_date=plan.issue_date,
        body="Nội dung mới.",
    )
    assert not plan.refs.exists() and not plan.links_out.exists()


def test_links_and_supersede_marks_status(world: Any) -> None:
    staff = world.users["province"]
    old = doc(
        "05-CT/TW", "Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh", day=dt.date(2016, 5, 15)
    )
    new = doc("01-KL/TW", "Về tiếp tục thực hiện Chỉ thị 05", day=dt.date(2021, 5, 18))
    services.link_add(actor=staff, source=new, target=old, relation=Relation.SUPERSEDES)
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    with pytest.raises(ValidationError, match="chiều ngược lại"):
        services.link_add(actor=staff, source=old, target=new, relation=Relation.SUPERSEDES)
    with pytest.raises(ValidationError, match="chính nó"):
        services.link_add(actor=staff, source=old, target=old, relation=Relation.CITES)


@pytest.mark.parametrize("persona", ["secretary", "member", "unassigned"])
def test_only_province_and_commune_staff_write(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.document_create(actor=world.users[persona], symbol="57-NQ/TW", title="X")
    assert not Document.objects.exists()
    services.document_create(actor=world.users["commune"], symbol="57-NQ/TW", title="X")


def test_removing_an_attachment_drops_its_text_and_references(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    doc("57-NQ/TW", "Về đột phá", day=D57)
    plan = doc("16-KH/TU", "Kế hoạch")
    attachment = services.attachment_add(
        actor=SYSTEM, document=plan, name="kh.txt", data="Thực hiện Nghị quyết 57-NQ/TW".encode()
    )
    assert plan.refs.get().status == RefStatus.RESOLVED
    from tuyengiao.documents.search import search

    assert [h.document_id for h in search("thuc hien nghi quyet")] == [plan.pk]
    services.attachment_remove(actor=SYSTEM, attachment=attachment)
    assert not plan.refs.exists() and not plan.links_out.exists()
    assert search("thuc hien nghi quyet") == []


def test_a_date_next_to_a_repeated_party_symbol_decides_the_link() -> None:
    ct19 = doc("35-CT/TW", "Đại hội XIII", day=dt.date(2019, 5, 30))
    plan = doc(
        "16-KH/TU",
        "Kế hoạch đại hội",
        day=dt.date(2025, 2, 10),
        body="Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội.",
    )
    ref = plan.refs.get(symbol="35-CT/TW")
    # only the 2019 directive is registered: not the one meant, so the reference waits
    assert ref.issue_date == dt.date(2024, 6, 14)
    assert ref.status == RefStatus.UNRESOLVED and ref.target is None
    ct24 = doc("35-CT/TW", "Đại hội XIV", day=dt.date(2024, 6, 14))
    ref.refresh_from_db()
    assert ref.status == RefStatus.RESOLVED and ref.target == ct24
    # written in words, the other term's date picks the other document
    other = doc(
        "17-KH/TU",
        "Kế hoạch cũ",
        day=dt.date(2019, 7, 1),
        body="Căn cứ Chỉ thị 35-CT/TW, ngày 30 tháng 5 năm 2019 của Bộ Chính trị.",
    )
    assert other.refs.get(symbol="35-CT/TW").target == ct19
    # with no date the two stay for a person to choose
    bare = doc("18-KH/TU", "Kế hoạch", day=dt.date(2025, 3, 1), body="Chỉ thị 35-CT/TW.")
    assert bare.refs.get(symbol="35-CT/TW").status == RefStatus.AMBIGUOUS


def test_a_document_without_a_symbol_is_registered_by_the_service() -> None:
    """Only the web form insists on a symbol (the file import registers any document)."""
    d = services.document_create(actor=SYSTEM, symbol="", title="Đề cương tuyên truyền")
    assert d.symbol == "" and d.kind == "Văn bản" and d.number == 0
    with pytest.raises(ValidationError, match="Đã có văn bản không số hiệu"):
        services.document_create(actor=SYSTEM, symbol=" ", title="Đề cương tuyên truyền")
    other = services.document_create(
        actor=SYSTEM, symbol="", title="Đề cương tuyên truyền", issue_date=dt.date(2025, 1, 2)
    )
    assert Document.objects.filter(symbol="").count() == 2 and other.pk != d.pk
