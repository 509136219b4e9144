"""Awards and exemplary models: the service's rules and permissions, and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.media.models import Award

from .conftest import award

pytestmark = pytest.mark.django_db


def test_create_then_bring_in_line_by_code(world: Any, document: Any) -> None:
    user = world.users["commune"]
    first = award(
        "BK-01",
        world.cell,
        "bang_khen",
        actor=user,
        member=world.members[0],
        decision_symbol="Quyết định số 15-QĐ/TU",
        document_symbol="57-NQ/TW",
    )
    assert first.member == world.members[0] and first.decision is None
    assert first.decision_symbol == "15-QĐ/TU"
    assert first.document == document and first.recipient == "Nguyễn Văn An"
    award(
        "BK-01",
        world.cell,
        "bang_khen",
        actor=user,
        member=world.members[0],
        decision_symbol="15-QĐ/TU",
        document_symbol="57-NQ/TW",
        name="Bằng khen mới",
    )
    assert Award.objects.get().name == "Bằng khen mới"


def test_a_registered_decision_is_linked(world: Any) -> None:
    from tuyengiao.documents import services as documents
    from tuyengiao.orgs.access import SYSTEM

    decision = documents.document_create(
        actor=SYSTEM,
        symbol="15-QĐ/TU",
        title="Quyết định khen thưởng",
        issue_date=dt.date(2025, 9, 1),
    )
    saved = award("BK-02", world.commune, "bang_khen", decision_symbol="15-QĐ/TU")
    assert saved.decision == decision and not saved.for_person


def test_a_medal_is_for_a_person(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        award("KNC-1", world.commune, "ky_niem_chuong")
    assert "chỉ tặng cá nhân" in refused.value.messages[0]
    saved = award("KNC-1", world.commune, "ky_niem_chuong", person_name="Lò Thị  Mai")
    assert saved.person_name == "Lò Thị Mai" and saved.for_person


def test_a_member_must_belong_to_the_unit(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        award("BK-3", world.sibling_commune, "bang_khen", member=world.members[0])
    assert "không sinh hoạt tại Đảng ủy xã Hai" in refused.value.messages[0]
    # the commune covers its cells' members
    assert award("BK-3", world.commune, "bang_khen", member=world.members[0]).member


def test_a_member_out_of_scope_cannot_be_named(world: Any) -> None:
    # XA1's staff awarding XA2's member through XA1's unit: the member is out of scope
    with pytest.raises(PermissionDenied):
        award(
            "BK-4",
            world.commune,
            "bang_khen",
            actor=world.users["commune"],
            member=world.sibling_members[0],
        )


@pytest.mark.parametrize("persona", ["secretary", "member", "outsider"])
def test_only_staff_of_the_subtree_record(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        award("BK-5", world.cell, "giay_khen", actor=world.users[persona])
    assert not Award.objects.exists()


def test_no_actor_is_refused(world: Any) -> None:
    from tuyengiao.media import services
    from tuyengiao.media.models import AwardKind

    with pytest.raises(PermissionDenied):
        services.award_save(
            actor=None,
            data=services.AwardData(
                code="X",
                kind=AwardKind.objects.get(code="giay_khen"),
                name="X",
                unit=world.cell,
                date=dt.date(2025, 9, 1),
            ),
        )


# --- pages --------------------------------------------------------------------------------


def test_award_on_the_web_and_find_it_without_diacritics(world: Any, client_for: Any) -> None:
    client = client_for("commune")
    response = client.post(
        "/khen-thuong/them/",
        {
            "code": "KNC-WEB",
            "kind": "ky_niem_chuong",
            "name": "Kỷ niệm chương Vì sự nghiệp Tuyên giáo",
            "unit": "CB1",
            "member_code": "DV2",
            "date": "02/09/2025",
            "decision_symbol": "88-QĐ/BTGDVTW",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Award.objects.get(code="KNC-WEB")
    assert saved.member == world.members[2]  # DV2, Lê Văn Cường
    html = client.get(
        "/khen-thuong/", {"tu": "01/01/2025", "den": "31/12/2025", "q": "su nghiep tuyen giao"}
    )
    page = html.content.decode()
    assert "Kỷ niệm chương Vì sự nghiệp Tuyên giáo" in page and "Lê Văn Cường" in page
    empty = client.get("/khen-thuong/", {"tu": "01/01/2025", "den": "31/12/2025", "q": "khong co"})
    assert "Kỷ niệm chương Vì sự nghiệp" not in empty.content.decode()


def test_a_taken_code_and_an_unknown_member_are_said_on_the_form(
    world: Any, client_for: Any
) -> None:
    award("BK-9", world.cell, "bang_khen")
    response = client_for("commune").post(
        "/khen-thuong/them/",
        {
            "code": "BK-9",
            "kind": "bang_khen",
            "name": "X",
            "unit": "CB1",
            "member_code": "DV404",
            "date": "02/09/2025",
        },
    )
    assert response.status_code == 400
    assert "Mã này đã có." in response.content.decode()
    response = client_for("commune").post(
        "/khen-thuong/them/",
        {
            "code": "BK-10",
            "kind": "bang_khen",
            "name": "X",
            "unit": "CB1",
            "member_code": "DVX1",  # XA2's member: out of XA1's scope
            "date": "02/09/2025",
        },
    )
    assert response.status_code == 400
    assert "Không tìm thấy đảng viên này" in response.content.decode()
    assert Award.objects.count() == 1


def test_edit_on_the_web(world: Any, client_for: Any) -> None:
    award("BK-E", world.cell, "bang_khen")
    client = client_for("province")
    assert "02/09/2025" in client.get("/khen-thuong/BK-E/sua/").content.decode()
    response = client.post(
        "/khen-thuong/BK-E/sua/",
        {"kind": "giay_khen", "name": "Giấy khen", "unit": "CB1", "date": "03/09/2025"},
    )
    assert response.status_code == 302
    saved = Award.objects.get(code="BK-E")
    assert (saved.kind.code, saved.date) == ("giay_khen", dt.date(2025, 9, 3))
