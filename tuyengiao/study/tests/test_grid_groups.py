"""The attendance grid grouped by cell (issue 11 §5): groups with counts, lazy
groups for large sessions, search without diacritics, "Có mặt cả nhóm" through
``attendance_bulk_set``; pages bounded for a 5.000-member session; the campaign
page pages its sessions and follows the chosen unit; the bridge-point picker."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.tests.bulk import add_members, add_units
from tuyengiao.study import selectors, services
from tuyengiao.study.models import Attendance, Session, Status

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 9, 20)


def _commune_session(study: Any, code: str = "HN-XA1") -> Session:
    return services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code=code,
        host=study.commune,
        date=DAY,
        format="truc_tuyen",
    )


def test_groups_are_the_cells_with_their_counts(study: Any) -> None:
    session = _commune_session(study)
    services.attendance_mark(
        actor=SYSTEM, session=session, member=study.members[0], status=Status.PRESENT
    )
    groups = selectors.grid_groups(session)
    assert [(g.name, g.members, g.present, g.unmarked) for g in groups] == [
        ("Chi bộ bản Hai", 1, 0, 1),
        ("Chi bộ bản Một", 3, 1, 2),
    ]


def test_small_grid_shows_groups_open_with_names_by_given_name(study: Any, client_for: Any) -> None:
    session = _commune_session(study)
    html = client_for("commune").get(reverse("study:grid", args=[session.code])).content.decode()
    assert html.index("Chi bộ bản Hai") < html.index("Chi bộ bản Một")
    cell = html[html.index('id="nhom-CB1"') :]
    # An, Bình, Cường: given names in Vietnamese order.
    assert cell.index("Nguyễn Văn An") < cell.index("Trần Thị Bình") < cell.index("Lê Văn Cường")
    assert "Có mặt cả nhóm (3 người chưa điểm danh)" in html


def test_search_finds_members_without_diacritics(study: Any, client_for: Any) -> None:
    session = _commune_session(study)
    client = client_for("commune")
    found = client.get(
        reverse("study:grid", args=[session.code]), {"q": "tran thi binh"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in found and "Trần Thị Bình" in found and "Nguyễn Văn An" not in found
    assert "Chi bộ bản Một" in found  # the member's cell is shown in search results


def test_mark_all_present_keeps_given_statuses_in_one_bulk_call(
    study: Any, client_for: Any, monkeypatch: Any
) -> None:
    session = _commune_session(study)
    services.attendance_mark(
        actor=SYSTEM, session=session, member=study.members[1], status=Status.EXCUSED
    )
    calls: list[int] = []
    real = services.attendance_bulk_set

    def counting(**kw: Any) -> Any:
        calls.append(len(kw["entries"]))
        return real(**kw)

    monkeypatch.setattr(services, "attendance_bulk_set", counting)
    url = reverse("study:grid_group_present", args=[session.code, study.cell.code])
    response = client_for("commune").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Đã ghi có mặt 2 đảng viên." in response.content.decode()
    assert calls == [2]
    statuses = dict(
        Attendance.objects.filter(session=session).values_list("member__code", "status")
    )
    assert statuses == {"DV0": Status.PRESENT, "DV1": Status.EXCUSED, "DV2": Status.PRESENT}


def test_mark_all_present_service_refuses_members_outside_the_host(study: Any) -> None:
    session = study.session  # hosted by CB1
    with pytest.raises(ValidationError, match="không sinh hoạt trong phạm vi"):
        services.attendance_mark_all_present(
            actor=study.users["secretary"],
            session=session,
            member_ids=[study.members[0].pk, study.members[3].pk],  # DV3 is in CB2
        )
    with pytest.raises(PermissionDenied, match="không có quyền"):
        services.attendance_mark_all_present(
            actor=study.users["outsider"], session=session, member_ids=[study.members[0].pk]
        )
    assert not Attendance.objects.exists()


def test_group_of_another_commune_is_404(study: Any, client_for: Any) -> None:
    session = _commune_session(study)
    client = client_for("commune")
    url = reverse("study:grid_group", args=[session.code, study.sibling_cell.code])
    assert client.get(url).status_code == 404
    post = reverse("study:grid_group_present", args=[session.code, study.sibling_cell.code])
    assert client.post(post).status_code == 404


def test_grid_of_5000_members_is_grouped_lazily_and_stays_small(
    study: Any, client_for: Any
) -> None:
    cells = add_units(
        study.commune,
        [f"Chi bộ thôn {i}" for i in range(50)],
        prefix="TH",
        kind="Chi bộ",
        since=None,
    )
    add_members(cells, 100, prefix="M", since=dt.date(2024, 1, 1))
    session = _commune_session(study)
    client = client_for("commune")
    page = client.get(reverse("study:grid", args=[session.code]))
    html = page.content.decode()
    assert len(page.content) < 200_000
    assert "5.004 đảng viên" in html and 'id="dv-' not in html  # rows come when opened
    group = client.get(reverse("study:grid_group", args=[session.code, cells[0].code]))
    assert len(group.content) < 200_000 and group.content.decode().count('id="dv-') == 100
    found = client.get(reverse("study:grid", args=[session.code]), {"q": "nguyen van an"})
    assert len(found.content) < 200_000 and "gõ thêm" in found.content.decode()
    client.post(reverse("study:grid_group_present", args=[session.code, cells[0].code]))
    assert Attendance.objects.filter(session=session, status=Status.PRESENT).count() == 100


def test_province_grid_opens_communes_then_cells(study: Any, client_for: Any) -> None:
    session = services.session_create(
        actor=SYSTEM, campaign=study.campaign, code="HN-TINH", host=study.commune, date=DAY
    )
    groups = selectors.grid_groups(session, study.province)
    assert groups == []  # the province is above the host: nothing of it is in this session
    deep = add_units(study.cell, ["Tổ đảng 1"], prefix="TD", kind="Tổ đảng", since=None)
    add_members(deep, 2, prefix="T", since=dt.date(2024, 1, 1))
    cb1 = next(g for g in selectors.grid_groups(session) if g.code == "CB1")
    assert cb1.members == 5 and cb1.has_subgroups
    body = (
        client_for("commune")
        .get(reverse("study:grid_group", args=[session.code, "CB1"]))
        .content.decode()
    )
    assert 'id="nhom-CB1-truc-tiep"' in body and 'id="nhom-TD0"' in body


# --- campaign page, bridge points --------------------------------------------------


def test_campaign_page_pages_sessions_and_follows_the_chosen_unit(
    study: Any, client_for: Any
) -> None:
    for i in range(60):
        services.session_create(
            actor=SYSTEM, campaign=study.campaign, code=f"S{i:02d}", host=study.cell2, date=DAY
        )
    client = client_for("commune")
    url = reverse("study:campaign", args=[study.campaign.pk])
    first = client.get(url).content.decode()
    assert "Trang 1/2 · 61 hội nghị" in first
    second = client.get(url, {"trang": "2", "don_vi": "XA1"}).content.decode()
    assert "Trang 2/2" in second
    cb1 = client.get(url, {"don_vi": study.cell.code}).content.decode()
    assert "HN-CB1-01" in cb1 or "Hội nghị học tập NQ 57" in cb1
    assert "S00" not in cb1 and "Trang" not in cb1


def test_bridge_point_picked_by_search(study: Any, client_for: Any) -> None:
    main = _commune_session(study)
    client = client_for("commune")
    page = client.get(reverse("study:session", args=[main.code])).content.decode()
    assert "<select" not in page and 'name="host"' in page
    found = client.get(
        reverse("orgs:unit_picker_search"),
        {"ten": "host", "q": "ban hai", "goc": study.commune.code, "ghi": "1"},
    ).content.decode()
    assert re.search(r'value="CB2"', found) and "CB3" not in found
    client.post(reverse("study:bridge_add", args=[main.code]), {"code": "DC-CB2", "host": "CB2"})
    page = client.get(reverse("study:session", args=[main.code])).content.decode()
    assert "CB2 · thuộc Đảng ủy xã Một" in page


def test_campaign_page_lists_at_most_100_units_below_target(study: Any, client_for: Any) -> None:
    cells = add_units(
        study.commune,
        [f"Chi bộ tổ {i}" for i in range(120)],
        prefix="TO",
        kind="Chi bộ",
        since=None,
    )
    add_members(cells, 1, prefix="B", since=dt.date(2024, 1, 1))
    html = client_for("commune").get(reverse("study:campaign", args=[study.campaign.pk]))
    text = html.content.decode()
    assert "Đơn vị dưới chỉ tiêu (122)" in text and "Chỉ hiện 100 đơn vị đầu tiên" in text
    assert text.count("<li>Chi bộ ") == 100
