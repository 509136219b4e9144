"""Small things a secretary trips on (issue 11, item 7): the session form, the campaign
page of a bridge point's host, the scan page of an account without a member."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.models import Session, Status


def _new_cell(study: Any) -> Any:
    return org_services.unit_create(
        actor=SYSTEM,
        code="CB9",
        name="Chi bộ mới lập",
        kind="Chi bộ",
        parent=study.commune,
        valid_from=dt.date(2025, 10, 1),
    )


def test_session_before_the_host_existed_says_not_yet_founded(study: Any, client: Any) -> None:
    new = _new_cell(study)
    client.force_login(study.users["commune"])
    url = reverse("study:session_new", args=[study.campaign.pk])
    data = {"code": "HN-CB9", "host": new.code, "date": "15/09/2025", "format": "truc_tiep"}
    bad = client.post(url, data)
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Chi bộ mới lập chưa thành lập vào ngày 15/09/2025 (thành lập từ 01/10/2025)" in html
    assert "không còn hiệu lực" not in html
    assert not Session.objects.filter(code="HN-CB9").exists()


def test_session_code_proposed_when_left_empty_unique_and_editable(study: Any, client: Any) -> None:
    client.force_login(study.users["secretary"])
    url = reverse("study:session_new", args=[study.campaign.pk])
    assert "Để trống: hệ thống đặt mã theo mã đơn vị và ngày" in client.get(url).content.decode()
    assert services.propose_session_code(study.cell, dt.date(2025, 9, 20)) == "CB1-20250920"
    data = {"code": "", "host": "CB1", "date": "20/09/2025", "format": "truc_tiep"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same day again: a free code
    codes = set(Session.objects.filter(code__startswith="CB1-2025").values_list("code", flat=True))
    assert codes == {"CB1-20250920", "CB1-20250920-2"}
    data["code"] = "HN-CUA-TOI"  # a typed code is kept
    assert client.post(url, data).status_code == 302
    assert Session.objects.filter(code="HN-CUA-TOI").exists()


def _commune_online_session(study: Any) -> Session:
    """The commune's online session of the campaign (no bridge point yet)."""
    return services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-XA1-TT",
        host=study.commune,
        date=dt.date(2025, 9, 20),
        format="truc_tuyen",
        title="Hội nghị trực tuyến của xã",
    )


def test_cell_secretary_sees_own_bridge_point_on_campaign_page(study: Any, client: Any) -> None:
    main = _commune_online_session(study)
    services.bridge_point_add(actor=SYSTEM, main=main, code="DC-CB1", host=study.cell)
    Session.objects.filter(code="HN-CB1-01").delete()
    client.force_login(study.users["secretary"])
    html = client.get(reverse("study:campaign", args=[study.campaign.pk])).content.decode()
    assert "Chưa có hội nghị nào" not in html
    assert reverse("study:session", args=["DC-CB1"]) in html
    assert "Hội nghị trực tuyến của xã" in html


def test_campaign_page_leaves_out_a_session_whose_bridge_point_is_elsewhere(
    study: Any, client: Any
) -> None:
    main = _commune_online_session(study)
    services.bridge_point_add(actor=SYSTEM, main=main, code="DC-CB2", host=study.cell2)
    client.force_login(study.users["secretary"])  # of CB1
    html = client.get(reverse("study:campaign", args=[study.campaign.pk])).content.decode()
    assert "Hội nghị trực tuyến của xã" not in html
    assert "HN-CB1-01" in html or "Hội nghị học tập NQ 57" in html


def test_bridge_points_outside_the_readers_scope_are_listed_but_not_links(
    study: Any, client: Any
) -> None:
    main = _commune_online_session(study)
    services.bridge_point_add(actor=SYSTEM, main=main, code="DC-CB1", host=study.cell)
    services.bridge_point_add(actor=SYSTEM, main=main, code="DC-CB2", host=study.cell2)
    page = reverse("study:session", args=["HN-XA1-TT"])
    client.force_login(study.users["secretary"])  # of CB1: the commune's session is above it
    html = client.get(page).content.decode()
    assert f'href="{reverse("study:session", args=["DC-CB1"])}"' in html
    assert "DC-CB2" in html  # listed, with its unit and count
    assert f'href="{reverse("study:session", args=["DC-CB2"])}"' not in html
    assert client.get(reverse("study:session", args=["DC-CB2"])).status_code == 404
    client.force_login(study.users["commune"])
    html = client.get(page).content.decode()
    assert f'href="{reverse("study:session", args=["DC-CB2"])}"' in html


