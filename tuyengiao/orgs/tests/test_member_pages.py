from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from tuyengiao.orgs import selectors

if TYPE_CHECKING:
    from conftest import ClientFor, World

pytestmark = pytest.mark.django_db


def test_secretary_corrects_the_parsed_name_parts(client_for: ClientFor, world: World) -> None:
    client = client_for("secretary")
    m = world.members[0]
    response = client.post(
        f"/dang-vien/{m.code}/sua/",
        {
            "action": "details",
            "family_name": "Nguyễn Văn",
            "middle_name": "",
            "given_name": "An",
            "gender": "nam",
            "birth_date": "05/03/1980",
            "admission_date": "",
        },
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.family_name, m.middle_name, m.given_name) == ("Nguyễn Văn", "", "An")
    assert m.birth_date == dt.date(1980, 3, 5)


def test_bad_date_is_refused_in_vietnamese_and_nothing_changes(
    client_for: ClientFor, world: World
) -> None:
    m = world.members[0]
    response = client_for("commune").post(
        f"/dang-vien/{m.code}/sua/",
        {"action": "details", "family_name": "X", "given_name": "Y", "birth_date": "31/02/1980"},
    )
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.content.decode()
    m.refresh_from_db()
    assert m.family_name == "Nguyễn"


def test_exempt_and_transfer_through_the_page(client_for: ClientFor, world: World) -> None:
    client = client_for("commune")
    m = world.members[0]
    today = selectors.today()
    client.post(
        f"/dang-vien/{m.code}/sua/",
        {"action": "exempt", "exempt": "on", "on": today.strftime("%d/%m/%Y")},
    )
    assert selectors.member_count(world.cell, today, include_exempt=False) == 2
    response = client.post(
        f"/dang-vien/{m.code}/sua/",
        {"action": "transfer", "unit_code": "CB2", "on": today.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    assert selectors.member_unit_on(m, today) == world.cell2


def test_transfer_outside_scope_is_refused(client_for: ClientFor, world: World) -> None:
    m = world.members[0]
    today = selectors.today().strftime("%d/%m/%Y")
    response = client_for("commune").post(
        f"/dang-vien/{m.code}/sua/", {"action": "transfer", "unit_code": "CB3", "on": today}
    )
    assert response.status_code == 400
    assert "trong phạm vi của bạn" in response.content.decode()
    assert selectors.member_unit_on(m, selectors.today()) == world.cell
