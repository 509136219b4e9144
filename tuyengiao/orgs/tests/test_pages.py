"""The unit page's undated details: population and the place on its reports."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_commune_staff_set_population_and_place_in_vietnamese_format(
    client_for: Any, world: Any
) -> None:
    client = client_for("commune")
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert f"/don-vi/{world.commune.code}/sua/" in page
    response = client.post(
        f"/don-vi/{world.commune.code}/sua/", {"population": "12.500", "place": "  Tam  Đường "}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(pk=world.commune.pk)
    assert (unit.population, unit.place) == (12500, "Tam Đường")
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert "Địa danh: Tam Đường" in page and "dân số 12.500" in page


def test_bad_population_is_a_vietnamese_error_and_changes_nothing(
    client_for: Any, world: Any
) -> None:
    client = client_for("province")
    response = client.post(f"/don-vi/{world.cell.code}/sua/", {"population": "-3", "place": "X"})
    assert response.status_code == 400
    assert "Dân số không được là số âm." in response.content.decode()
    response = client.post(f"/don-vi/{world.cell.code}/sua/", {"population": "nhiều"})
    assert "Dân số phải là một số nguyên, ví dụ 12.500." in response.content.decode()
    unit = Unit.objects.get(pk=world.cell.pk)
    assert (unit.population, unit.place) == (None, "")


def test_a_member_cannot_edit_and_a_sibling_unit_is_not_found(client_for: Any, world: Any) -> None:
    assert client_for("member").get(f"/don-vi/{world.cell.code}/sua/").status_code == 403
    client = client_for("commune")
    response = client.post(f"/don-vi/{world.sibling_commune.code}/sua/", {"place": "Hai"})
    assert response.status_code == 404
    assert Unit.objects.get(pk=world.sibling_commune.pk).place == ""


def test_the_change_is_in_the_audit_trail(client_for: Any, world: Any) -> None:
    from auditlog.models import LogEntry

    client_for("commune").post(f"/don-vi/{world.commune.code}/sua/", {"place": "Tam Đường"})
    entry = LogEntry.objects.get_for_object(world.commune).order_by("-timestamp").first()
    assert entry is not None and entry.actor == world.users["commune"]
    assert entry.changes_dict["place"] == ["", "Tam Đường"]