def test_scan_without_member_record_says_so_and_offers_no_button(study: Any, client: Any) -> None:
    client.force_login(study.users["commune"])  # an account with no member record
    html = client.get(
        reverse("study:scan"), {"t": services.make_token(study.session)}
    ).content.decode()
    assert "chưa gắn với hồ sơ đảng viên" in html
    assert "Xác nhận có mặt" not in html and 'name="t"' not in html


def test_members_unit_page_shows_their_unit_and_its_study(study: Any, client: Any) -> None:
    client.force_login(study.users["member"])
    html = client.get(reverse("orgs:tree")).content.decode()
    assert "Đơn vị của tôi" in html and "Chi bộ bản Một" in html and "CB1" in html
    assert "trực thuộc Đảng ủy xã Một" in html
    assert reverse("study:campaign", args=[study.campaign.pk]) in html
    assert reverse("study:session", args=["HN-CB1-01"]) in html
    assert "HN-CB3-01" not in html and "xã Hai" not in html  # another commune's


def test_cell_secretary_sees_the_communes_session_its_members_attended(
    study: Any, client: Any
) -> None:
    attended = services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-XA1-HT",
        host=study.commune,
        date=dt.date(2025, 9, 20),
        title="Hội nghị tại hội trường xã",
    )
    services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-XA1-CB2",
        host=study.commune,
        date=dt.date(2025, 9, 21),
        title="Hội nghị xã cho chi bộ bản Hai",
    )
    services.attendance_mark(
        actor=SYSTEM, session=attended, member=study.members[0], status=Status.PRESENT
    )
    Session.objects.filter(code="HN-CB1-01").delete()
    client.force_login(study.users["secretary"])  # of CB1, where members[0] belongs
    html = client.get(reverse("study:campaign", args=[study.campaign.pk])).content.decode()
    assert "Chưa có hội nghị nào" not in html
    assert reverse("study:session", args=["HN-XA1-HT"]) in html
    assert "Do cấp trên tổ chức: Đảng ủy xã Một" in html  # said on a phone too
    assert "Hội nghị xã cho chi bộ bản Hai" not in html  # none of CB1's members came
    page = client.get(reverse("study:session", args=["HN-XA1-HT"]))
    assert page.status_code == 200  # the link opens: an ancestor's session is visible


def test_session_page_names_other_guests_only_when_there_are_some(study: Any, client: Any) -> None:
    client.force_login(study.users["commune"])
    url = reverse("study:session", args=[study.session.code])
    services.session_update(actor=SYSTEM, session=study.session, other_attendees=0)
    html = client.get(url).content.decode()
    assert "lượt người</article>" in html
    assert "kể cả" not in html
    services.session_update(actor=SYSTEM, session=study.session, other_attendees=1250)
    html = client.get(url).content.decode()
    assert "lượt người (kể cả 1.250 người khác)</article>" in html


def test_bridge_points_are_a_table_only_when_there_are_some(study: Any, client: Any) -> None:
    client.force_login(study.users["commune"])
    in_person = client.get(reverse("study:session", args=[study.session.code])).content.decode()
    assert "Hội nghị trực tiếp, không có điểm cầu." in in_person
    assert "<th>Mã</th><th>Đơn vị</th>" not in in_person  # no empty table with its headers
    main = _commune_online_session(study)
    url = reverse("study:session", args=[main.code])
    assert "Chưa có điểm cầu." in client.get(url).content.decode()
    services.bridge_point_add(actor=SYSTEM, main=main, code="DC-CB1", host=study.cell)
    online = client.get(url).content.decode()
    assert "<th>Mã</th><th>Đơn vị</th>" in online and "DC-CB1" in online
    assert "Chưa có điểm cầu." not in online
