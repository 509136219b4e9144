"""``lib.db.in_ids``: a long id list filters exactly as the list itself (one array
parameter on PostgreSQL), a short one is the list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tuyengiao.lib.db import in_ids

pytestmark = pytest.mark.django_db


def test_long_list_filters_as_the_list() -> None:
    User.objects.bulk_create([User(username=f"u{i}") for i in range(260)])
    pks = sorted(User.objects.values_list("pk", flat=True))
    wanted = [pk for pk in pks if pk % 2] + [max(pks) + 1000]  # one that does not exist
    assert len(wanted) > 100
    got = sorted(User.objects.filter(pk__in=in_ids(wanted)).values_list("pk", flat=True))
    assert got == [pk for pk in pks if pk % 2]
    if connection.vendor == "postgresql":
        sql, params = User.objects.filter(pk__in=in_ids(wanted)).query.sql_with_params()
        assert "unnest" in sql and len(params) == 1


def test_short_list_is_the_list() -> None:
    assert in_ids([1, 2, 3]) == [1, 2, 3]


def test_any_of_filters_as_in() -> None:
    """``field__any_of`` (``lib.pgcopy``): the rows ``__in`` gives, one array parameter on
    PostgreSQL; an empty list matches nothing; values are compared as text."""
    import tuyengiao.lib.pgcopy  # noqa: F401  (registers the lookup)

    User.objects.bulk_create([User(username=f"u{i}") for i in range(300)])
    wanted = [f"u{i}" for i in range(0, 300, 3)] + ["nobody", "u1'; --"]
    got = set(User.objects.filter(username__any_of=wanted).values_list("username", flat=True))
    assert got == set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    assert len(got) == 100
    assert not User.objects.filter(username__any_of=[]).exists()
    if connection.vendor == "postgresql":
        sql, params = User.objects.filter(username__any_of=wanted).query.sql_with_params()
        assert "= ANY(" in sql and len(params) == 1
