from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import selectors, services
from tuyengiao.study.models import Attendance, Campaign, Session, Status

from .conftest import CAMPAIGN_START


def test_campaign_defaults_and_validation(world: Any, document: Any) -> None:
    c = services.campaign_create(
        actor=world.users["province"],
        title="  Học tập   NQ 57 ",
        documents=[document],
        owner=world.province,
        start=CAMPAIGN_START,
        deadline=dt.date(2025, 12, 31),
        audiences=["members", "public"],
    )
    assert c.title == "Học tập NQ 57"
    assert (c.member_target, c.public_target) == (Decimal(95), Decimal(85))
    assert list(c.documents.all()) == [document]
    assert c.audience_labels() == ["Đảng viên", "Nhân dân"]
    with pytest.raises(ValidationError, match="Hạn hoàn thành"):
        services.campaign_create(
            actor=SYSTEM,
            title="x",
            documents=[document],
            owner=world.province,
            start=CAMPAIGN_START,
            deadline=CAMPAIGN_START - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="ít nhất một văn bản"):
        services.campaign_create(
            actor=SYSTEM,
            title="x",
            documents=[],
            owner=world.province,
            start=CAMPAIGN_START,
            deadline=CAMPAIGN_START,
        )
    with pytest.raises(ValidationError, match="Chỉ tiêu"):
        services.campaign_create(
            actor=SYSTEM,
            title="x",
            documents=[document],
            owner=world.province,
            start=CAMPAIGN_START,
            deadline=CAMPAIGN_START,
            member_target=120,
        )
    assert Campaign.objects.count() == 1


def test_who_may_create_a_campaign(world: Any, document: Any) -> None:
    kwargs: dict[str, Any] = dict(
        title="Đợt", documents=[document], start=CAMPAIGN_START, deadline=CAMPAIGN_START
    )
    services.campaign_create(actor=world.users["commune"], owner=world.commune, **kwargs)
    for persona, owner in (
        ("commune", world.province),  # above their unit
        ("secretary", world.cell),  # a cell secretary does not create campaigns
        ("member", world.cell),
        ("outsider", world.commune),
    ):
        with pytest.raises(PermissionDenied, match="Chỉ cán bộ"):
            services.campaign_create(actor=world.users[persona], owner=owner, **kwargs)
    assert Campaign.objects.count() == 1


def test_session_before_campaign_start_is_refused(study: Any) -> None:
    with pytest.raises(ValidationError, match="trước ngày bắt đầu đợt học tập"):
        services.session_create(
            actor=study.users["secretary"],
            campaign=study.campaign,
            code="HN-X",
            host=study.cell,
            date=CAMPAIGN_START - dt.timedelta(days=1),
        )
    assert not Session.objects.filter(code="HN-X").exists()


def test_session_host_outside_campaign_scope_or_actor_scope(study: Any) -> None:
    with pytest.raises(ValidationError, match="không thuộc phạm vi"):
        services.session_create(
            actor=SYSTEM,
            campaign=study.campaign,
            code="HN-X",
            host=study.sibling_cell,
            date=CAMPAIGN_START,
        )
    with pytest.raises(PermissionDenied, match="không có quyền"):
        services.session_create(
            actor=study.users["secretary"],
            campaign=study.campaign,
            code="HN-X",
            host=study.cell2,
            date=CAMPAIGN_START,
        )
    with pytest.raises(ValidationError, match="đã được dùng"):
        services.session_create(
            actor=SYSTEM,
            campaign=study.campaign,
            code="HN-CB1-01",
            host=study.cell,
            date=CAMPAIGN_START,
        )
    assert not Session.objects.filter(code="HN-X").exists()


def test_bridge_points(study: Any) -> None:
    main = services.session_create(
        actor=study.users["commune"],
        campaign=study.campaign,
        code="HN-XA1",
        host=study.commune,
        date=dt.date(2025, 9, 20),
        format="truc_tuyen",
    )
    bp = services.bridge_point_add(
        actor=study.users["commune"],
        main=main,
        code="HN-XA1-CB2",
        host=study.cell2,
        place="Nhà văn hoá bản Hai",
        public_reached=40,
    )
    assert bp.main == main and bp.campaign == study.campaign and bp.date == main.date
    rows = {s.pk: s for s in selectors.campaign_sessions(study.campaign)}
    assert getattr(rows[main.pk], "n_bridge") == 1  # noqa: B009  (annotation)
    with pytest.raises(ValidationError, match="không thêm vào điểm cầu"):
        services.bridge_point_add(actor=SYSTEM, main=bp, code="HN-Y", host=study.cell)
    with pytest.raises(ValidationError, match="Hội nghị trực tiếp"):
        services.bridge_point_add(actor=SYSTEM, main=study.session, code="HN-Y", host=study.cell)
    with pytest.raises(ValidationError, match="không thuộc phạm vi"):
        services.bridge_point_add(actor=SYSTEM, main=main, code="HN-Y", host=study.sibling_cell)
    assert not Session.objects.filter(code="HN-Y").exists()


