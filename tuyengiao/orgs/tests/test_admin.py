"""The administrator onboards an account: user, unit and role, and for a member
the link to their record, so that QR check-in knows who scans."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
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


def test_a_staff_account_holding_model_permissions_is_not_let_in(client: Any, world: Any) -> None:
    """Django's default site opens to staff with a model permission; here only a
    superuser is an administrator (nothing in the system grants by Django's permissions)."""
    from django.contrib.auth.models import Permission

    staff = get_user_model().objects.create_user(
        "nhanvien", password="mat-khau-dai-123", is_staff=True
    )
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="orgs", codename__endswith="assignment")
    )
    client.force_login(staff)
    for page in ("/quan-tri/", "/quan-tri/orgs/assignment/", "/quan-tri/orgs/assignment/add/"):
        response = client.get(page)
        assert response.status_code == 302 and "/quan-tri/login/" in response["Location"], page
    response = client.post(
        "/quan-tri/orgs/assignment/add/",
        {"user": staff.pk, "unit": world.province.pk, "role": Role.PROVINCE_STAFF},
    )
    assert response.status_code == 302 and not Assignment.objects.filter(user=staff).exists()


def test_a_members_role_is_refused_the_export_of_personal_data_as_by_the_command(
    admin_client: Any, world: Any
) -> None:
    user = get_user_model().objects.create_user("dv9", password="mat-khau-dai-123")
    response = admin_client.post(
        "/quan-tri/orgs/assignment/add/",
        {
            "user": user.pk,
            "unit": world.cell.pk,
            "role": Role.MEMBER,
            "can_export_personal_data": "on",
        },
    )
    assert response.status_code == 200
    assert "Không cấp quyền xuất dữ liệu cá nhân cho vai trò đảng viên." in (
        response.content.decode()
    )
    assert not Assignment.objects.filter(user=user).exists()
    # A staffer who may export, made a member there, loses the permission.
    staff = world.users["commune"]
    assignment = Assignment.objects.get(user=staff)
    assignment.can_export_personal_data = True
    assignment.save()
    response = admin_client.post(
        f"/quan-tri/orgs/assignment/{assignment.pk}/change/",
        {"unit": world.cell.pk, "role": Role.MEMBER, "can_export_personal_data": "on"},
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.role == Role.COMMUNE_STAFF and assignment.can_export_personal_data
    services.assignment_set(actor=SYSTEM, user=staff, unit=world.cell, role=Role.MEMBER)
    assignment.refresh_from_db()
    assert assignment.role == Role.MEMBER and not assignment.can_export_personal_data


def test_an_account_links_to_one_member_only(admin_client: Any, world: Any) -> None:
    linked = world.members[0]
    assert linked.user is not None
    other = world.members[3]
    response = admin_client.post(
        f"/quan-tri/orgs/member/{other.pk}/change/", {"user": linked.user.pk}
    )
    assert response.status_code == 200
    assert f"đã gắn với đảng viên {linked.code}" in response.content.decode()
    assert Member.objects.get(pk=other.pk).user is None


def test_a_role_taken_away_there_is_audited(admin_client: Any, world: Any) -> None:
    from auditlog.models import LogEntry

    assignment = Assignment.objects.get(user=world.users["secretary"])
    response = admin_client.post(
        f"/quan-tri/orgs/assignment/{assignment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert LogEntry.objects.filter(
        object_pk=str(assignment.pk), action=LogEntry.Action.DELETE
    ).exists()


def test_the_account_pages_offer_no_groups_or_permissions(admin_client: Any, world: Any) -> None:
    user = world.users["commune"]
    for page in (f"/quan-tri/auth/user/{user.pk}/change/", "/quan-tri/auth/user/add/"):
        html = admin_client.get(page).content.decode()
        for english in ("Can add", "Can change", "user_permissions", "groups", "Password-based"):
            assert english not in html, (page, english)
    assert admin_client.get("/quan-tri/auth/group/").status_code == 404
    response = admin_client.post(
        "/quan-tri/auth/user/add/",
        {
            "username": "moi",
            "password1": "Mat-khau-dai-123!",
            "password2": "Mat-khau-dai-123!",
            # no unit and role yet: the inline's form left empty
            "assignment-TOTAL_FORMS": "1",
            "assignment-INITIAL_FORMS": "0",
            "assignment-0-unit": "",
            "assignment-0-role": "",
        },
    )
    assert response.status_code == 302
    made = get_user_model().objects.get(username="moi")
    assert made.has_usable_password() and not Assignment.objects.filter(user=made).exists()


def _inline(unit: Unit, role: str, export: bool = False, pk: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assignment-TOTAL_FORMS": "1",
        "assignment-INITIAL_FORMS": "1" if pk else "0",
        "assignment-MIN_NUM_FORMS": "0",
        "assignment-MAX_NUM_FORMS": "1",
        "assignment-0-unit": unit.pk,
        "assignment-0-role": role,
    }
    if pk:
        data["assignment-0-id"] = pk
    if export:
        data["assignment-0-can_export_personal_data"] = "on"
    return data


def test_an_account_is_created_with_its_unit_and_role_on_one_page(
    admin_client: Any, world: Any
) -> None:
    from auditlog.models import LogEntry

    page = admin_client.get("/quan-tri/auth/user/add/").content.decode()
    assert "đơn vị và vai trò" in page.lower()
    password = {"password1": "Mat-khau-dai-123!", "password2": "Mat-khau-dai-123!"}
    refused = admin_client.post(
        "/quan-tri/auth/user/add/",
        {"username": "dv10", **password, **_inline(world.cell, Role.MEMBER, export=True)},
    )
    assert refused.status_code == 200
    assert "Không cấp quyền xuất dữ liệu cá nhân" in refused.content.decode()
    assert not get_user_model().objects.filter(username="dv10").exists()
    response = admin_client.post(
        "/quan-tri/auth/user/add/",
        {"username": "bithu3", **password, **_inline(world.cell2, Role.CELL_SECRETARY)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="bithu3")
    assignment = Assignment.objects.get(user=user)
    assert (assignment.unit, assignment.role) == (world.cell2, Role.CELL_SECRETARY)
    assert LogEntry.objects.get_for_object(assignment).exists()
    # changed on the account's page too: made a member, the export right is refused
    change = {
        "username": "bithu3",
        "is_active": "on",
        "date_joined_0": "01/12/2026",
        "date_joined_1": "08:00:00",
        **_inline(world.cell2, Role.MEMBER, export=True, pk=assignment.pk),
    }
    response = admin_client.post(f"/quan-tri/auth/user/{user.pk}/change/", change)
    assert response.status_code == 200
    assert "Không cấp quyền xuất dữ liệu cá nhân" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.role == Role.CELL_SECRETARY


def test_the_admins_sign_in_asks_for_a_superuser_not_a_staff_account(
    client: Any, world: Any
) -> None:
    users = get_user_model().objects
    users.create_user("nhanvien2", password="mat-khau-dai-123", is_staff=True)
    # made an administrator on the account page, which no longer shows "staff"
    users.create_user("quantri2", password="mat-khau-dai-123", is_superuser=True)
    refused = client.post(
        "/quan-tri/login/", {"username": "nhanvien2", "password": "mat-khau-dai-123"}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    let_in = client.post(
        "/quan-tri/login/", {"username": "quantri2", "password": "mat-khau-dai-123"}
    )
    assert let_in.status_code == 302 and client.get("/quan-tri/").status_code == 200


def test_members_and_units_are_found_with_or_without_marks(admin_client: Any, world: Any) -> None:
    for term in ("Lê Văn Cường", "le van cuong", "LÊ VĂN CƯỜNG"):
        found = admin_client.get("/quan-tri/orgs/member/", {"q": term})
        assert list(found.context["cl"].result_list) == [world.members[2]], term
    for term in ("Đảng ủy xã Một", "dang uy xa mot"):
        picked = admin_client.get(
            "/quan-tri/autocomplete/",
            {"app_label": "orgs", "model_name": "assignment", "field_name": "unit", "term": term},
        ).json()
        assert [row["id"] for row in picked["results"]] == [str(world.commune.pk)], term
        roles = admin_client.get("/quan-tri/orgs/assignment/", {"q": term})
        assert {a.unit for a in roles.context["cl"].result_list} == {world.commune}, term


def test_a_members_account_is_linked_on_the_account_page(admin_client: Any, world: Any) -> None:
    password = {"password1": "Mat-khau-dai-123!", "password2": "Mat-khau-dai-123!"}
    unlinked, linked = world.members[3], world.members[0]
    assert unlinked.user is None and linked.user is not None
    for code, error in (
        ("DV99", "Không có đảng viên mã DV99."),
        (linked.code, f"Đảng viên {linked.code} đã gắn với tài khoản {linked.user.username}"),
    ):
        refused = admin_client.post(
            "/quan-tri/auth/user/add/",
            {"username": "dv3", "member_code": code, **password, **_inline(world.cell2, "")},
        )
        assert refused.status_code == 200 and error in refused.content.decode(), code
    assert not get_user_model().objects.filter(username="dv3").exists()
    response = admin_client.post(
        "/quan-tri/auth/user/add/",
        {
            "username": "dv3",
            "member_code": unlinked.code.lower(),
            **password,
            **_inline(world.cell2, Role.MEMBER),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="dv3")
    assert Member.objects.get(pk=unlinked.pk).user == user
    page = admin_client.get(f"/quan-tri/auth/user/{user.pk}/change/").content.decode()
    assert f'value="{unlinked.code}"' in page
    # left empty on the account's page: the member is unlinked
    assignment = Assignment.objects.get(user=user)
    change = {
        "username": "dv3",
        "is_active": "on",
        "member_code": "",
        "date_joined_0": "01/12/2026",
        "date_joined_1": "08:00:00",
        **_inline(world.cell2, Role.MEMBER, pk=assignment.pk),
    }
    response = admin_client.post(f"/quan-tri/auth/user/{user.pk}/change/", change)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Member.objects.get(pk=unlinked.pk).user is None
