"""The two reads every signed-in request makes, each as a prepared statement
(``lib.db.fetchone_hot``) on PostgreSQL:

- the session engine (``SESSION_ENGINE``): Django's database sessions, the same table,
  the same signed and expiring data;
- the user (``UserBackend``, in ``AUTHENTICATION_BACKENDS``): Django's ``ModelBackend``,
  whose ``get_user`` reads the same row.

Django plans its own queries on every call (it binds parameters on the client); the
session read was about a third of the database's CPU for a request that needs nothing else, such
as a QR check-in's (0,11-0,13 ms planned, 0,03 ms prepared, 2.000 reads each on the
province bench database). Only the read changes: what a session holds, how it is written,
rotated, expired and flushed are Django's. The user was read through the ORM, which
built its query on every request: prepared, an empty signed-in request on the province
check-in bench cost 1,15-1,29 ms of CPU instead of 1,8, its database part 0,09-0,12 ms
instead of 0,21 (``docs/benchmarks.md``). Only the read changes: authenticating,
permissions, the session's password hash check and ``is_active`` stay Django's."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Field
from django.utils import timezone

from tuyengiao.lib.db import fetchone_hot


@cache
def _read_sql() -> str:
    return (
        f"SELECT session_data, expire_date FROM {Session._meta.db_table} "  # noqa: S608  SQL text from code: the table name; values are parameters
        "WHERE session_key = %s AND expire_date > %s"
    )


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        """The unexpired row of this key (``None``, forgetting the key, when there is
        none), as Django's own read, in one prepared statement."""
        key = self.session_key
        if key is None:
            return None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        row = fetchone_hot(_read_sql(), [key, now])
        if row is None:
            self._session_key = None
            return None
        data, expires = row
        if isinstance(expires, str):  # raw SQLite
            expires = dt.datetime.fromisoformat(expires)
        return Session(session_key=key, session_data=data, expire_date=expires)


@cache
def _user_sql() -> tuple[str, list[str], Field[Any, Any]]:
    """The user row by primary key, every concrete field: the SQL, the fields' names
    and the primary key."""
    model = get_user_model()
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    pk = model._meta.pk
    if pk is None:  # a concrete model always has one
        raise ImproperlyConfigured("the user model has no primary key")
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608  SQL text from code: the model's columns; values are parameters
        f"FROM {quote(model._meta.db_table)} WHERE {quote(pk.column)} = %s"
    )
    return sql, [f.attname for f in fields], pk


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``; on PostgreSQL its ``get_user`` (every signed-in
    request, from the session's user id) reads the row with one prepared statement."""

    def get_user(self, user_id: object) -> User | None:
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        sql, names, pk = _user_sql()
        row = fetchone_hot(sql, [pk.to_python(user_id)])
        if row is None:
            return None
        user: User = get_user_model().from_db(connection.alias, names, row)
        return user if self.user_can_authenticate(user) else None
