"""Inspections, supervisions and field reviews: a round by a conducting unit over
organisations of its subtree, with the members covered, findings, recommendations and
follow-up tasks; recorded by the conducting unit's staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.followup import services
from tuyengiao.followup.models import Inspection, InspectionTarget, Kind, Task
from tuyengiao.orgs.access import SYSTEM

from .conftest import inspection

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_round_covers_organisations_of_the_conducting_units_subtree(world: Any) -> None:
    made = inspection("KT-9", Kind.INSPECTION, world.commune, D(2025, 10, 1), [(world.cell, 4)])
    assert [(t.unit.code, t.members) for t in made.targets.all()] == [("CB1", 4)]
    with pytest.raises(ValidationError, match="không thuộc"):
        inspection(
            "KT-8", Kind.INSPECTION, world.commune, D(2025, 10, 1), [(world.sibling_cell, 1)]
        )
    with pytest.raises(PermissionDenied):
        inspection(
            "KT-7",
            Kind.SUPERVISION,
            world.commune,
            D(2025, 10, 1),
            [],
            actor=world.users["secretary"],
        )
    with pytest.raises(PermissionDenied):
        inspection(
            "KT-7",
            Kind.SUPERVISION,
            world.commune,
            D(2025, 10, 1),
            [],
            actor=world.users["outsider"],
        )
    with pytest.raises(PermissionDenied):
        inspection("KT-7", Kind.SUPERVISION, world.commune, D(2025, 10, 1), [], actor=None)


def test_saving_the_same_round_again_changes_nothing(world: Any) -> None:
    targets = [(world.cell, 4), (world.cell2, 2)]
    inspection("KT-9", Kind.REVIEW, world.commune, D(2025, 10, 1), targets)
    _, outcome = services.inspection_save(
        actor=SYSTEM,
        data=services.InspectionData(
            code="KT-9",
            kind=Kind.REVIEW,
            unit=world.commune,
            date_from=D(2025, 10, 1),
            targets=targets,
        ),
    )
    assert outcome == "unchanged"
    _, outcome = services.inspection_save(
        actor=SYSTEM,
        data=services.InspectionData(
            code="KT-9",
            kind=Kind.REVIEW,
            unit=world.commune,
            date_from=D(2025, 10, 1),
            targets=[(world.cell, 5)],
        ),
    )
    assert outcome == "updated"
    assert list(InspectionTarget.objects.values_list("unit__code", "members")) == [("CB1", 5)]


def test_named_members_belong_to_the_organisation_and_count(world: Any) -> None:
    made = inspection("GS-9", Kind.SUPERVISION, world.commune, D(2025, 10, 1), [])
    target = services.inspection_target_set(
        actor=world.users["commune"],
        inspection=made,
        unit=world.cell,
        members=0,
        named=world.members[:2],
    )
    assert target.members == 2 and target.named.count() == 2
    with pytest.raises(ValidationError, match="không sinh hoạt"):
        services.inspection_target_set(
            actor=SYSTEM, inspection=made, unit=world.cell, members=5, named=[world.members[3]]
        )
    with pytest.raises(ValidationError, match="ít hơn"):
        services.inspection_target_set(
            actor=SYSTEM, inspection=made, unit=world.cell, members=1, named=world.members[:2]
        )


def test_record_a_round_with_findings_and_a_follow_up_task_on_the_web(
    client_for: Any, world: Any
) -> None:
    client = client_for("commune")
    page = client.post(
        "/thuc-hien/kiem-tra/them/",
        {
            "code": "KT-W1",
            "kind": "kiem_tra",
            "unit": "XA1",
            "date_from": "01/10/2025",
            "date_to": "05/10/2025",
            "subject": "Việc học tập Nghị quyết 57",
            "findings": "Chi bộ bản Một học tập đầy đủ",
            "recommendations": "Xây dựng kế hoạch trước 30/11/2025",
        },
    )
    assert page.status_code == 302
    page = client.post(
        "/thuc-hien/kiem-tra/KT-W1/to-chuc/",
        {"target": "CB1", "members": "3", "named": "DV0; DV1"},
    )
    assert page.status_code == 302
    target = InspectionTarget.objects.get(inspection__code="KT-W1")
    assert target.members == 3 and sorted(m.code for m in target.named.all()) == ["DV0", "DV1"]
    refused = client.post("/thuc-hien/kiem-tra/KT-W1/to-chuc/", {"target": "CB3", "members": "1"})
    assert refused.status_code == 400
    page = client.post(
        "/thuc-hien/kiem-tra/KT-W1/nhiem-vu-moi/",
        {"code": "KN-W1", "content": "Xây dựng kế hoạch", "unit": "CB1", "deadline": "30/11/2025"},
    )
    assert page.status_code == 302
    follow = Task.objects.get(code="KN-W1")
    assert follow.inspection == Inspection.objects.get(code="KT-W1")
    assert follow.assigned_on == D(2025, 10, 5)
    detail = client_for("secretary").get("/thuc-hien/kiem-tra/KT-W1/").content.decode()
    assert "Xây dựng kế hoạch trước 30/11/2025" in detail and "KN-W1" in detail
    assert "Quá hạn" in detail
    assert (
        client_for("secretary")
        .post("/thuc-hien/kiem-tra/KT-W1/to-chuc/", {"target": "CB1", "members": "9"})
        .status_code
        == 403
    )
    assert client_for("outsider").get("/thuc-hien/kiem-tra/KT-W1/").status_code == 404


def test_a_covered_organisation_sees_the_round(client_for: Any, world: Any) -> None:
    inspection("KT-T", Kind.INSPECTION, world.province, D(2025, 10, 1), [(world.cell, 3)])
    assert client_for("secretary").get("/thuc-hien/kiem-tra/KT-T/").status_code == 200
    assert client_for("outsider").get("/thuc-hien/kiem-tra/KT-T/").status_code == 404
    listing = client_for("secretary").get("/thuc-hien/kiem-tra/").content.decode()
    assert "KT-T" in listing
