"""Shared fixtures: a small tree and the five personas of STYLE.md.

Tree (built through services, as a user would):

    TINH (province)
      ├─ XA1 (commune) ─ CB1, CB2 (cells)
      └─ XA2 (commune) ─ CB3 (cell)       <- the "sibling" of XA1
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Member, Unit

# CI runs the property tests with a fixed seed, so a red build always means a change broke
# something; `make fuzz` (random seeds, many more examples) is where new cases are hunted.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("fuzz", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

START = dt.date(2024, 1, 1)


@dataclass
class World:
    province: Unit
    commune: Unit
    cell: Unit
    cell2: Unit
    sibling_commune: Unit
    sibling_cell: Unit
    members: list[Member]
    sibling_members: list[Member]
    users: dict[str, User]


# ``client_for("secretary")``: the test client signed in as one persona of the world.
ClientFor = Callable[[str], Client]


def _user(username: str, unit: Unit | None, role: str | None) -> User:
    from tuyengiao.orgs import services

    user = User.objects.create_user(username=username, password="mat-khau-dai-123")
    if unit is not None and role is not None:
        services.assignment_set(actor=SYSTEM, user=user, unit=unit, role=role)
    return user


@pytest.fixture(autouse=True)
def _no_axes_lockouts(settings: Settings) -> None:
    # Lockout is tested on its own; elsewhere a failed login must not leak between tests.
    settings.AXES_ENABLED = False
    settings.TWO_FACTOR_ENFORCED = False
    # Hashing the personas' passwords with PBKDF2 costs seconds per test; tests of
    # password rules go through the validators, which do not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The fixtures' sessions are dated 2025 while tests scan at the real time; the
    # check-in window is tested on its own (study/tests/test_checkin_window.py).
    settings.CHECKIN_OPENS_MINUTES_BEFORE = settings.CHECKIN_CLOSES_MINUTES_AFTER = 10**7


@pytest.fixture(autouse=True)
def _data_rows_after_a_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test (``live_server``, ``transactional_db``) starts after the
    previous one's flush emptied every table: put back the rows of data migrations
    before it runs (``seed_demo`` and the forms need them)."""
    if {"live_server", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        reseed_data_migrations()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The tree and personas above (for a fixture of wider scope than a test)."""
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import Role

    reseed_data_migrations()

    s = services
    province = s.unit_create(actor=SYSTEM, code="TINH", name="Tỉnh ủy Thử", kind="Tỉnh ủy")
    commune = s.unit_create(
        actor=SYSTEM,
        code="XA1",
        name="Đảng ủy xã Một",
        kind="Đảng ủy xã",
        parent=province,
        valid_from=START,
    )
    cell = s.unit_create(
        actor=SYSTEM,
        code="CB1",
        name="Chi bộ bản Một",
        kind="Chi bộ",
        parent=commune,
        valid_from=START,
    )
    cell2 = s.unit_create(
        actor=SYSTEM,
        code="CB2",
        name="Chi bộ bản Hai",
        kind="Chi bộ",
        parent=commune,
        valid_from=START,
    )
    sibling = s.unit_create(
        actor=SYSTEM,
        code="XA2",
        name="Đảng ủy xã Hai",
        kind="Đảng ủy xã",
        parent=province,
        valid_from=START,
    )
    sibling_cell = s.unit_create(
        actor=SYSTEM,
        code="CB3",
        name="Chi bộ bản Ba",
        kind="Chi bộ",
        parent=sibling,
        valid_from=START,
    )
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    members = [
        s.member_create(
            actor=SYSTEM, code=f"DV{i}", full_name=n, unit=cell if i < 3 else cell2, since=START
        )
        for i, n in enumerate(names)
    ]
    sibling_members = [
        s.member_create(
            actor=SYSTEM, code="DVX1", full_name="Hoàng Văn Xuân", unit=sibling_cell, since=START
        )
    ]
    users = {
        "province": _user("tinh", province, Role.PROVINCE_STAFF),
        "commune": _user("xa", commune, Role.COMMUNE_STAFF),
        "secretary": _user("chibo", cell, Role.CELL_SECRETARY),
        "member": _user("dangvien", cell, Role.MEMBER),
        "outsider": _user("ngoai", sibling, Role.COMMUNE_STAFF),
        "unassigned": _user("chuaphan", None, None),
    }
    members[0].user = users["member"]
    members[0].save(update_fields=["user"])
    return World(
        province, commune, cell, cell2, sibling, sibling_cell, members, sibling_members, users
    )


@pytest.fixture
def client_for(client: Client, world: World) -> ClientFor:
    def login(persona: str) -> Client:
        client.force_login(world.users[persona])
        return client

    return login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Rows that data migrations create, put back when the test database is reused.

    With ``--reuse-db`` (``make test-fast``) the kept database was emptied by the
    previous run's last transactional test, so the issuers of
    ``documents/0004_issuers`` are missing; adding them again is idempotent.
    """
    from importlib import import_module

    from django.apps import apps

    with django_db_blocker.unblock():
        import_module("tuyengiao.documents.migrations.0004_issuers").forward(apps, None)
        reseed_data_migrations()


def reseed_data_migrations() -> None:
    """Put back the rows of data migrations that a transactional test's flush removed
    (idempotent): the presenters' levels and statuses, the media and award kinds."""
    from importlib import import_module

    from django.apps import apps

    import_module("tuyengiao.presenters.migrations.0002_levels_statuses").seed(apps, None)
    import_module("tuyengiao.presenters.migrations.0004_dissemination_forms").seed(apps, None)
    import_module("tuyengiao.media.migrations.0002_kinds").seed(apps, None)
