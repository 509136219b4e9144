"""The session engine (``trust/sessions.py``): Django's database sessions read with one
prepared statement; a signed-in member stays signed in, an expired or unknown session
signs nobody in, and the session is still written, rotated and flushed by Django."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from tuyengiao.trust.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_in_use_is_this_one() -> None:
    assert settings.SESSION_ENGINE == "tuyengiao.trust.sessions"


def test_a_signed_in_session_reads_back(world: Any) -> None:
    client = Client()
    client.force_login(world.members[0].user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(session_key=key)
    assert store["_auth_user_id"] == str(world.members[0].user.pk)
    assert store.session_key == key
    response = client.get("/hoc-tap/cua-toi/")
    assert response.status_code == 200  # signed in: the page, not the sign-in form


def test_an_expired_session_signs_nobody_in(world: Any) -> None:
    client = Client()
    client.force_login(world.members[0].user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    store = SessionStore(session_key=key)
    assert store.load() == {}
    assert store.session_key is None  # forgotten: a new key is made if it is saved
    response = client.get("/hoc-tap/cua-toi/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_an_unknown_key_reads_as_empty_and_a_save_makes_a_new_one() -> None:
    store = SessionStore(session_key="x" * 32)
    assert store.load() == {}
    store["k"] = 1
    store.save()
    assert store.session_key not in (None, "x" * 32)
    assert SessionStore(session_key=store.session_key)["k"] == 1


def test_sign_out_flushes_the_row(world: Any) -> None:
    client = Client()
    client.force_login(world.members[0].user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/dang-xuat/")
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_read_is_prepared(world: Any) -> None:
    client = Client()
    client.force_login(world.members[0].user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    SessionStore(session_key=key).load()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%django_session%"],
        )
        assert cursor.fetchone() == (1,)
