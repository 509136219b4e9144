"""Real browser (issue 15, "done when"): a GIFT and an Aiken file in Vietnamese are
uploaded into a bank; a contest round with a time limit runs; the member goes offline
in the middle of the attempt and back, and no answer is lost; the ranking follows the
rules (score, then the guess's error, then duration, then submission time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tuyengiao.contests import services
from tuyengiao.contests.models import Answer, Attempt, Question
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    browser,
    page,
    shot,
    sign_in,
)

from .conftest import AIKEN, BODY, GIFT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page: Any, name: str, text: str) -> None:  # noqa: F811
    page.goto("/cuoc-thi/ngan-hang/NH-57/")
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã nhập", exact=True).wait_for(timeout=30_000)


def _visitor(rnd: Any, world: Any, name: str, right: int, guess: int, seconds: int) -> None:
    """A visitor of the contest who finished before the member."""
    participant = services.participant_public(
        actor=SYSTEM, contest=rnd.contest, full_name=name, unit_code=world.commune.code
    )
    start = timezone.now() - dt.timedelta(minutes=20)
    attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant, now=start)
    keys = dict(Question.objects.values_list("pk", "answer"))
    for k, (qid, order) in enumerate(attempt.layout):
        choice = keys[qid] if k < right else (keys[qid] + 1) % len(order)
        services.answer_save(
            actor=SYSTEM, attempt=attempt, question_id=qid, choice=choice, now=start
        )
    services.guess_save(actor=SYSTEM, attempt=attempt, guess=guess, now=start)
    services.attempt_submit(
        actor=SYSTEM, attempt=attempt, now=start + dt.timedelta(seconds=seconds)
    )


def test_import_run_a_round_go_offline_and_back_and_rank(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    factories.document(body=BODY)
    sign_in(page, "xa")
    page.goto("/cuoc-thi/ngan-hang/tao/")
    page.get_by_label("Mã ngân hàng").fill("NH-57")
    page.get_by_label("Tên ngân hàng").fill("Câu hỏi Nghị quyết 57")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/cuoc-thi/ngan-hang/NH-57/")
    _upload(page, "nghi-quyet-57.gift", GIFT)
    _upload(page, "nghi-quyet-57-aiken.txt", AIKEN)
    page.goto("/cuoc-thi/ngan-hang/NH-57/")
    page.get_by_role("button", name="Duyệt tất cả câu nháp").click()
    page.get_by_text("Đã duyệt 5 câu hỏi.").wait_for()
    shot(page, "60-ngan-hang-cau-hoi")
    assert Question.objects.filter(status="da_duyet").count() == 5
    assert Question.objects.get(text__startswith="Chi cho").paragraph == 3

    page.goto("/cuoc-thi/tao/")
    page.get_by_label("Mã cuộc thi").fill("THI-57")
    page.get_by_label("Tên cuộc thi").fill("Tìm hiểu Nghị quyết 57-NQ/TW")
    page.get_by_label("Mã ngân hàng câu hỏi").fill("NH-57")
    page.get_by_label("Đối tượng", exact=True).select_option("cong_khai")
    page.get_by_label("Số câu mỗi lượt").fill("5")
    page.get_by_label("Có câu dự đoán số người trả lời đúng tất cả").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/cuoc-thi/THI-57/")
    now = timezone.localtime()
    page.get_by_text("Thêm vòng thi").click()
    page.get_by_label("Mở lúc").fill((now - dt.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M"))
    page.get_by_label("Đóng lúc").fill((now + dt.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M"))
    page.get_by_label("Thời gian mỗi lượt (phút)").fill("10")
    page.get_by_role("button", name="Thêm vòng").click()
    page.get_by_role("button", name="Vào thi vòng 1").wait_for()
    rnd = world.commune.contests.get().rounds.get()
    assert rnd.time_limit_seconds == 600

    # Three visitors finished earlier: full marks guessing 2 (slow), full marks
    # guessing 5, and four right.
    _visitor(rnd, world, "Lò Thị Khách", 5, 2, 300)
    _visitor(rnd, world, "Cầm Văn Khách", 5, 5, 100)
    _visitor(rnd, world, "Vi Văn Khách", 4, 3, 50)

    page.context.clear_cookies()
    sign_in(page, "dangvien")
    page.goto("/cuoc-thi/THI-57/")
    page.get_by_role("button", name="Vào thi vòng 1").click()
    page.wait_for_url("**/cuoc-thi/bai/*/")
    attempt = Attempt.objects.get(participant__member=world.members[0])
    keys = dict(Question.objects.values_list("pk", "answer"))
    layout = attempt.layout
    page.locator("#con-lai").get_by_text("Còn 9 phút").wait_for()  # the server's deadline

    def choose(qid: int) -> None:
        page.locator(f"input[name='q-{qid}'][value='{keys[qid]}']").check()

    choose(layout[0][0])
    page.locator(f"[data-ack='{layout[0][0]}']").get_by_text("Đã lưu").wait_for()
    page.context.set_offline(True)
    for qid, _ in layout[1:]:
        choose(qid)
    page.get_by_label("Câu dự đoán").fill("3")
    page.get_by_label("Câu dự đoán").dispatch_event("change")
    page.locator("#bai-thi[data-pending='5']").wait_for()
    shot(page, "61-bai-thi-mat-ket-noi")
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('tg-bai-{attempt.key}'))")
    assert sorted(stored) == sorted([str(qid) for qid, _ in layout[1:]] + ["g"])
    assert Answer.objects.filter(attempt=attempt).count() == 1  # the rest is on the phone
    page.context.set_offline(False)
    page.locator("#bai-thi[data-pending='0']").wait_for(timeout=30_000)
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "choice"))
    assert saved == {qid: keys[qid] for qid, _ in layout}  # nothing lost
    attempt.refresh_from_db()
    assert attempt.guess == 3

    page.reload()  # reopening resumes: the same attempt, the answers checked
    for qid, _ in layout:
        assert page.locator(f"input[name='q-{qid}'][value='{keys[qid]}']").is_checked()
    page.get_by_role("button", name="Nộp bài").click()
    page.get_by_text("Kết quả: 5/5 câu đúng.").wait_for()

    # Full marks: 3 people (Lò, Cầm, the member). Errors: member |3-3| = 0, Lò 1,
    # Cầm 2; Vi has four right so comes last.
    page.goto("/cuoc-thi/THI-57/vong/1/xep-hang/")
    shot(page, "62-xep-hang")
    names = page.locator("#xep-hang tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Nguyễn Văn An", "Lò Thị Khách", "Cầm Văn Khách", "Vi Văn Khách"]
    page.get_by_text("3 người trả lời đúng tất cả").wait_for()


def test_a_visitor_finds_their_unit_among_many_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    many_units_contest: Any,
) -> None:
    """A public contest open to more units than the page lists: on a phone the visitor
    types part of their unit's name without diacritics, picks it and enters the round."""
    from tuyengiao.contests import views
    from tuyengiao.contests.models import Participant

    contest = many_units_contest
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        phone.goto(f"/cuoc-thi/{contest.code}/tu-do/")
        phone.wait_for_function("() => window.htmx !== undefined")
        assert phone.locator("#unit-options option").count() == views.PUBLIC_UNITS_SHOWN
        phone.get_by_label("Họ và tên").fill("Lò Thị Mai")
        phone.get_by_label("Tìm đơn vị").fill("thon 059")
        phone.locator("#unit-options option").filter(has_text="059").wait_for(state="attached")
        phone.wait_for_function(
            "() => document.querySelectorAll('#unit-options option').length === 1"
        )
        shot(phone, "66-cuoc-thi-tim-don-vi-dien-thoai")
        phone.get_by_role("button", name="Vào thi").click()
        phone.wait_for_url("**/bai/**")
        participant = Participant.objects.get(contest=contest)
        assert (participant.full_name, participant.unit.code) == ("Lò Thị Mai", "CB-059")
    finally:
        context.close()
