"""The administrator onboards an account: user, unit and role, and for a member
the link to their record, so that QR check-in knows who scans."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tuyengiao.orgs.models import Assignment, Member, Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Any, world: Any) -> Any:
    admin = get_user_model().objects.create_superuser("quantri", password="mat-khau-dai-123")
    client.force_login(admin)
    return client


def test_admin_assigns_a_role_and_links_a_member(admin_client: Any, world: Any) -> None:
    from auditlog.models import LogEntry

    user = get_user_model().objects.create_user("bithu2", password="mat-khau-dai-123")
    for page in ("orgs/unit/", "orgs/member/", "orgs/assignment/", "orgs/assignment/add/"):
        assert admin_client.get(f"/quan-tri/{page}").status_code == 200
    response = admin_client.post(
        "/quan-tri/orgs/assignment/add/",
        {"user": user.pk, "unit": world.cell2.pk, "role": Role.CELL_SECRETARY},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(user=user)
    assert (assignment.unit, assignment.role) == (world.cell2, Role.CELL_SECRETARY)
    assert LogEntry.objects.get_for_object(assignment).exists()

    member = world.members[3]
    response = admin_client.post(f"/quan-tri/orgs/member/{member.pk}/change/", {"user": user.pk})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).user == user


def test_units_and_members_cannot_be_added_changed_or_deleted_there(
    admin_client: Any, world: Any
) -> None:
    assert admin_client.get("/quan-tri/orgs/unit/add/").status_code == 403
    assert admin_client.get("/quan-tri/orgs/member/add/").status_code == 403
    unit = world.cell
    assert (
        admin_client.post(f"/quan-tri/orgs/unit/{unit.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    admin_client.post(f"/quan-tri/orgs/unit/{unit.pk}/change/", {"name": "Đổi"})
    assert Unit.objects.get(pk=unit.pk).name == unit.name
    member = world.members[0]
    admin_client.post(
        f"/quan-tri/orgs/member/{member.pk}/change/", {"given_name": "Khác", "user": ""}
    )
    assert Member.objects.get(pk=member.pk).given_name == member.given_name


def test_staff_of_the_province_are_not_administrators(client_for: Any, world: Any) -> None:
    response = client_for("province").get("/quan-tri/orgs/assignment/")
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]
