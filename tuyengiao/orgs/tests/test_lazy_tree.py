"""The national tree page (issue 13 §2): opened lazily, siblings in Vietnamese
order, a unit search without diacritics, the unit picker's search; every page
bounded at national size."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

from .bulk import add_units

pytestmark = pytest.mark.django_db

PROVINCES = ["Lạng Sơn", "Hà Nội", "An Giang", "Đà Nẵng", "Bắc Ninh", "Cà Mau", "Điện Biên"]


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/don-vi/[^"]+">([^<]+)</a>', html)


def test_children_endpoint_lists_siblings_in_vietnamese_order(world: Any, client_for: Any) -> None:
    add_units(world.province, PROVINCES, prefix="T", kind="Tỉnh ủy", since=None)
    response = client_for("province").get(reverse("orgs:unit_children", args=[world.province.code]))
    assert response.status_code == 200
    names = [n for n in _names(response.content.decode()) if n in PROVINCES]
    assert names == ["An Giang", "Bắc Ninh", "Cà Mau", "Đà Nẵng", "Điện Biên", "Hà Nội", "Lạng Sơn"]


def test_tree_page_shows_one_level_and_fetches_children_when_opened(
    world: Any, client_for: Any
) -> None:
    html = client_for("province").get(reverse("orgs:tree")).content.decode()
    assert "Đảng ủy xã Một" in html and "Chi bộ bản Một" not in html  # a level below: lazy
    children_url = reverse("orgs:unit_children", args=[world.commune.code])
    assert f'hx-get="{children_url}?ngay=' in html and 'hx-trigger="toggle once"' in html
    opened = client_for("province").get(children_url).content.decode()
    assert _names(opened) == ["Chi bộ bản Hai", "Chi bộ bản Một"]


def test_children_of_a_unit_outside_scope_are_404(world: Any, client_for: Any) -> None:
    url = reverse("orgs:unit_children", args=[world.sibling_commune.code])
    assert client_for("commune").get(url).status_code == 404
    assert (
        client_for("member").get(reverse("orgs:unit_children", args=[world.cell.code])).status_code
        == 404
    )


def test_national_tree_page_and_children_stay_under_200_kb(world: Any, client_for: Any) -> None:
    communes = add_units(
        world.province, [f"Xã số {i}" for i in range(3300)], prefix="X", kind="Xã", since=None
    )
    client = client_for("province")
    page = client.get(reverse("orgs:tree"))
    assert page.status_code == 200 and len(page.content) < 200_000
    assert "Xem thêm" in page.content.decode()
    second = client.get(reverse("orgs:unit_children", args=[world.province.code]) + "?tu=200")
    assert len(second.content) < 200_000 and communes[0].name not in _names(second.content.decode())
    found = client.get(reverse("orgs:tree"), {"q": "xa so 1"})
    assert len(found.content) < 200_000 and "Chỉ hiện 50 đơn vị đầu tiên" in found.content.decode()


def test_unit_search_needs_no_diacritics(world: Any, client_for: Any) -> None:
    hanoi = services.unit_create(
        actor=SYSTEM, code="HN", name="Thành ủy Hà Nội", kind="Thành ủy", parent=world.province
    )
    services.unit_create(
        actor=SYSTEM, code="BD", name="Đảng ủy phường Ba Đình", kind="Đảng ủy phường", parent=hanoi
    )
    services.unit_create(
        actor=SYSTEM,
        code="BD2",
        name="Đảng ủy phường Bình Định",
        kind="Đảng ủy phường",
        parent=hanoi,
    )
    html = client_for("province").get(reverse("orgs:tree"), {"q": "phuong ba dinh"}).content
    text = html.decode()
    assert "Đảng ủy phường Ba Đình" in text and "thuộc Thành ủy Hà Nội" in text
    assert "Bình Định" not in text


def test_unit_search_finds_a_renamed_unit_by_its_new_name(world: Any, client_for: Any) -> None:
    import datetime as dt

    services.unit_rename(
        actor=SYSTEM, unit=world.cell, name="Chi bộ thôn Mới", on=dt.date(2025, 1, 1)
    )
    text = client_for("commune").get(reverse("orgs:tree"), {"q": "thon moi"}).content.decode()
    assert "Chi bộ thôn Mới" in text


def test_unit_search_never_shows_units_outside_scope(world: Any, client_for: Any) -> None:
    text = client_for("commune").get(reverse("orgs:tree"), {"q": "chi bo ban"}).content.decode()
    assert "Chi bộ bản Một" in text and "Chi bộ bản Ba" not in text


# --- the unit picker ---------------------------------------------------------------


def _picker(client: Client, **params: str) -> str:
    response = client.get(reverse("orgs:unit_picker_search"), {"ten": "host", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_picker_search_is_scoped_bounded_and_tells_duplicates_apart(
    world: Any, client_for: Any
) -> None:
    for code, parent in (("TYT4A", world.commune), ("TYT4B", world.sibling_commune)):
        services.unit_create(
            actor=SYSTEM, code=code, name="Chi bộ trạm y tế số 4", kind="Chi bộ", parent=parent
        )
    province = _picker(client_for("province"), q="tram y te so 4")
    assert province.count("Chi bộ trạm y tế số 4") == 2
    assert "TYT4A · thuộc Đảng ủy xã Một" in province
    assert "TYT4B · thuộc Đảng ủy xã Hai" in province
    commune = _picker(client_for("commune"), q="tram y te")
    assert "TYT4A" in commune and "TYT4B" not in commune  # out of scope never appears
    add_units(
        world.commune,
        [f"Chi bộ thôn {i}" for i in range(500)],
        prefix="TH",
        kind="Chi bộ",
        since=None,
    )
    many = _picker(client_for("commune"), q="thon")
    assert many.count('type="radio"') == 20 and "gõ thêm" in many


def test_picker_narrows_to_root_and_writable_units_and_keeps_the_choice(
    world: Any, client_for: Any
) -> None:
    secretary = _picker(client_for("secretary"), q="chi bo", ghi="1", goc=world.commune.code)
    assert "CB1" in secretary and "CB2" not in secretary  # a secretary writes only their cell
    member = _picker(client_for("member"), q="chi bo", ghi="1")
    assert 'type="radio"' not in member  # a member writes nothing
    kept = _picker(client_for("commune"), q="ban hai", host="CB1")
    assert re.search(r'value="CB1" checked', kept) and 'value="CB2"' in kept


def test_unit_keys_are_filled_for_units_written_without_them(world: Any) -> None:
    Unit.objects.filter(pk=world.cell.pk).update(sort_key="", search_key="")
    assert services.unit_keys_refresh() == 1
    world.cell.refresh_from_db()
    assert world.cell.search_key == " chi bo ban mot cb1"


def test_children_on_a_past_date_follow_that_dates_names(world: Any, client_for: Any) -> None:
    import datetime as dt

    since = dt.date(2024, 1, 1)
    first = services.unit_create(
        actor=SYSTEM,
        code="T0",
        name="An Giang",
        kind="Tỉnh ủy",
        parent=world.province,
        valid_from=since,
    )
    services.unit_create(
        actor=SYSTEM,
        code="T1",
        name="Bắc Ninh",
        kind="Tỉnh ủy",
        parent=world.province,
        valid_from=since,
    )
    services.unit_rename(actor=SYSTEM, unit=first, name="Yên Bái", on=dt.date(2025, 1, 1))
    url = reverse("orgs:unit_children", args=[world.province.code])
    client = client_for("province")
    wanted = {"An Giang", "Bắc Ninh", "Yên Bái"}
    today = [n for n in _names(client.get(url).content.decode()) if n in wanted]
    then = [
        n for n in _names(client.get(url, {"ngay": "01/06/2024"}).content.decode()) if n in wanted
    ]
    assert today == ["Bắc Ninh", "Yên Bái"] and then == ["An Giang", "Bắc Ninh"]


def test_picker_offers_the_units_valid_on_the_forms_date(world: Any, client_for: Any) -> None:
    """A session's host must exist on the session's date (issue 11 item 7): the picker
    lists the units valid on the date typed in the form, or today's when none."""
    services.unit_create(
        actor=SYSTEM,
        code="MOI",
        name="Chi bộ mới thành lập",
        kind="Chi bộ",
        parent=world.commune,
        valid_from=dt.date(2025, 7, 1),
    )
    old = services.unit_create(
        actor=SYSTEM, code="CU", name="Chi bộ cũ", kind="Chi bộ", parent=world.commune
    )
    services.unit_dissolve(actor=SYSTEM, unit=old, on=dt.date(2025, 7, 1))
    client = client_for("province")
    before = _picker(client, q="chi bo", truong_ngay="date", date="15/06/2025")
    assert "Chi bộ cũ" in before and "Chi bộ mới thành lập" not in before
    after = _picker(client, q="chi bo", ngay="15/08/2025")
    assert "Chi bộ mới thành lập" in after and "Chi bộ cũ" not in after
    today = _picker(client, q="chi bo", truong_ngay="date", date="không phải ngày")
    assert "Chi bộ mới thành lập" in today and "Chi bộ cũ" not in today
