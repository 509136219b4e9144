"""The bulk services write what the one-by-one services write, on every backend (on
PostgreSQL they stream rows with ``COPY``, elsewhere ``bulk_create``)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from tuyengiao.lib.text import fold
from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import (
    Exemption,
    LineageKind,
    Member,
    Membership,
    Unit,
    UnitLineage,
    UnitVersion,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 7, 1)


@pytest.mark.parametrize(
    ("family", "middle", "given", "code"),
    [
        ("Nguyễn", "Thị", "Đào", "DV001"),
        ("", "", "Ánh", "X-1"),
        ("Lê", "Văn Thành", "Long", "ab.CD_9"),
        ("Ðỗ", "", "Ða", "Z9"),  # Icelandic eth, repaired by fold
        ("Trần ", " Văn", "Ba", " A  b "),  # stray spaces, in the parts and the code
        ("Phạm", "", "Tư", " "),
        ("Hồ", "", "\u0301", "Mã1"),  # a part that folds to nothing; a code with marks
    ],
)
def test_member_search_key_is_the_fold_of_name_and_code(
    family: str, middle: str, given: str, code: str
) -> None:
    full = " ".join(p for p in (family, middle, given) if p)
    assert services.member_search_key(family, middle, given, code) == " " + fold(f"{full} {code}")


@pytest.mark.parametrize(
    "text",
    ["Chi bộ số 1 CB1", "  Đảng  ủy\txã  Ða \u0301 Mã1 ", "Hồ \u0301", "\u0301", "", "a \u00ad b"],
)
def test_fold_words_is_fold(text: str) -> None:
    assert services.fold_words(text) == fold(text)


def test_unit_bulk_create_writes_tree_history_and_audit() -> None:
    root = services.unit_create(
        actor=SYSTEM, code="QG", name="Đảng bộ Quốc gia", kind="Trung ương", valid_from=DAY
    )
    created = services.unit_bulk_create(
        actor=SYSTEM,
        rows=[
            services.NewUnit("T1", "Đảng bộ tỉnh Một", "Tỉnh ủy", "QG", DAY),
            services.NewUnit("X1", "Đảng ủy xã Một", "Đảng ủy xã", "T1", DAY),
            services.NewUnit("CB1", "Chi bộ Một", "Chi bộ", "X1", None),
        ],
    )
    assert [u.code for u in created] == ["T1", "X1", "CB1"]
    province, commune, cell = (Unit.objects.get(code=c) for c in ("T1", "X1", "CB1"))
    assert province.path == f"{root.path}{province.pk}/"
    assert commune.path == f"{province.path}{commune.pk}/"
    assert cell.path == f"{commune.path}{cell.pk}/"
    assert (cell.depth, cell.parent_id, cell.valid_from) == (3, commune.pk, None)
    assert [u.pk for u in created] == [province.pk, commune.pk, cell.pk]
    assert (cell.sort_key, cell.search_key) == services.unit_keys("Chi bộ Một", "CB1")
    assert cell.created_at is not None
    version = UnitVersion.objects.get(unit=cell)
    assert (version.name, version.parent_id, version.path, version.valid_to) == (
        "Chi bộ Một",
        commune.pk,
        cell.path,
        None,
    )
    lineage = UnitLineage.objects.get(to_unit=cell)
    assert (lineage.kind, lineage.date, lineage.from_unit_id) == (
        LineageKind.CREATE,
        dt.date.min,
        None,
    )
    entry = LogEntry.objects.get_for_object(commune).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["name"] == ["None", "Đảng ủy xã Một"]


def test_member_bulk_import_writes_members_memberships_and_exemptions() -> None:
    cell = services.unit_create(
        actor=SYSTEM, code="CB", name="Chi bộ", kind="Chi bộ", valid_from=DAY
    )
    written = services.member_bulk_import(
        actor=SYSTEM,
        rows=[
            services.NewMember(
                code="DV1",
                full_name="Nguyễn  Thị Đào",
                unit=cell,
                gender="nu",
                birth_date=dt.date(1980, 2, 3),
                admission_date=dt.date(2005, 4, 5),
                since=dt.date(2025, 8, 1),
                exempt=True,
            ),
            services.NewMember(code="DV2", full_name="Ánh", unit=cell),
        ],
    )
    assert written == 2
    dao, anh = Member.objects.get(code="DV1"), Member.objects.get(code="DV2")
    assert (dao.family_name, dao.middle_name, dao.given_name) == ("Nguyễn", "Thị", "Đào")
    assert (dao.gender, dao.birth_date, dao.admission_date) == (
        "nu",
        dt.date(1980, 2, 3),
        dt.date(2005, 4, 5),
    )
    expected = Member(code="DV1", family_name="Nguyễn", middle_name="Thị", given_name="Đào")
    services.derive_member_keys(expected)
    assert (dao.sort_key, dao.search_key) == (expected.sort_key, expected.search_key)
    assert (anh.family_name, anh.given_name, anh.user_id) == ("", "Ánh", None)
    assert dao.created_at is not None
    assert list(Membership.objects.filter(member=dao).values_list("unit_id", "valid_from")) == [
        (cell.pk, dt.date(2025, 8, 1))
    ]
    # a blank "since" is the unit's start
    assert Membership.objects.get(member=anh).valid_from == DAY
    assert list(Exemption.objects.values_list("member_id", "valid_from")) == [
        (dao.pk, dt.date(2025, 8, 1))
    ]
    assert services.member_bulk_import(actor=SYSTEM, rows=[]) == 0


def test_member_bulk_create_returns_the_members_in_order() -> None:
    cell = services.unit_create(
        actor=SYSTEM, code="CB", name="Chi bộ", kind="Chi bộ", valid_from=DAY
    )
    members = services.member_bulk_create(
        actor=SYSTEM,
        rows=[
            services.NewMember(code="DV2", full_name="Lê Bình", unit=cell),
            services.NewMember(code="DV1", full_name="Lê An", unit=cell),
        ],
    )
    assert [(m.code, m.pk is not None) for m in members] == [("DV2", True), ("DV1", True)]


def test_member_bulk_import_in_chunks_writes_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_MEMBER_CHUNK", 2)
    cell = services.unit_create(
        actor=SYSTEM, code="CB", name="Chi bộ", kind="Chi bộ", valid_from=DAY
    )
    rows = [
        services.NewMember(code=f"DV{i}", full_name=f"Lê Văn {i}", unit=cell, exempt=i == 4)
        for i in range(5)
    ]
    assert services.member_bulk_import(actor=SYSTEM, rows=rows) == 5
    pairs = dict(Membership.objects.values_list("member__code", "unit_id"))
    assert pairs == {f"DV{i}": cell.pk for i in range(5)}
    assert list(Exemption.objects.values_list("member__code", flat=True)) == ["DV4"]
