"""Answering without an account, and anonymity by design: what a response stores,
what the database can hold, and that nothing else (audit log, cookies) records it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.selectors import today
from tuyengiao.surveys import services
from tuyengiao.surveys.models import Answer, Response, Survey, SurveyCode

from .conftest import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_survey(world: Any) -> Survey:
    return make_survey(
        world.province,
        date_from=today() - dt.timedelta(days=10),
        date_to=today() + dt.timedelta(days=10),
    )


def _url(survey: Survey, unit: Any) -> str:
    return reverse("surveys:answer", args=[services.link_token(survey, unit)])


def test_a_visitor_without_an_account_answers_and_only_unit_date_answers_are_kept(
    world: Any, open_survey: Survey
) -> None:
    anonymous = Client()
    page = anonymous.get(_url(open_survey, world.cell))
    assert page.status_code == 200
    assert "Cấp ủy, chính quyền" in page.content.decode()
    assert not page.cookies, "the answer page sets no cookie"
    done = anonymous.post(
        _url(open_survey, world.cell),
        {"vai_tro": "tot", "kenh": ["hoi_nghi", "mang"], "so_buoi": "3", "y_kien": "Rất bổ ích"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Phone 1.0",
    )
    assert done.status_code == 200, done.content.decode()[:500]
    assert "Cảm ơn bạn" in done.content.decode()
    assert not done.cookies
    response = Response.objects.get()
    assert (response.unit, response.date, response.source) == (world.cell, today(), "web")
    assert response.import_key == ""
    kept = sorted(
        (a.question.name, a.choice.name if a.choice else "", a.number, a.text)
        for a in Answer.objects.select_related("question", "choice")
    )
    assert kept == [
        ("kenh", "hoi_nghi", None, ""),
        ("kenh", "mang", None, ""),
        ("so_buoi", "", 3, ""),
        ("vai_tro", "tot", None, ""),
        ("y_kien", "", None, "Rất bổ ích"),
    ]
    # nothing in the database holds the address, the browser or the moment
    dump = _all_text()
    assert "203.0.113.7" not in dump and "Phone 1.0" not in dump
    assert (
        not LogEntry.objects.filter(content_type__app_label="surveys")
        .exclude(content_type__model="survey")
        .exists()
    )


def _all_text() -> str:
    """Every row of every surveys, audit, trust and import table as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(("surveys_", "auditlog_", "trust_", "imports_", "django_session")):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


def test_a_missing_required_answer_is_refused_and_nothing_is_kept(
    world: Any, open_survey: Survey
) -> None:
    page = Client().post(_url(open_survey, world.cell), {"kenh": ["mang"]})
    assert page.status_code == 400
    assert "Câu hỏi bắt buộc" in page.content.decode()
    assert not Response.objects.exists()


def test_a_forged_or_foreign_link_is_404(world: Any, open_survey: Survey) -> None:
    assert Client().get(reverse("surveys:answer", args=["1.2:forged"])).status_code == 404
    other = make_survey(world.commune, **{"date_from": open_survey.date_from})
    other.code = "KS-KHAC"  # a unit outside a survey's subtree cannot answer it
    token = services.link_token(other, world.sibling_cell)
    page = Client().post(reverse("surveys:answer", args=[token]), {"vai_tro": "tot"})
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_single_use_codes_let_each_code_answer_once_and_are_not_linked(
    world: Any, open_survey: Survey
) -> None:
    codes = services.codes_generate(actor=SYSTEM, survey=open_survey, count=2)
    url = _url(open_survey, world.commune)
    assert Client().post(url, {"vai_tro": "tot"}).status_code == 400  # no code
    assert Client().post(url, {"vai_tro": "tot", "ma_phieu": codes[0].lower()}).status_code == 200
    again = Client().post(url, {"vai_tro": "tot", "ma_phieu": codes[0]})
    assert again.status_code == 400 and "đã được dùng" in again.content.decode()
    assert Response.objects.count() == 1
    assert SurveyCode.objects.filter(used=True).count() == 1
    columns = {f.column for f in SurveyCode._meta.get_fields() if hasattr(f, "column")}
    assert columns == {"id", "survey_id", "code", "used"}


def test_a_closed_survey_takes_no_answer(world: Any, open_survey: Survey) -> None:
    services.survey_set_open(actor=SYSTEM, survey=open_survey, is_open=False)
    page = Client().post(_url(open_survey, world.cell), {"vai_tro": "tot"})
    assert page.status_code == 400
    assert not Response.objects.exists()


IDENTIFYING = (
    "user",
    "account",
    "member",
    "person",
    "name",
    "ip",
    "addr",
    "address",
    "agent",
    "device",
    "cookie",
    "session",
    "phone",
    "email",
    "time",
    "created",
    "updated",
    "uuid",
    "token",
)


def test_no_column_ties_a_response_to_a_person_account_address_or_device(
    world: Any, open_survey: Survey
) -> None:
    Client().post(_url(open_survey, world.cell), {"vai_tro": "tot", "y_kien": "x"})
    services.codes_generate(actor=SYSTEM, survey=open_survey, count=1)
    assert Response.objects.count() == 1
    user_tables = {"auth_user", "orgs_member", "orgs_assignment", "django_session"}
    with connection.cursor() as cursor:
        for model in (Response, Answer, SurveyCode):
            table = model._meta.db_table
            description = connection.introspection.get_table_description(cursor, table)
            names = [c.name for c in description]
            for name in names:
                words = set(name.lower().split("_"))
                assert not words & set(IDENTIFYING), f"{table}.{name}"
            relations = connection.introspection.get_relations(cursor, table)
            targets = {target_table for _col, (_field, target_table) in relations.items()}
            assert not targets & user_tables, f"{table} refers to {targets & user_tables}"
            assert targets <= {
                "surveys_survey",
                "surveys_response",
                "surveys_question",
                "surveys_choice",
                "orgs_unit",
            }, targets
    assert Response._meta.get_field("date").get_internal_type() == "DateField"  # no time
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "survey",
        "unit",
        "date",
        "source",
        "import_key",
    }
