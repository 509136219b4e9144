"""Who presented what, and the communes without a serving presenter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.presenters import access, selectors, services
from tuyengiao.presenters.models import SessionPresenter

from .conftest import save

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 9, 15)


@pytest.fixture
def session(world: Any) -> Any:
    from tuyengiao.documents import services as documents
    from tuyengiao.study import services as study
    from tuyengiao.study.models import Status

    document = documents.document_create(actor=SYSTEM, symbol="57-NQ/TW", title="Về đột phá")
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập NQ 57",
        documents=[document],
        owner=world.commune,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    session = study.session_create(
        actor=SYSTEM,
        campaign=campaign,
        code="HN-1",
        host=world.cell,
        date=DAY,
        outside_presenters="Đồng chí Bí thư Tỉnh ủy",
        other_attendees=7,
        public_reached=120,
    )
    study.attendance_bulk_set(
        actor=SYSTEM,
        entries=[
            study.AttendanceEntry(session.pk, world.members[0].pk, Status.PRESENT),
            study.AttendanceEntry(session.pk, world.members[1].pk, Status.PRESENT),
            study.AttendanceEntry(session.pk, world.members[2].pk, Status.ABSENT),
        ],
        source="grid",
    )
    return session


def test_name_a_presenter_on_a_session_and_see_it_on_their_page(
    client_for: Any, roster: dict[str, Any], session: Any
) -> None:
    client = client_for("secretary")  # writes CB1, the host
    panel = client.get(
        reverse("presenters:session", args=["HN-1"]) + "?q=yen", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Nguyễn Thị Yến" in panel and "Hà Thị Lan" not in panel
    response = client.post(
        reverse("presenters:session_add", args=["HN-1"]), {"bao_cao_vien": "BCV-X1"}
    )
    assert response.status_code == 302
    session_page = client.get(reverse("presenters:session", args=["HN-1"])).content.decode()
    assert "Nguyễn Thị Yến" in session_page
    detail = client.get(reverse("presenters:detail", args=["BCV-X1"])).content.decode()
    # 2 members present + 7 others = 9 listeners; 120 of the public
    assert "HN-1" in detail and "9 lượt người nghe" in detail and "120 lượt nhân dân" in detail
    # the free-text speaker is still there
    study_page = client.get(reverse("study:session", args=["HN-1"])).content.decode()
    assert "Đồng chí Bí thư Tỉnh ủy" in study_page
    assert reverse("presenters:session", args=["HN-1"]) in study_page
    client.post(reverse("presenters:session_remove", args=["HN-1"]), {"bao_cao_vien": "BCV-X1"})
    assert not SessionPresenter.objects.exists()


def test_a_presenter_out_of_scope_cannot_be_named(
    client_for: Any, roster: dict[str, Any], session: Any, world: Any
) -> None:
    client = client_for("secretary")
    response = client.post(
        reverse("presenters:session_add", args=["HN-1"]), {"bao_cao_vien": "BCV-Y1"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.session_presenter_add(
            actor=world.users["secretary"], session=session, presenter=roster["sibling"]
        )
    with pytest.raises(PermissionDenied):
        services.session_presenter_add(
            actor=world.users["member"], session=session, presenter=roster["an"]
        )
    assert not SessionPresenter.objects.exists()


def test_session_presenters_set_makes_the_list_exact(roster: dict[str, Any], session: Any) -> None:
    assert services.session_presenters_set(
        actor=access.SYSTEM, session=session, presenters=[roster["an"], roster["binh"]]
    ) == (2, 0)
    assert services.session_presenters_set(
        actor=access.SYSTEM, session=session, presenters=[roster["binh"]]
    ) == (0, 1)
    assert services.session_presenters_set(
        actor=access.SYSTEM, session=session, presenters=[roster["binh"]]
    ) == (0, 0)


def test_communes_without_a_serving_presenter(world: Any, client_for: Any) -> None:
    day = dt.date(2025, 10, 1)
    # in Vietnamese order of their names: "xã Hai" before "xã Một"
    assert [v.unit.code for v in selectors.communes_without_presenter(world.province, day)] == [
        "XA2",
        "XA1",
    ]
    # a communicator of a cell covers its commune; a relieved one does not
    save(code="TTV-1", full_name="Lò Văn Ơn", level="ttv", unit=world.cell)
    save(
        code="BCV-2",
        full_name="Lò Thị Hoa",
        unit=world.sibling_commune,
        status="thoi",
        valid_until=dt.date(2025, 9, 30),
    )
    assert [v.unit.code for v in selectors.communes_without_presenter(world.province, day)] == [
        "XA2"
    ]
    # the count and the gaps in one pass; a presenter of the province covers no commune
    save(code="BCV-3", full_name="Cầm Văn Tỉnh", unit=world.province)
    count, missing = selectors.commune_gaps(world.province, day)
    assert (count, [(g.code, g.name) for g in missing]) == (2, [("XA2", "Đảng ủy xã Hai")])
    assert selectors.communes_in(world.province, day) == 2
    assert selectors.commune_gaps(world.cell, day) == (0, [])
    assert [g.code for g in selectors.commune_gaps(world.sibling_commune, day)[1]] == ["XA2"]
    page = client_for("province").get(
        reverse("presenters:unit_gaps", args=["TINH"]) + "?ngay=01/10/2025",
        HTTP_HX_REQUEST="true",
    )
    assert "1 xã, phường chưa có báo cáo viên" in page.content.decode()
    assert "Đảng ủy xã Hai" in page.content.decode()
    unit_page = client_for("province").get(reverse("orgs:unit", args=["TINH"])).content.decode()
    assert reverse("presenters:unit_gaps", args=["TINH"]) in unit_page
    # a cell holds no commune: its page says so, not that every commune has a presenter
    cell_gaps = (
        client_for("secretary")
        .get(reverse("presenters:unit_gaps", args=["CB1"]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Chi bộ bản Một không có xã, phường nào trực thuộc" in cell_gaps
    assert "Mọi xã, phường" not in cell_gaps
