"""The session engine (``trust/sessions.py``): Django's database sessions read with one
prepared statement; a signed-in member stays signed in, an expired or unknown session
signs nobody in, and the session is still written, rotated and flushed by Django. The
user backend: Django's ``ModelBackend`` with the user read prepared, the same user, and
Django's checks (``is_active``, the password hash of the session) still apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from tuyengiao.trust.sessions import SessionStore, UserBackend

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


def test_the_backend_reads_the_same_user_as_djangos() -> None:
    user = get_user_model().objects.create_user(
        "ut", password="x", first_name="Thử", last_name="Nguyễn", email="ut@example.vn"
    )
    ours, django = UserBackend().get_user(str(user.pk)), ModelBackend().get_user(user.pk)
    assert ours is not None and django is not None
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    assert [getattr(ours, f) for f in fields] == [getattr(django, f) for f in fields]
    assert ours.username == "ut" and ours.last_login is None
    assert UserBackend().get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert UserBackend().get_user(user.pk) is None


def test_a_changed_password_still_signs_the_session_out(world: Any) -> None:
    client = Client()
    user = world.members[0].user
    client.force_login(user)
    assert client.get("/hoc-tap/cua-toi/").status_code == 200
    user.set_password("một mật khẩu mới")
    user.save()
    response = client.get("/hoc-tap/cua-toi/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_user_read_is_prepared(world: Any) -> None:
    UserBackend().get_user(world.members[0].user.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "auth_user" WHERE%'],
        )
        assert cursor.fetchone() == (1,)
