"""Personal data: views and exports are logged; exports need a permission;
error pages say nothing about the inside."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from tuyengiao.trust.models import AccessLog

pytestmark = pytest.mark.django_db


def grant_export(world: Any, persona: str) -> None:
    assignment = world.users[persona].assignment
    assignment.can_export_personal_data = True
    assignment.save()


def test_viewing_a_member_page_is_logged(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    r = client.get(f"/dang-vien/{world.members[1].code}/", REMOTE_ADDR="198.51.100.4")
    assert r.status_code == 200
    row = AccessLog.objects.get()
    assert row.user == world.users["commune"]
    assert row.action == AccessLog.Action.VIEW_MEMBER
    assert (row.object_type, row.object_key) == ("orgs.Member", world.members[1].code)
    assert row.remote_addr == "198.51.100.4" and row.at is not None


def test_a_refused_member_page_is_not_logged_as_a_view(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    assert client.get(f"/dang-vien/{world.sibling_members[0].code}/").status_code == 404
    assert not AccessLog.objects.exists()


def test_export_needs_the_permission(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    assert client.get(f"/an-toan/xuat/{world.commune.code}/dang-vien.xlsx").status_code == 403
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert "dang-vien.xlsx" not in page
    assert not AccessLog.objects.exists()


def test_export_with_the_permission_is_an_xlsx_and_is_logged(client_for: Any, world: Any) -> None:
    grant_export(world, "commune")
    client = client_for("commune")
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert f"/an-toan/xuat/{world.commune.code}/dang-vien.xlsx" in page
    r = client.get(f"/an-toan/xuat/{world.commune.code}/dang-vien.xlsx")
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:2] == ("Mã đảng viên", "Họ và tên")
    codes = sorted(row[0] for row in rows[2:])
    assert codes == sorted(m.code for m in world.members)
    assert ws.cell(row=3, column=4).number_format == "DD/MM/YYYY" or rows[2][3] is None
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT_MEMBERS)
    assert (log.user, log.object_key, log.row_count) == (
        world.users["commune"],
        world.commune.code,
        len(world.members),
    )


def test_export_of_a_sibling_unit_is_404_even_with_the_permission(
    client_for: Any, world: Any
) -> None:
    grant_export(world, "commune")
    r = client_for("commune").get(f"/an-toan/xuat/{world.sibling_commune.code}/dang-vien.xlsx")
    assert r.status_code == 404


def test_a_member_never_exports(client_for: Any, world: Any) -> None:
    grant_export(world, "member")
    r = client_for("member").get(f"/an-toan/xuat/{world.cell.code}/dang-vien.xlsx")
    assert r.status_code == 403


def test_error_pages_reveal_nothing_internal(world: Any, settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tuyengiao.trust.tests.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(world.users["province"])
    failed = client.get("/loi-thu/")
    assert failed.status_code == 500
    body = failed.content.decode()
    assert "Lỗi hệ thống" in body
    for leak in ("secret-internal-detail", "Traceback", "settings.py", "RuntimeError"):
        assert leak not in body
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()
    assert "urlpatterns" not in missing.content.decode()


def test_export_permission_is_granted_and_withdrawn_by_command_and_audited(world: Any) -> None:
    from auditlog.models import LogEntry
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("export_permission", "xa", "on")
    assignment = world.users["commune"].assignment
    assignment.refresh_from_db()
    assert assignment.can_export_personal_data
    entry = LogEntry.objects.filter(object_pk=str(assignment.pk)).latest("timestamp")
    assert entry.actor is None
    assert entry.changes_dict["can_export_personal_data"] == ["False", "True"]
    call_command("export_permission", "xa", "off")
    assignment.refresh_from_db()
    assert not assignment.can_export_personal_data
    with pytest.raises(CommandError, match="đảng viên"):
        call_command("export_permission", "dangvien", "on")
    with pytest.raises(CommandError, match="chưa được gán"):
        call_command("export_permission", "chuaphan", "on")
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("export_permission", "khong-ai", "on")
