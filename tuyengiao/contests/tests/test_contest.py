"""Rounds, attempts, answers and the ranking: the server keeps the time, the order is
frozen per attempt, each answer is saved once per question (newest wins) and
acknowledged, reopening resumes, the ranking follows score, guess error, duration,
submission time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tuyengiao.contests import selectors, services
from tuyengiao.contests.models import Answer, Attempt, Participant
from tuyengiao.orgs.access import SYSTEM

from .conftest import NOW, contest_with_round

pytestmark = pytest.mark.django_db


_contest = contest_with_round


def _answer_all(attempt: Attempt, right: bool = True) -> None:
    from tuyengiao.contests.models import Question

    keys = dict(Question.objects.values_list("pk", "answer"))
    for qid, order in attempt.layout:
        choice = keys[qid] if right else (keys[qid] + 1) % len(order)
        services.answer_save(
            actor=SYSTEM,
            attempt=attempt,
            question_id=qid,
            choice=choice,
            seq=1,
            now=attempt.started_at,
        )


def test_member_starts_resumes_and_order_is_frozen(
    filled: Any, world: Any, client_for: Any
) -> None:
    contest = _contest(filled, world)
    client = client_for("member")
    start = reverse("contests:start", args=[contest.code, 1])
    first = client.post(start)
    again = client.post(start)
    assert first["Location"] == again["Location"]  # reopening resumes
    attempt = Attempt.objects.get()
    assert attempt.deadline_at == attempt.started_at + dt.timedelta(seconds=300)
    page = client.get(first["Location"]).content.decode()
    positions = [page.index(f'id="cau-{qid}"') for qid, _ in attempt.layout]
    assert positions == sorted(positions)  # the frozen order is the page's order
    again_page = client.get(first["Location"]).content.decode()
    assert [again_page.index(f'id="cau-{qid}"') for qid, _ in attempt.layout] == positions
    for qid, order in attempt.layout:  # the choices too, in their frozen order
        shown = [again_page.index(f'name="q-{qid}" value="{k}"') for k in order]
        assert shown == sorted(shown)


def test_answer_is_acknowledged_idempotent_and_newest_wins(
    filled: Any, world: Any, client_for: Any
) -> None:
    contest = _contest(filled, world)
    client = client_for("member")
    location = client.post(reverse("contests:start", args=[contest.code, 1]))["Location"]
    attempt = Attempt.objects.get()
    qid = next(q for q, order in attempt.layout if len(order) == 3)
    url = reverse("contests:answer", args=[attempt.key])
    got = client.post(url, {"q": qid, "c": 1, "s": 10})
    assert got.json() == {"ok": True, "q": qid, "s": 10}
    assert client.post(url, {"q": qid, "c": 1, "s": 10}).json()["ok"]  # resent
    assert client.post(url, {"q": qid, "c": 2, "s": 12}).json()["ok"]
    assert client.post(url, {"q": qid, "c": 0, "s": 11}).json()["ok"]  # late, older
    assert list(Answer.objects.values_list("question_id", "choice", "seq")) == [(qid, 2, 12)]
    assert 'value="2" checked' in client.get(location).content.decode()
    assert client.post(url, {"q": 999999, "c": 0}).status_code == 409
    assert client.post(url, {"q": qid, "c": 7}).status_code == 409
    assert client.post(url, {"q": "x"}).status_code == 400
    # someone else's attempt is not found
    assert client_for("secretary").post(url, {"q": qid, "c": 1}).status_code == 404


def test_the_server_keeps_the_time(filled: Any, world: Any) -> None:
    contest = _contest(filled, world)
    participant = services.participant_for_user(actor=world.users["member"], contest=contest)
    rnd = contest.rounds.get()
    attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=NOW)
    qid = attempt.layout[0][0]
    late = attempt.deadline_at + dt.timedelta(seconds=16)
    with pytest.raises(ValidationError, match="hết thời gian"):
        services.answer_save(actor=SYSTEM, attempt=attempt, question_id=qid, choice=0, now=late)
    _answer_all(attempt)
    assert services.round_close_expired(actor=SYSTEM, round_=rnd, now=late) == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline_at and attempt.score == attempt.total == 5
    # a second attempt is allowed (2 per round), a third is not
    second = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=late)
    services.attempt_submit(actor=SYSTEM, attempt=second, now=late)
    with pytest.raises(ValidationError, match="hết 2 lượt"):
        services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=late)


def test_eligibility_by_units(filled: Any, world: Any) -> None:
    contest = _contest(filled, world, units=[world.cell2])
    with pytest.raises(PermissionDenied):
        services.participant_for_user(actor=world.users["member"], contest=contest)  # in CB1
    assert Participant.objects.count() == 0


def _finished(
    rnd: Any, name: str, score: int, guess: int | None, seconds: int, at: int, world: Any
) -> Attempt:
    participant = services.participant_public(
        actor=SYSTEM, contest=rnd.contest, full_name=name, unit_code=world.commune.code
    )
    start = NOW - dt.timedelta(minutes=30) + dt.timedelta(seconds=at)
    attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=start)
    from tuyengiao.contests.models import Question

    keys = dict(Question.objects.values_list("pk", "answer"))
    for k, (qid, order) in enumerate(attempt.layout):
        choice = keys[qid] if k < score else (keys[qid] + 1) % len(order)
        services.answer_save(
            actor=SYSTEM, attempt=attempt, question_id=qid, choice=choice, now=start
        )
    if guess is not None:
        services.guess_save(actor=SYSTEM, attempt=attempt, guess=guess, now=start)
    services.attempt_submit(
        actor=SYSTEM, attempt=attempt, now=start + dt.timedelta(seconds=seconds)
    )
    return attempt


def test_ranking_score_then_guess_error_then_duration_then_submission(
    filled: Any, world: Any
) -> None:
    contest = _contest(filled, world, audience="cong_khai", ask_guess=True)
    rnd = contest.rounds.get()
    # Three people get everything right, so the true count of full marks is 3.
    _finished(rnd, "Lò Văn Ba", 5, 3, 200, 0, world)  # exact guess, slow
    _finished(rnd, "Hoàng Thị Bốn", 5, 4, 100, 1, world)  # guess off by 1
    _finished(rnd, "Cầm Văn Một", 5, 3, 150, 2, world)  # exact guess, faster
    _finished(rnd, "Giàng A Hai", 4, 3, 10, 3, world)  # one wrong: last whatever else
    _finished(rnd, "Vàng Thị Năm", 5, 2, 100, 50, world)  # off by 1, same time, later
    result = selectors.ranking(rnd)
    assert result.full_marks == 4
    # with four at full marks: errors 1, 0, 1, -, 2
    assert [r.name for r in result.rows] == [
        "Hoàng Thị Bốn",  # |4-4| = 0
        "Cầm Văn Một",  # |3-4| = 1, 150 s
        "Lò Văn Ba",  # |3-4| = 1, 200 s
        "Vàng Thị Năm",  # |2-4| = 2
        "Giàng A Hai",  # 4/5
    ]
    assert [r.rank for r in result.rows] == [1, 2, 3, 4, 5]


def test_ranking_ties_on_duration_go_to_the_earlier_submission(filled: Any, world: Any) -> None:
    contest = _contest(filled, world, audience="cong_khai")
    rnd = contest.rounds.get()
    _finished(rnd, "Sau", 5, None, 100, 20, world)
    _finished(rnd, "Trước", 5, None, 100, 10, world)
    _finished(rnd, "Nhanh", 5, None, 90, 30, world)
    assert [r.name for r in selectors.ranking(rnd).rows] == ["Nhanh", "Trước", "Sau"]


def test_best_attempt_counts(filled: Any, world: Any) -> None:
    contest = _contest(filled, world)
    rnd = contest.rounds.get()
    participant = services.participant_for_user(actor=world.users["member"], contest=contest)
    a = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant)
    _answer_all(a, right=False)
    services.attempt_submit(actor=SYSTEM, attempt=a)
    b = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant)
    _answer_all(b)
    services.attempt_submit(actor=SYSTEM, attempt=b)
    rows = selectors.ranking(rnd).rows
    assert [(r.score, r.attempts) for r in rows] == [(5, 2)]
    units = selectors.unit_results(contest)
    assert [(u.name, u.participants, u.members, u.attempts, u.full_marks) for u in units] == [
        ("Chi bộ bản Một", 1, 1, 2, 1)
    ]


def test_public_entry_keeps_only_name_and_unit(filled: Any, world: Any, client: Any) -> None:
    contest = _contest(filled, world, audience="cong_khai", units=[world.cell, world.cell2])
    url = reverse("contests:public", args=[contest.code])
    page = client.get(url).content.decode()
    assert "Chi bộ bản Hai" in page and "Chỉ lưu họ tên và đơn vị" in page
    response = client.post(url, {"full_name": "  Nguyễn  Thị Hoa ", "unit": world.cell2.code})
    assert response.status_code == 302
    p = Participant.objects.get()
    assert (p.full_name, p.unit, p.member, p.user) == ("Nguyễn Thị Hoa", world.cell2, None, None)
    attempt = Attempt.objects.get()
    assert client.get(response["Location"]).status_code == 200
    qid = attempt.layout[0][0]
    answer = client.post(reverse("contests:answer", args=[attempt.key]), {"q": qid, "c": 0, "s": 1})
    assert answer.json()["ok"]
    # another browser without the cookie: sent to sign in, never to the attempt
    from django.test import Client

    other = Client().get(response["Location"])
    assert other.status_code == 302 and "/dang-nhap/" in other["Location"]
    assert (
        client.post(url, {"full_name": "x", "unit": "KHAC"}).status_code == 302
    )  # cookie: resumes


def test_a_public_contest_of_many_units_offers_a_search(
    many_units_contest: Any, world: Any, client: Any
) -> None:
    """A contest open to units by the thousand: the page offers a bounded list and a
    search (the page was capped at 500 units, so the others could not enter); any of
    the contest's units can be named, one outside it cannot."""
    from tuyengiao.contests import views

    contest = many_units_contest
    url = reverse("contests:public", args=[contest.code])
    page = client.get(url).content.decode()
    assert page.count("<option ") == views.PUBLIC_UNITS_SHOWN
    assert 'name="tim"' in page and "Chi bộ thôn 059" not in page
    found = client.get(
        url, {"tim": "chi bo thon 059"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-options"
    ).content.decode()
    assert found.count("<option ") == 1 and 'value="CB-059"' in found
    assert "Đảng ủy xã Một" in found  # its parent, to tell units of one name apart
    assert "<html" not in found  # only the options
    none = client.get(
        url, {"tim": "khong co"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-options"
    ).content.decode()
    assert "Không tìm thấy đơn vị nào" in none
    outside = client.post(url, {"full_name": "Lê Văn Nam", "unit": world.cell.code})
    assert outside.status_code == 400
    assert "Hãy chọn đơn vị của bạn trong danh sách." in outside.content.decode()
    assert not Participant.objects.exists()
    entered = client.post(url, {"full_name": "Lê Văn Nam", "unit": "CB-059"})
    assert entered.status_code == 302
    assert Participant.objects.get().unit.code == "CB-059"


def test_practice_sends_a_wrong_answer_to_the_paragraph(
    filled: Any, world: Any, client_for: Any
) -> None:
    contest = _contest(filled, world, code="LT-57", kind="luyen_tap", n=6)
    client = client_for("member")
    client.post(reverse("contests:start", args=[contest.code, 1]))
    attempt = Attempt.objects.get()
    from tuyengiao.contests.models import Question

    q = Question.objects.get(text__startswith="Đến năm 2030")
    url = reverse("contests:answer", args=[attempt.key])
    wrong = client.post(url, {"q": q.pk, "c": 0, "s": 1}).json()
    target = reverse("contests:paragraph", args=[filled.document.pk])
    assert wrong["wrong"] is True and wrong["source"] == f"{target}?bai={attempt.key}#doan-2"
    assert "wrong" not in client.post(url, {"q": q.pk, "c": 1, "s": 2}).json()
    page = client.get(wrong["source"].split("#")[0]).content.decode()
    assert 'id="doan-2"' in page and "kinh tế số đạt tối thiểu 30% GDP" in page
    assert "Quay lại bài luyện tập" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_through_django_are_grouped_and_none_is_lost(
    world: Any,
) -> None:
    """Threads post answers at once through the whole middleware stack (CSRF
    enforced) for 12 visitors, each answering twice and resending; the process's
    queue writes them in groups on committed data: every acknowledged answer is in
    its row, newest choice kept."""
    import threading

    from django.db import connection
    from django.test import Client

    from tuyengiao.contests import services as s
    from tuyengiao.contests.models import Question
    from tuyengiao.tests import factories

    from .conftest import AIKEN

    factories.document(body="Một\nHai\nBa")
    bank = s.bank_create(actor=SYSTEM, code="NH-TT", name="Thử", unit=world.commune)
    s.questions_import(actor=SYSTEM, bank=bank, name="a.txt", data=AIKEN.encode())
    s.questions_set_status(actor=SYSTEM, bank=bank, status="da_duyet")
    contest = s.contest_create(
        actor=SYSTEM,
        code="THI-TT",
        title="Thử",
        unit=world.commune,
        bank=bank,
        audience="cong_khai",
    )
    rnd = s.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=NOW - dt.timedelta(hours=1),
        closes_at=NOW + dt.timedelta(hours=1),
    )
    csrf = "c" * 32
    work = []
    for i in range(12):
        p = s.participant_public(
            actor=SYSTEM, contest=contest, full_name=f"Khách {i}", unit_code="XA1"
        )
        a = s.attempt_start(actor=SYSTEM, round_=rnd, participant=p)
        client = Client(enforce_csrf_checks=True)
        client.cookies["tg_thi_sinh"] = p.token
        client.cookies["csrftoken"] = csrf
        for qid, _ in a.layout:
            work.append((client, a.key, {"q": qid, "c": 0, "s": 1}))
            work.append((client, a.key, {"q": qid, "c": 1, "s": 2}))
            work.append((client, a.key, {"q": qid, "c": 1, "s": 2}))  # resent
    groups_before = s._QUEUE.groups
    statuses: list[int] = []
    start = threading.Barrier(len(work))

    def post(client: Any, key: str, data: dict[str, int]) -> None:
        try:
            start.wait(30)
            url = reverse("contests:answer", args=[key])
            statuses.append(client.post(url, data, HTTP_X_CSRFTOKEN=csrf).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=w) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * len(work)
    assert s._QUEUE.groups > groups_before
    rows = list(Answer.objects.filter(attempt__round=rnd).values_list("choice", "seq"))
    assert len(rows) == 12 * 2 and set(rows) == {(1, 2)}
    assert Question.objects.filter(bank=bank).count() == 2


def test_organiser_creates_a_members_contest_on_the_web(
    filled: Any, world: Any, client_for: Any
) -> None:
    client = client_for("commune")
    response = client.post(
        reverse("contests:contest_new"),
        {
            "code": "THI-CHON",
            "title": "Thi chọn",
            "bank": "NH-57",
            "kind": "cuoc_thi",
            "audience": "dang_vien",
            "members": f"{world.members[3].code}",
            "questions_per_attempt": 3,
        },
    )
    assert response.status_code == 302
    from tuyengiao.contests.models import Contest

    contest = Contest.objects.get(code="THI-CHON")
    assert list(contest.members.all()) == [world.members[3]] and contest.unit == world.commune
    services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=NOW - dt.timedelta(hours=1),
        closes_at=NOW + dt.timedelta(hours=1),
    )
    refused = client_for("member").post(reverse("contests:start", args=["THI-CHON", 1]))
    assert refused.status_code == 403  # DV0 is not among those chosen
    client = client_for("commune")
    bad = client.post(
        reverse("contests:contest_new"),
        {**{"code": "THI-X", "title": "X", "bank": "NH-57", "kind": "cuoc_thi"}}
        | {"audience": "dang_vien", "members": "DVX1", "questions_per_attempt": 3},
    )
    assert bad.status_code == 400 and "trong phạm vi của bạn" in bad.content.decode()


def test_reopening_after_the_time_ran_out_shows_the_attempt_handed_in(
    filled: Any, world: Any, client_for: Any
) -> None:
    contest = _contest(filled, world)
    participant = services.participant_for_user(actor=world.users["member"], contest=contest)
    attempt = services.attempt_start(
        actor=SYSTEM,
        round_=contest.rounds.get(),
        participant=participant,
        now=NOW - dt.timedelta(minutes=30),
    )
    _answer_all(attempt)  # inside the test's transaction: written directly
    page = client_for("member").get(reverse("contests:attempt", args=[attempt.key]))
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline_at and attempt.score == 5
    assert "Kết quả: 5/5 câu đúng." in page.content.decode()


def test_a_contest_code_may_not_hide_an_address(filled: Any, world: Any) -> None:
    with pytest.raises(ValidationError, match="trùng với một địa chỉ"):
        _contest(filled, world, code="tao")
