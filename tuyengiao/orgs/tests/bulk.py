"""Large trees for tests of page sizes: units and members written with
``bulk_create`` (thousands in a second), keys derived as the services do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Max

from tuyengiao.orgs import hooks
from tuyengiao.orgs.models import Member, Membership, Unit, UnitVersion
from tuyengiao.orgs.services import derive_member_keys, unit_keys


def add_units(
    parent: Unit, names: Sequence[str], *, prefix: str, kind: str, since: dt.date | None
) -> list[Unit]:
    """Children of ``parent`` named ``names``, codes ``<prefix><i>``, with their versions."""
    first = (Unit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    units = []
    for i, name in enumerate(names):
        code = f"{prefix}{i}"
        sort_key, search_key = unit_keys(name, code)
        units.append(
            Unit(
                pk=first + i,
                code=code,
                name=name,
                kind=kind,
                parent=parent,
                path=f"{parent.path}{first + i}/",
                depth=parent.depth + 1,
                valid_from=since,
                sort_key=sort_key,
                search_key=search_key,
            )
        )
    Unit.objects.bulk_create(units, batch_size=1000)
    UnitVersion.objects.bulk_create(
        [
            UnitVersion(
                unit=u,
                name=u.name,
                kind=u.kind,
                parent=parent,
                path=u.path,
                depth=u.depth,
                valid_from=since,
            )
            for u in units
        ],
        batch_size=1000,
    )
    _reset_sequences()
    return units


def add_members(units: Sequence[Unit], per_unit: int, *, prefix: str, since: dt.date) -> int:
    """``per_unit`` members in each of ``units``, with memberships from ``since``."""
    given = ["An", "Bình", "Cường", "Dung", "Đức", "Hà", "Lan", "Minh", "Nga", "Yến"]
    members = []
    for u in units:
        for k in range(per_unit):
            m = Member(
                code=f"{prefix}{u.pk}-{k}",
                family_name="Nguyễn",
                middle_name="Văn",
                given_name=given[k % len(given)],
            )
            derive_member_keys(m)
            members.append(m)
    Member.objects.bulk_create(members, batch_size=1000)
    ids = dict(Member.objects.filter(code__startswith=prefix).values_list("code", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(member_id=ids[f"{prefix}{u.pk}-{k}"], unit=u, valid_from=since)
            for u in units
            for k in range(per_unit)
        ],
        batch_size=1000,
    )
    hooks.members_changed({u.pk for u in units})  # as the services do after their writes
    return len(members)


def _reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    sql = connection.ops.sequence_reset_sql(no_style(), [Unit, UnitVersion])
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
