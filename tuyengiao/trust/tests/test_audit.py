"""The audit trail: what is recorded, who is the actor, who may read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.utils import timezone

from tuyengiao.imports.tests.test_workbook_import import workbook
from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Assignment, Member, Unit
from tuyengiao.trust import audit
from tuyengiao.trust.models import AccessLog

pytestmark = pytest.mark.django_db


def entries_for(model: Any) -> Any:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))


def test_every_listed_model_is_registered() -> None:
    from auditlog.registry import auditlog

    for model in audit.audited_models():
        assert auditlog.contains(model), model


def test_service_change_outside_a_request_is_the_systems(world: Any) -> None:
    services.unit_rename(
        actor=SYSTEM, unit=world.cell, name="Chi bộ bản Mới", on=dt.date(2025, 1, 1)
    )
    entry = entries_for(Unit).filter(object_pk=str(world.cell.pk)).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor is None
    assert entry.changes_dict["name"] == ["Chi bộ bản Một", "Chi bộ bản Mới"]


def test_acting_as_attributes_changes_to_the_user(world: Any) -> None:
    user = world.users["commune"]
    with audit.acting_as(user, remote_addr="10.0.0.7"):
        member = services.member_create(
            actor=user, code="DV9", full_name="Vi Văn Chín", unit=world.cell, since=None
        )
    entry = entries_for(Member).get(object_pk=str(member.pk), action=LogEntry.Action.CREATE)
    assert entry.actor == user
    assert entry.remote_addr == "10.0.0.7"
    assert "sort_key" not in entry.changes_dict and "search_key" not in entry.changes_dict


def test_password_hash_is_never_logged(world: Any) -> None:
    user = world.users["member"]
    user.set_password("mot-cum-tu-rat-dai")
    user.first_name = "An"
    user.save()
    entry = entries_for(get_user_model()).filter(object_pk=str(user.pk)).latest("timestamp")
    assert "first_name" in entry.changes_dict
    assert "password" not in entry.changes_dict
    assert "pbkdf2" not in str(entry.changes)


def _run_jobs() -> None:
    """What the task worker does with the queued import jobs (outside the request)."""
    from tuyengiao.imports.models import ImportJob
    from tuyengiao.imports.tasks import import_run

    for pk in ImportJob.objects.filter(status=ImportJob.Status.QUEUED).values_list("pk", flat=True):
        import_run.call(job_id=pk)


def _preview_job() -> int:
    from tuyengiao.imports.models import ImportJob

    return ImportJob.objects.filter(dry_run=True).latest("pk").pk


def test_web_import_is_attributed_to_the_user_and_their_address(
    client_for: Any, world: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("province")
    data = workbook(
        units=[["XA9", "Đảng ủy xã Chín", "TINH", "Đảng ủy xã", "01/07/2025"]], members=[]
    )
    upload = client.post(
        "/nhap-du-lieu/",
        {"file": SimpleUploadedFile("dv.xlsx", data)},
        REMOTE_ADDR="192.0.2.10",
    )
    assert upload.status_code == 302
    _run_jobs()  # the background task, outside any request
    confirm = client.post(
        "/nhap-du-lieu/xac-nhan/", {"job": _preview_job()}, REMOTE_ADDR="192.0.2.10"
    )
    assert confirm.status_code == 302
    _run_jobs()
    unit = Unit.objects.get(code="XA9")
    entry = entries_for(Unit).get(object_pk=str(unit.pk), action=LogEntry.Action.CREATE)
    assert entry.actor == world.users["province"]
    assert entry.remote_addr == "192.0.2.10"


def test_assignment_changes_are_logged(world: Any) -> None:
    services.assignment_set(
        actor=SYSTEM, user=world.users["unassigned"], unit=world.cell, role="member"
    )
    assert entries_for(Assignment).filter(action=LogEntry.Action.CREATE).exists()


def test_province_staff_browse_and_filter_the_log(client_for: Any, world: Any) -> None:
    user = world.users["province"]
    with audit.acting_as(user):
        services.unit_rename(
            actor=user, unit=world.cell2, name="Chi bộ Hai Mới", on=dt.date(2025, 1, 1)
        )
    client = client_for("province")
    page = client.get("/an-toan/nhat-ky/")
    assert page.status_code == 200
    # what it does not hold, it says where to find: imports are kept per import
    assert 'được ghi theo từng lần nhập, ở trang <a href="/nhap-du-lieu/">' in page.content.decode()
    assert page.context["page"].paginator.count == LogEntry.objects.count()
    mine = client.get("/an-toan/nhat-ky/", {"ai": "tinh", "loai": "orgs.unit"})
    rows = list(mine.context["page"].object_list)
    assert rows and all(e.actor == user for e in rows)
    assert "Chi bộ Hai Mới" in mine.content.decode()
    system = client.get("/an-toan/nhat-ky/", {"ai": "hệ thống", "doi_tuong": "CB3"})
    assert system.context["page"].paginator.count >= 1
    assert all(e.actor is None for e in system.context["page"].object_list)
    today = timezone.localdate().strftime("%d/%m/%Y")
    dated = client.get("/an-toan/nhat-ky/", {"tu_ngay": today, "den_ngay": today})
    assert dated.context["page"].paginator.count == LogEntry.objects.count()
    past = client.get("/an-toan/nhat-ky/", {"den_ngay": "01/01/2000"})
    assert past.context["page"].paginator.count == 0
    bad = client.get("/an-toan/nhat-ky/", {"tu_ngay": "31/02/2025"})
    assert bad.status_code == 200 and "Từ ngày" in bad.content.decode()


def test_log_is_paginated(client_for: Any, world: Any) -> None:
    for i in range(60):
        services.unit_update(actor=SYSTEM, unit=world.cell, population=1000 + i)
    client = client_for("province")
    first = client.get("/an-toan/nhat-ky/", {"loai": "orgs.unit"})
    assert len(first.context["page"].object_list) == 50
    second = client.get("/an-toan/nhat-ky/", {"loai": "orgs.unit", "trang": 2})
    assert second.context["page"].number == 2
    assert "loai=orgs.unit" in first.content.decode()


def test_other_roles_cannot_read_the_log(client_for: Any, world: Any) -> None:
    assert client_for("commune").get("/an-toan/nhat-ky/").status_code == 403


def test_log_cannot_be_changed_or_deleted_in_the_admin(world: Any) -> None:
    superuser = get_user_model().objects.create_superuser("quantri", password="mat-khau-dai-123")
    request = RequestFactory().get("/quan-tri/")
    request.user = superuser
    entry = LogEntry.objects.first()
    for model in (LogEntry, AccessLog):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)


def test_no_route_can_post_to_the_log(client_for: Any, world: Any) -> None:
    assert client_for("province").post("/an-toan/nhat-ky/").status_code == 405


def test_changes_are_shown_with_vietnamese_labels(world: Any) -> None:
    from tuyengiao.trust.selectors import describe_changes

    services.unit_rename(
        actor=SYSTEM, unit=world.cell, name="Chi bộ Tên Mới", on=dt.date(2025, 1, 1)
    )
    entry = entries_for(Unit).filter(object_pk=str(world.cell.pk)).latest("timestamp")
    assert ("tên đơn vị", "Chi bộ bản Một", "Chi bộ Tên Mới") in describe_changes(entry)
    created = entries_for(Unit).get(object_pk=str(world.cell.pk), action=LogEntry.Action.CREATE)
    labels = {label for label, _, _ in describe_changes(created)}
    assert {"mã đơn vị", "đơn vị cấp trên", "hiệu lực từ"} <= labels


def _import_one_unit(client: Any, code: str, **headers: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = workbook(units=[[code, f"Đảng ủy xã {code}", "TINH", "Đảng ủy xã", ""]], members=[])
    client.post("/nhap-du-lieu/", {"file": SimpleUploadedFile("a.xlsx", data)}, **headers)
    _run_jobs()
    client.post("/nhap-du-lieu/xac-nhan/", {"job": _preview_job()}, **headers)
    _run_jobs()
    unit = Unit.objects.get(code=code)
    return entries_for(Unit).get(object_pk=str(unit.pk), action=LogEntry.Action.CREATE)


def test_a_forged_forwarded_for_header_is_ignored_without_a_proxy(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.USE_X_FORWARDED_FOR = False
    client = client_for("province")
    entry = _import_one_unit(
        client, "XF1", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert entry.remote_addr == "192.0.2.1"


def test_behind_a_proxy_the_forwarded_address_is_used_if_valid(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.USE_X_FORWARDED_FOR = True
    client = client_for("province")
    good = _import_one_unit(
        client, "XF2", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1"
    )
    assert good.remote_addr == "203.0.113.5"
    bad = _import_one_unit(client, "XF3", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert bad.remote_addr == "127.0.0.1"


def test_acting_as_blocks_in_turn_and_nested_keep_their_own_actor(world: Any) -> None:
    first, second = world.users["commune"], world.users["secretary"]
    with audit.acting_as(first):
        services.unit_update(actor=first, unit=world.cell, population=10)
        with audit.acting_as(second):
            services.unit_update(actor=second, unit=world.cell, population=20)
        services.unit_update(actor=first, unit=world.cell, population=30)
    services.unit_update(actor=SYSTEM, unit=world.cell, population=40)
    rows = entries_for(Unit).filter(object_pk=str(world.cell.pk)).order_by("id")
    by_value = {
        e.changes_dict["population"][1]: e.actor for e in rows if "population" in e.changes_dict
    }
    assert by_value == {"10": first, "20": second, "30": first, "40": None}


def test_changes_show_vietnamese_values_not_internals(world: Any) -> None:
    """No ``True``, ``created_by``, ``in_force``, ``truc_tiep`` or ISO date in the log."""
    from tuyengiao.documents import services as documents
    from tuyengiao.documents.models import Document
    from tuyengiao.study import services as study
    from tuyengiao.study.models import Session
    from tuyengiao.trust.selectors import describe_changes

    user = world.users["province"]
    with audit.acting_as(user):
        doc = documents.document_create(
            actor=user, symbol="57-NQ/TW", title="Về khoa học", issue_date=dt.date(2024, 12, 22)
        )
    shown = dict(
        (label, after)
        for label, _, after in describe_changes(
            entries_for(Document).get(object_pk=str(doc.pk), action=LogEntry.Action.CREATE)
        )
    )
    assert shown["trạng thái"] == "Còn hiệu lực"
    assert shown["ngày ban hành"] == "22/12/2024"
    assert shown["người tạo"] == "tinh"
    assert "created by" not in shown and "created_by" not in shown
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="NQ 57",
        documents=[doc],
        owner=world.commune,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    session = study.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-1", host=world.cell, date=dt.date(2025, 9, 10)
    )
    rows = describe_changes(
        entries_for(Session).get(object_pk=str(session.pk), action=LogEntry.Action.CREATE)
    )
    values = {after for _, _, after in rows}
    assert "Trực tiếp" in values and "Không" in values and "10/09/2025" in values
    assert not values & {"True", "False", "truc_tiep", "2025-09-10"}


def test_every_audited_model_and_logged_field_has_a_vietnamese_name() -> None:
    """The log's filter lists the models by name and its entries name each changed
    field: none of them may fall back to Django's English default (the class name
    split into words, the field name with spaces)."""
    import re

    from tuyengiao.trust.selectors import _label, audited_types

    unnamed, unlabelled = [], []
    for model in audit.audited_models():
        english = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        if str(model._meta.verbose_name) == english:
            unnamed.append(model._meta.label)
        excluded = audit.AUDITED[model._meta.label]
        for field in model._meta.concrete_fields:
            if field.name in excluded or field.name in {"created_at", "updated_at"}:
                continue
            if _label(model, field.name)[0].lower() == field.name.replace("_", " "):
                unlabelled.append(f"{model._meta.label}.{field.name}")
    assert unnamed == [] and unlabelled == []
    assert len(audited_types()) == len(audit.AUDITED)


def test_a_logged_moment_is_shown_in_local_time(world: Any) -> None:
    """django-auditlog logs a moment as naive UTC: the log shows it in the local time
    zone, as it shows the entry's own time."""
    from tuyengiao.trust.selectors import describe_changes

    joined = dt.datetime(2025, 9, 10, 1, 30, tzinfo=dt.UTC)  # 08:30 in Hà Nội
    user = get_user_model().objects.create_user("moi", date_joined=joined)
    entry = entries_for(get_user_model()).get(object_pk=str(user.pk), action=LogEntry.Action.CREATE)
    assert entry.changes_dict["date_joined"][1].startswith("2025-09-10 01:30")  # as logged
    shown = [after for _, _, after in describe_changes(entry) if after.startswith("10/09/2025")]
    assert shown == ["10/09/2025 08:30"]


def test_logged_counts_read_as_vietnamese_numbers() -> None:
    from tuyengiao.contests.models import Round
    from tuyengiao.trust.selectors import _shown

    seconds = next(f for f in Round._meta.concrete_fields if "giây" in str(f.verbose_name))
    assert _shown("1800", seconds) == "1.800"
    assert _shown("7", Round._meta.get_field("id")) == "7"  # a row's id is no count
