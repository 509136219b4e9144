"""The administration pages of the libraries without a Vietnamese catalogue
(django-otp, django-axes, django-auditlog) speak Vietnamese, from the project's own
catalogue (``tuyengiao/locale``). ``admin_client`` is pytest-django's: a superuser
signed in."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())


def test_sign_in_locks_in_vietnamese(admin_client: Any, world: Any, settings: Any) -> None:
    settings.AXES_ENABLED = True
    admin_client.post("/dang-nhap/", {"username": "xa", "password": "sai"}, REMOTE_ADDR="10.0.0.5")
    page = _page(admin_client, "/quan-tri/axes/accessattempt/")
    assert "Lượt đăng nhập sai" in page or "lượt đăng nhập sai" in page
    assert "Địa chỉ IP" in page and "Thời điểm đăng nhập" in page
    for english in ("access attempt", "Attempt Time", "IP Address", "Failed Logins"):
        assert english not in page, english


def test_two_factor_devices_are_listed_and_deleted_never_added_or_shown(
    admin_client: Any, world: Any
) -> None:
    """A device is enrolled only through the service (a code of the device); the admin
    lists devices in Vietnamese and deletes a lost one, but cannot add or edit one, nor
    read its secret key or QR code (which would let it pass as the owner)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(
        user=world.users["province"], name="Điện thoại", confirmed=True
    )
    listed = _page(admin_client, "/quan-tri/otp_totp/totpdevice/")
    assert "Thiết bị xác thực hai lớp" in listed and "tên thiết bị" in listed.lower()
    assert "Điện thoại" in listed and "qrcode" not in listed
    assert admin_client.get("/quan-tri/otp_totp/totpdevice/add/").status_code == 403
    shown = _page(admin_client, f"/quan-tri/otp_totp/totpdevice/{device.pk}/change/")
    assert device.key not in shown and "Điện thoại" in shown
    assert (
        admin_client.post(
            f"/quan-tri/otp_totp/totpdevice/{device.pk}/change/", {"name": "Khác", "key": "00"}
        ).status_code
        == 403
    )
    for view in ("config", "qrcode"):
        assert admin_client.get(
            f"/quan-tri/otp_totp/totpdevice/{device.pk}/{view}/"
        ).status_code in (302, 404)
    device.refresh_from_db()
    assert device.name == "Điện thoại"


def test_the_audit_trail_in_vietnamese(admin_client: Any, world: Any) -> None:
    page = _page(admin_client, "/quan-tri/auditlog/logentry/")
    assert "Nhật ký thay đổi" in page or "mục nhật ký" in page
    for english in ("Resource Type", "Correlation ID", "log entries"):
        assert english not in page, english


def test_an_audit_entry_reads_as_on_the_audit_page(admin_client: Any, world: Any) -> None:
    """django-auditlog's pages showed field names ("can export personal data"), "None"
    and ISO moments; they read as the audit page does."""
    from auditlog.models import LogEntry
    from django.utils import timezone

    from tuyengiao.orgs import services
    from tuyengiao.orgs.access import SYSTEM

    services.assignment_set_export(actor=SYSTEM, user=world.users["commune"], allowed=True)
    entry = LogEntry.objects.filter(changes__icontains="can_export_personal_data").latest("pk")
    page = _page(admin_client, f"/quan-tri/auditlog/logentry/{entry.pk}/change/")
    assert "được xuất dữ liệu cá nhân" in page and "<td>Không</td><td>Có</td>" in page
    assert "can_export_personal_data" not in page and "None" not in page
    assert timezone.localtime(entry.timestamp).strftime("%H:%M:%S %d/%m/%Y") in page
    listed = _page(admin_client, "/quan-tri/auditlog/logentry/")
    assert "1 thay đổi: được xuất dữ liệu cá nhân" in listed and "1 change" not in listed


def test_the_admins_own_and_the_libraries_labels_are_vietnamese(
    admin_client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Labels the libraries and Django 5's admin leave in English, and fields of the
    account models without a label of their own, found by a crawl of the demo's admin."""
    from auditlog.models import LogEntry
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks.backends.database.models import DBTaskResult

    from tuyengiao.orgs import services
    from tuyengiao.orgs.access import SYSTEM
    from tuyengiao.orgs.models import Assignment
    from tuyengiao.reports.tasks import report_generate
    from tuyengiao.trust.models import AccessLog

    services.assignment_set_export(actor=SYSTEM, user=world.users["commune"], allowed=True)
    assignment = Assignment.objects.get(user=world.users["commune"])
    device = TOTPDevice.objects.create(user=world.users["province"], name="Điện thoại")
    access = AccessLog.objects.create(
        user=world.users["province"],
        action=AccessLog.Action.VIEW_MEMBER,
        object_type="orgs.Member",
        object_key="DV1",
        object_repr="Đảng viên Một",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_generate.enqueue(0)  # waits in the database backend: no worker in tests
    result = DBTaskResult.objects.get()
    pages = {
        "/quan-tri/": ["Tác vụ nền", "Xác thực hai lớp", "Đăng nhập (django-axes)"],
        "/quan-tri/django_tasks_database/dbtaskresult/": ["tác vụ", "Đang chờ", "trạng thái"],
        f"/quan-tri/django_tasks_database/dbtaskresult/{result.pk}/change/": ["Hàm của tác vụ"],
        "/quan-tri/auditlog/logentry/": ["mục nhật ký", "loại dữ liệu", "phân quyền"],
        f"/quan-tri/orgs/unit/{world.cell.pk}/change/": ["đơn vị cấp trên"],
        f"/quan-tri/orgs/assignment/{assignment.pk}/change/": ["tài khoản"],
        f"/quan-tri/auth/user/{world.users['commune'].pk}/change/": ["Đặt lại mật khẩu"],
        "/quan-tri/orgs/member/": ["họ và tên"],
        f"/quan-tri/otp_totp/totpdevice/{device.pk}/change/": [
            "Thiết bị xác thực hai lớp",
            '<div class="readonly">—</div>',  # not used yet
            timezone.localtime(device.created_at).strftime("%H:%M:%S %d/%m/%Y"),
        ],
        f"/quan-tri/trust/accesslog/{access.pk}/change/": ["Người xem", "Loại đối tượng"],
    }
    english = [
        "Tasks Database Backend", "Task Results", "Task name", "Ready", "Task path",
        "Toggle navigation", "Filter navigation items", "Reset password", "Resource Type",
        ">Parent", ">Depth", ">Path", ">User", ">Unit", "Full name", "mục đăng nhập",
        ">None<", "orgs.Member", "Bản ghi nhớ", "+00:00",
    ]  # fmt: skip
    for path, wanted in pages.items():
        page = _page(admin_client, path)
        for text in wanted:  # labels are capitalised on some pages
            assert text.lower() in page.lower(), (path, text)
        for text in english:
            assert text not in page, (path, text)
    # the sidebar names the devices; a device's page keeps the library's "TOTP devices"
    # in its breadcrumbs (a model's option: changing it would be a migration of django-otp)
    assert "TOTP devices" not in _page(admin_client, "/quan-tri/")
    assert LogEntry.objects.exists()
