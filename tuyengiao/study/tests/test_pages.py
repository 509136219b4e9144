"""The pages, through the HTTP client."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.models import Attendance, Campaign, Session, Status


def test_campaign_created_in_the_browser(study: Any, client: Any) -> None:
    client.force_login(study.users["commune"])
    page = client.get(reverse("study:campaign_new"))
    assert page.status_code == 200 and "Tạo đợt học tập" in page.content.decode()
    data = {
        "title": "Quán triệt NQ 57 xã Một",
        "documents": [study.document.pk],
        "owner": study.commune.pk,
        "audiences": ["members", "public"],
        "start": "01/10/2025",
        "deadline": "30/09/2025",
        "member_target": "95",
        "public_target": "85",
    }
    bad = client.post(reverse("study:campaign_new"), data)
    assert bad.status_code == 400
    assert "Hạn hoàn thành (30/09/2025) phải sau ngày bắt đầu (01/10/2025)." in bad.content.decode()
    assert not Campaign.objects.filter(title=data["title"]).exists()
    data["deadline"] = "31/12/2025"
    # a document id no database integer holds: Django's field read it with pk__in, an
    # OverflowError (500) on SQLite; now an invalid choice like any other
    huge = client.post(reverse("study:campaign_new"), {**data, "documents": ["9" * 20]})
    assert huge.status_code == 400 and "9" * 20 in huge.content.decode()
    assert not Campaign.objects.filter(title=data["title"]).exists()
    ok = client.post(reverse("study:campaign_new"), data)
    campaign = Campaign.objects.get(title=data["title"])
    assert ok.status_code == 302 and ok["Location"] == reverse("study:campaign", args=[campaign.pk])


def test_campaign_detail_shows_progress_by_child(study: Any, client: Any) -> None:
    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.PRESENT
    )
    client.force_login(study.users["commune"])
    html = client.get(reverse("study:campaign", args=[study.campaign.pk])).content.decode()
    assert "Tiến độ theo đơn vị trực thuộc" in html
    assert "Chi bộ bản Một" in html and "33,33%" in html  # 1 of 3 in CB1
    assert "25,00%" in html  # 1 of 4 in XA1
    assert "dưới chỉ tiêu" in html


def test_session_planned_refused_before_campaign_start(study: Any, client: Any) -> None:
    client.force_login(study.users["secretary"])
    url = reverse("study:session_new", args=[study.campaign.pk])
    data = {"code": "HN-MOI", "host": study.cell.code, "date": "31/08/2025", "format": "truc_tiep"}
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "trước ngày bắt đầu đợt học tập (01/09/2025)" in bad.content.decode()
    assert not Session.objects.filter(code="HN-MOI").exists()
    data["date"] = "15/09/2025"
    assert client.post(url, data).status_code == 302
    assert Session.objects.get(code="HN-MOI").host == study.cell


def test_bridge_point_added_from_session_page(study: Any, client: Any) -> None:
    main = services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-XA1",
        host=study.commune,
        date=dt.date(2025, 9, 20),
        format="truc_tuyen",
    )
    client.force_login(study.users["commune"])
    page = client.get(reverse("study:session", args=[main.code])).content.decode()
    assert "Thêm điểm cầu" in page
    client.post(reverse("study:bridge_add", args=[main.code]), {"code": "DC-CB2", "host": "CB2"})
    assert Session.objects.get(code="DC-CB2").main == main
    client.post(reverse("study:bridge_add", args=[main.code]), {"code": "DC-X", "host": "CB3"})
    assert not Session.objects.filter(code="DC-X").exists()
    page = client.get(reverse("study:session", args=[main.code])).content.decode()
    assert "DC-CB2" in page and "ngoài phạm vi" in page


def test_grid_one_tap_saves_with_htmx(study: Any, client: Any) -> None:
    client.force_login(study.users["secretary"])
    grid = client.get(reverse("study:grid", args=[study.session.code])).content.decode()
    assert "Nguyễn Văn An" in grid and "Phạm Thị Dung" not in grid  # DV3 is in CB2
    url = reverse("study:grid_mark", args=[study.session.code, "DV1"])
    row = client.post(url, {"status": "vang_co_ly_do"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and 'id="dv-DV1"' in row.content.decode()
    assert "<html" not in row.content.decode()
    assert Attendance.objects.get(member__code="DV1").status == Status.EXCUSED
    assert client.post(url, {"status": "xyz"}).status_code == 400
    outside = reverse("study:grid_mark", args=[study.session.code, "DV3"])
    assert client.post(outside, {"status": "co_mat"}).status_code == 404
    assert Attendance.objects.count() == 1


def test_qr_screen_renders_svg_and_polls(study: Any, client: Any) -> None:
    client.force_login(study.users["secretary"])
    page = client.get(reverse("study:qr", args=[study.session.code])).content.decode()
    assert "<svg" in page and 'hx-trigger="every 10s"' in page
    fragment = client.get(reverse("study:qr_code", args=[study.session.code])).content.decode()
    assert fragment.lstrip().startswith('<div id="qr"') and "<svg" in fragment


def test_member_scans_signs_in_and_confirms(study: Any, client: Any) -> None:
    token = services.make_token(study.session)
    scan = reverse("study:scan")
    anonymous = client.get(scan, {"t": token})
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    client.force_login(study.users["member"])
    confirm = client.get(scan)  # after signing in: the stashed scan
    html = confirm.content.decode()
    assert "Xác nhận có mặt" in html
    stashed = re.search(r'name="t" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    done = client.post(scan, {"t": stashed})
    assert "Đã ghi nhận" in done.content.decode()
    assert Attendance.objects.get(member=study.members[0]).status == Status.PRESENT
    again = client.post(scan, {"t": services.make_token(study.session)})
    assert "Bạn đã điểm danh trước đó" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_forged_token_and_shared_phone_refused(study: Any, client: Any) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(study.users["member"])
    bad = client.post(reverse("study:scan"), {"t": "1.in:abc:def"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    token = services.make_token(study.session)
    assert client.post(reverse("study:scan"), {"t": token}).status_code == 200
    other = get_user_model().objects.create_user(username="binh", password="x-x-x-x-x-1")
    study.members[1].user = other
    study.members[1].save()
    client.force_login(other)  # the same phone (cookie jar) for someone else
    shared = client.post(reverse("study:scan"), {"t": token})
    assert shared.status_code == 400 and "Thiết bị này vừa điểm danh" in shared.content.decode()
    assert not Attendance.objects.filter(member=study.members[1]).exists()


def test_checkout_flow_shows_early_leavers(study: Any, client: Any) -> None:
    services.checkin(
        actor=study.users["member"], token=services.make_token(study.session), device_id="d"
    )
    client.force_login(study.users["secretary"])
    opened = client.post(reverse("study:checkout_open", args=[study.session.code]))
    assert opened.status_code == 302 and "chieu=ra" in opened["Location"]
    page = client.get(reverse("study:session", args=[study.session.code])).content.decode()
    assert "Về sớm" in page and "Nguyễn Văn An" in page


def test_export_and_history(study: Any, client: Any) -> None:
    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.PRESENT
    )
    client.force_login(study.users["secretary"])
    xlsx = client.get(reverse("study:export", args=[study.session.code]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    history = client.get(reverse("study:history")).content.decode()
    assert "Hội nghị của Chi bộ bản Một" in history
    client.force_login(study.users["member"])
    mine = client.get(reverse("study:history")).content.decode()
    assert "Hội nghị học tập NQ 57" in mine and "Có mặt" in mine
