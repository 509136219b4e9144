"""Sessions as iCalendar files for a phone's calendar (``study.calendar``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services
from tuyengiao.study.selectors import today
from tuyengiao.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(world: Any) -> dict[str, Any]:
    day = today() + dt.timedelta(days=10)
    document = factories.document("57-NQ/TW", "về đột phá phát triển khoa học")
    made = {}
    for owner, host, code, start in (
        (world.commune, world.cell, "HN-LICH-1", dt.time(7, 30)),
        (world.commune, world.cell, "HN-LICH-2", None),
        (world.sibling_commune, world.sibling_cell, "HN-LICH-3", dt.time(8, 0)),
    ):
        campaign = services.campaign_create(
            actor=SYSTEM,
            title="Học tập Nghị quyết 57-NQ/TW",
            documents=[document],
            owner=owner,
            start=today(),
            deadline=today() + dt.timedelta(days=90),
        )
        made[code] = services.session_create(
            actor=SYSTEM,
            campaign=campaign,
            code=code,
            host=host,
            date=day,
            title="Hội nghị quán triệt, học tập; chuyên đề Nghị quyết 57" if start else "",
            start_time=start,
            end_time=dt.time(11, 0) if start else None,
            place="Nhà văn hóa bản Một, xã Một",
        )
    far = services.session_create(
        actor=SYSTEM,
        campaign=made["HN-LICH-1"].campaign,
        code="HN-LICH-XA",
        host=world.cell,
        date=today() + dt.timedelta(days=365),
    )
    made[far.code] = far
    return made


def _events(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_a_session_goes_into_the_calendar(world: Any, coming: Any, client: Any) -> None:
    client.force_login(world.users["member"])
    (event,) = _events(client.get("/hoc-tap/hoi-nghi/HN-LICH-1/lich.ics"))
    assert str(event["uid"]) == "HN-LICH-1@tuyengiao"
    assert str(event["summary"]) == "Hội nghị quán triệt, học tập; chuyên đề Nghị quyết 57"
    day = coming["HN-LICH-1"].date
    # 07:30 in Việt Nam (UTC+7) is 00:30 UTC
    assert event.decoded("dtstart") == dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime.combine(day, dt.time(4, 0), tzinfo=dt.UTC)
    assert str(event["location"]) == "Nhà văn hóa bản Một, xã Một"
    assert "Đơn vị tổ chức: Chi bộ bản Một" in str(event["description"])
    assert str(event["url"]).endswith("/hoc-tap/hoi-nghi/HN-LICH-1/")
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(days=-1)
    assert client.get("/hoc-tap/hoi-nghi/HN-LICH-3/lich.ics").status_code == 404  # sibling's


def test_a_session_without_a_start_is_a_whole_day(world: Any, coming: Any, client: Any) -> None:
    client.force_login(world.users["secretary"])
    (event,) = _events(client.get("/hoc-tap/hoi-nghi/HN-LICH-2/lich.ics"))
    assert event.decoded("dtstart") == coming["HN-LICH-2"].date
    assert str(event["summary"]) == "Học tập Nghị quyết 57-NQ/TW"  # the campaign's title


def test_the_coming_sessions_one_sees(world: Any, coming: Any, client: Any) -> None:
    client.force_login(world.users["member"])
    codes = [str(e["uid"]) for e in _events(client.get("/hoc-tap/lich.ics"))]
    # the whole-day session first on its day; not the one a year ahead, not the sibling's
    assert codes == ["HN-LICH-2@tuyengiao", "HN-LICH-1@tuyengiao"]
    client.force_login(world.users["province"])
    seen = {str(e["uid"]) for e in _events(client.get("/hoc-tap/lich.ics"))}
    assert {"HN-LICH-1@tuyengiao", "HN-LICH-3@tuyengiao"} <= seen
    assert "/hoc-tap/lich.ics" in client.get("/hoc-tap/cua-toi/").content.decode()
    client.force_login(world.users["member"])
    assert 'href="/hoc-tap/lich.ics"' in client.get("/").content.decode()  # the home page