def test_attendance_mark_and_scope(study: Any) -> None:
    secretary = study.users["secretary"]
    a = services.attendance_mark(
        actor=secretary, session=study.session, member=study.members[0], status=Status.PRESENT
    )
    again = services.attendance_mark(
        actor=secretary, session=study.session, member=study.members[0], status=Status.EXCUSED
    )
    assert a.pk == again.pk and again.status == Status.EXCUSED
    # DV3 sinh hoạt at CB2, outside the host CB1
    with pytest.raises(ValidationError, match="không sinh hoạt trong phạm vi"):
        services.attendance_mark(
            actor=SYSTEM, session=study.session, member=study.members[3], status=Status.PRESENT
        )
    with pytest.raises(ValidationError, match="Trạng thái"):
        services.attendance_mark(
            actor=SYSTEM, session=study.session, member=study.members[1], status="present"
        )
    with pytest.raises(PermissionDenied, match="không có quyền"):
        services.attendance_mark(
            actor=study.users["member"],
            session=study.session,
            member=study.members[1],
            status=Status.PRESENT,
        )
    assert Attendance.objects.count() == 1


def test_database_constraints(study: Any) -> None:
    m = study.members[0]
    Attendance.objects.create(session=study.session, member=m, status=Status.PRESENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=study.session, member=m, status=Status.ABSENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=study.session, member=study.members[1], status="x")


def test_bulk_set_counts_and_idempotence(study: Any) -> None:
    entries = [
        services.AttendanceEntry(study.session.pk, m.pk, Status.PRESENT) for m in study.members[:3]
    ]
    assert services.attendance_bulk_set(actor=SYSTEM, entries=entries) == (3, 0, 0)
    assert services.attendance_bulk_set(actor=SYSTEM, entries=entries) == (0, 0, 3)
    entries[0] = services.AttendanceEntry(study.session.pk, study.members[0].pk, Status.ABSENT)
    assert services.attendance_bulk_set(actor=SYSTEM, entries=entries) == (0, 1, 2)
    with pytest.raises(ValidationError, match="chỉ có một dòng"):
        services.attendance_bulk_set(actor=SYSTEM, entries=[entries[0], entries[0]])


def test_bulk_set_keeps_check_in_times_when_the_status_changes(study: Any) -> None:
    from django.utils import timezone

    m = study.members[0]
    at = timezone.now().replace(microsecond=0)
    Attendance.objects.create(
        session=study.session, member=m, status=Status.PRESENT, checked_in_at=at, source="qr"
    )
    entry = services.AttendanceEntry(study.session.pk, m.pk, Status.EXCUSED)
    assert services.attendance_bulk_set(actor=SYSTEM, entries=[entry]) == (0, 1, 0)
    row = Attendance.objects.get(session=study.session, member=m)
    assert (row.status, row.source, row.checked_in_at) == (Status.EXCUSED, "import", at)


def test_rates_by_unit_with_bridge_points_and_makeup(study: Any) -> None:
    from tuyengiao.orgs import services as org_services

    # DV0..DV2 in CB1, DV3 in CB2; exempt DV2 so CB1 requires 2.
    org_services.member_set_exempt(
        actor=SYSTEM, member=study.members[2], exempt=True, on=dt.date(2025, 1, 1)
    )
    main = services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-XA1",
        host=study.commune,
        date=dt.date(2025, 9, 20),
        format="ket_hop",
    )
    bp = services.bridge_point_add(actor=SYSTEM, main=main, code="HN-XA1-CB2", host=study.cell2)
    makeup = services.session_create(
        actor=SYSTEM,
        campaign=study.campaign,
        code="HN-BU",
        host=study.cell,
        date=dt.date(2025, 10, 5),
        is_makeup=True,
        public_reached=120,
    )
    mark = services.attendance_mark
    mark(actor=SYSTEM, session=study.session, member=study.members[0], status=Status.PRESENT)
    mark(actor=SYSTEM, session=main, member=study.members[0], status=Status.PRESENT)  # twice: once
    mark(actor=SYSTEM, session=study.session, member=study.members[1], status=Status.ABSENT)
    mark(actor=SYSTEM, session=makeup, member=study.members[1], status=Status.PRESENT)
    mark(actor=SYSTEM, session=bp, member=study.members[3], status=Status.PRESENT)
    # exempt member present: outside the denominator and the numerator
    mark(actor=SYSTEM, session=study.session, member=study.members[2], status=Status.PRESENT)

    fig = selectors.campaign_rate(study.campaign, study.commune)
    assert (fig["rate"].required, fig["rate"].attended) == (3, 3)
    assert fig["rate"].rate == 100 and not fig["rate"].below_target
    assert fig["public_reached"] == 120
    assert (fig["sessions"], fig["bridge_points"]) == (3, 1)
    assert fig["person_times"] == 5

    # On 30/09 the make-up session has not happened: CB1 is at 1/2
    early = dt.date(2025, 9, 30)
    rows = {r.code: r for r in selectors.progress_by_child(study.campaign, study.commune, early)}
    assert (rows["CB1"].required, rows["CB1"].attended) == (2, 1)
    assert (rows["CB2"].required, rows["CB2"].attended) == (1, 1)
    below = selectors.units_below_target(study.campaign, study.commune, early)
    assert [r.code for r in below] == ["CB1"]
    assert selectors.units_below_target(study.campaign, study.commune) == []


def test_public_rate_uses_population(study: Any) -> None:
    study.commune.population = 1000
    study.commune.save()
    services.session_update(actor=SYSTEM, session=study.session, public_reached=900)
    fig = selectors.campaign_rate(study.campaign, study.commune)
    assert fig["public_rate"] == 90 and not fig["public_below_target"]
