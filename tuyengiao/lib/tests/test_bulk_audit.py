"""The audit entries of rows written in bulk are those auditlog writes one by one."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db


def _changes(unit: Unit) -> dict[str, list[str]]:
    entry = LogEntry.objects.get_for_object(unit).get(action=LogEntry.Action.CREATE)
    changes = dict(entry.changes_dict)
    # the path is filled after the insert (ids are known only then): one by one, the
    # entry keeps what save() saw; both logs agree on every other field.
    changes.pop("path", None)
    changes.pop("id", None)
    return {k: list(v) for k, v in changes.items()}


def test_bulk_created_units_are_logged_as_one_by_one() -> None:
    day = dt.date(2025, 7, 1)
    root = services.unit_create(
        actor=SYSTEM, code="QG", name="Đảng bộ Quốc gia", kind="Trung ương", valid_from=day
    )
    single = services.unit_create(
        actor=SYSTEM,
        code="T1",
        name="Đảng bộ tỉnh Một",
        kind="Tỉnh ủy",
        parent=root,
        valid_from=day,
    )
    services.unit_bulk_create(
        actor=SYSTEM,
        rows=[services.NewUnit("T2", "Đảng bộ tỉnh Một", "Tỉnh ủy", "QG", day)],
    )
    bulk = Unit.objects.get(code="T2")
    one, many = _changes(single), _changes(bulk)
    assert one.pop("code") == ["None", "T1"]
    assert many.pop("code") == ["None", "T2"]
    assert one == many
    assert many["name"] == ["None", "Đảng bộ tỉnh Một"]
    assert "sort_key" not in many  # derived keys are left out of the log


def test_bulk_created_units_carry_the_actor_and_address_of_the_request() -> None:
    from auditlog.context import set_actor
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="canbo", password="x-1234567890")
    day = dt.date(2025, 7, 1)
    services.unit_create(
        actor=SYSTEM, code="QG", name="Đảng bộ Quốc gia", kind="Trung ương", valid_from=day
    )
    with set_actor(user, remote_addr="10.1.2.3"):
        services.unit_bulk_create(
            actor=SYSTEM,
            rows=[
                services.NewUnit("T1", "Đảng bộ tỉnh Một", "Tỉnh ủy", "QG", day),
                services.NewUnit("X1", "Đảng ủy xã Một", "Đảng ủy xã", "T1", day),
            ],
        )
    for code in ("T1", "X1"):
        unit = Unit.objects.get(code=code)
        entry = LogEntry.objects.get_for_object(unit).get(action=LogEntry.Action.CREATE)
        assert (entry.actor_id, entry.remote_addr, entry.object_repr) == (
            user.pk,
            "10.1.2.3",
            str(unit),
        )
        assert entry.changes_dict["code"] == ["None", code]
    outside = LogEntry.objects.get_for_object(Unit.objects.get(code="QG")).get(
        action=LogEntry.Action.CREATE
    )
    assert outside.actor_id is None


def test_creation_diff_is_auditlogs_own() -> None:
    """The per-field getters chosen once (``bulk_audit._value_getter``) give auditlog's own
    diff of a new object: plain fields, a foreign key, a date, empty and null values."""
    from auditlog.diff import model_instance_diff

    from tuyengiao.lib.bulk_audit import _creation_diff

    day = dt.date(2025, 7, 1)
    root = services.unit_create(
        actor=SYSTEM, code="QG", name="Đảng bộ Quốc gia", kind="Trung ương", valid_from=day
    )
    child = services.unit_create(
        actor=SYSTEM, code="X1", name="Đảng ủy xã Một", kind="Đảng ủy xã", parent=root
    )
    child.population = 1200
    diff = _creation_diff(Unit, False)
    for unit in (root, child, Unit(code="N", name="Mới", kind="Chi bộ")):
        assert diff(unit) == model_instance_diff(None, unit)
