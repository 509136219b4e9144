"""``lib.db``: the hot statements really are prepared on PostgreSQL, and Django's
own queries are not (they must keep working behind a pooler in transaction mode)."""

from __future__ import annotations

import pytest
from django.db import connection

from tuyengiao.lib.db import fetchall_hot, fetchone_hot
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

HOT = "SELECT %(n)s::int + 1 AS hot_statement_probe"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_hot_statements_give_their_rows() -> None:
    assert fetchone_hot("SELECT %s + 1", [41]) == (42,)
    assert fetchall_hot("SELECT %s + 1 UNION ALL SELECT %s + 2", [1, 1]) == [(2,), (3,)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_hot_statement_is_prepared_once_and_django_queries_are_not() -> None:
    for n in range(3):
        assert fetchone_hot(HOT, {"n": n}) == (n + 1,)
    for pk in range(10):  # more than psycopg's default threshold of 5
        list(Unit.objects.filter(pk=pk)[:1])
    prepared = _prepared()
    assert [s for s in prepared if "hot_statement_probe" in s] != []
    assert len([s for s in prepared if "hot_statement_probe" in s]) == 1
    assert not [s for s in prepared if "orgs_unit" in s]
