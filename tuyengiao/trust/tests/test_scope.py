"""Scope on the parts the URL walk does not reach by GET alone: HTMX fragments and
downloads, tried with a sibling unit's objects by every persona."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["commune", "secretary", "member", "unassigned"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_htmx_member_rows_of_a_sibling_unit_are_never_served(
    client_for: Any, world: Any, persona: str
) -> None:
    client = client_for(persona)
    r = client.get(f"/don-vi/{world.sibling_commune.code}/", {"q": "hoang"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 404
    assert "Hoàng Văn Xuân" not in r.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_export_of_a_sibling_unit_is_never_served(
    client_for: Any, world: Any, persona: str
) -> None:
    assignment = getattr(world.users[persona], "assignment", None)
    if assignment is not None:
        assignment.can_export_personal_data = True
        assignment.save()
    r = client_for(persona).get(f"/an-toan/xuat/{world.sibling_commune.code}/dang-vien.xlsx")
    assert r.status_code in (403, 404)
    assert r.get("Content-Type", "").startswith("text/html")


def test_own_htmx_fragment_is_only_the_rows(client_for: Any, world: Any) -> None:
    r = client_for("commune").get(
        f"/don-vi/{world.commune.code}/", {"q": "nguyen"}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert r.status_code == 200 and 'id="member-rows"' in body and "<html" not in body
    assert "Nguyễn Văn An" in body
