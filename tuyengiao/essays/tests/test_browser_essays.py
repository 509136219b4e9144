"""Real browser (issue 15, "done when"): a member writes an essay that is saved as they
type — also through a dropped connection — and hands it in; the cell secretary grades
it with the rubric and releases it; the copy check shows the passages side by side;
the member sees the grade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tuyengiao.essays.models import Essay, SimilarPair, State
from tuyengiao.tests.waits import wait_until
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    browser,
    page,
    shot,
    sign_in,
)

from .conftest import RESOLUTION, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = (
    "Qua học tập nghị quyết, tôi nhận thức rõ chi bộ phải phân công đảng viên trẻ hướng dẫn "
    "bà con cài ứng dụng định danh điện tử và bán chè trên mạng."
)
SECOND = (
    " Tôi cam kết thanh toán tiền điện nước bằng tài khoản ngân hàng và nhắc người thân cùng "
    "làm theo, tránh bị lừa đảo qua điện thoại."
)


def test_write_hand_in_grade_release_and_copy_check(
    page: Any,  # noqa: F811
    ew: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # a neighbour in the cell already handed in much the same essay
    record(ew.req, ew.w.members[1], RESOLUTION + " " + FIRST + SECOND + " Hết bài.")
    pk = ew.campaign.pk

    sign_in(page, "dangvien")
    page.wait_for_url("**/")
    page.goto(f"/bai-thu-hoach/dot/{pk}/")
    page.get_by_role("button", name="Viết bài").click()
    page.wait_for_url(f"**/bai-thu-hoach/dot/{pk}/viet/")
    area = page.locator("#essay-text")
    area.fill(RESOLUTION + " " + FIRST)
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Đã lưu')"
    )
    assert FIRST in Essay.objects.get(member=ew.w.members[0]).text

    # the connection drops while the member types: the text stays on the device and is
    # sent when the connection is back
    page.context.set_offline(True)
    area.press("End")
    area.type(SECOND, delay=0)
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Mất kết nối')"
    )
    assert "bai-thu-hoach" in page.evaluate("Object.keys(localStorage).join(',')")
    shot(page, "60-bai-thu-hoach-mat-ket-noi")
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Đã lưu')",
        timeout=40_000,
    )
    assert Essay.objects.get(member=ew.w.members[0]).text.endswith(SECOND.strip())

    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url("**/bai-thu-hoach/bai/*/")
    assert "Kết quả chấm chưa được công bố" in page.content()
    essay = Essay.objects.get(member=ew.w.members[0])
    assert essay.handed_in and not essay.late
    # handing in queued the copy check, which ran
    wait_until(lambda: SimilarPair.objects.filter(flagged=True).exists(), "the copy check")

    page.context.clear_cookies()
    sign_in(page, "chibo")
    page.wait_for_url("**/")
    page.goto(f"/bai-thu-hoach/dot/{pk}/")
    assert "đã chấm xong 0/2 bài" in page.content()
    page.get_by_role("link", name="Nguyễn Văn An").click()
    page.get_by_label("Tốt (4 điểm)").first.check()
    page.locator("fieldset").nth(1).get_by_label("Đạt (2 điểm)").check()
    page.get_by_label("Nhận xét").fill("Bài viết có liên hệ thực tế.")
    page.get_by_role("button", name="Chấm xong (chờ công bố)").click()
    page.wait_for_selector("text=Đã lưu kết quả chấm")
    essay.refresh_from_db()
    assert (essay.state, essay.grade, essay.points) == ("ready", "kha", Decimal(6))

    page.goto(f"/bai-thu-hoach/dot/{pk}/trung-lap/")
    assert "2 bài:" in page.content()
    page.get_by_role("link", name="So sánh").first.click()
    page.wait_for_selector("#side-by-side")
    sides = page.locator("#side-by-side article")
    assert sides.count() == 2
    for i in range(2):
        marked = " ".join(sides.nth(i).locator("mark").all_inner_texts())
        assert "đảng viên trẻ hướng dẫn" in marked
        assert "lực lượng sản xuất" not in marked  # quoting the resolution is not copying
    shot(page, "61-so-sanh-hai-bai")

    page.goto(f"/bai-thu-hoach/dot/{pk}/")
    page.get_by_role("button", name="Công bố kết quả").click()
    page.wait_for_selector("text=Đã công bố kết quả của 1 bài")
    essay.refresh_from_db()
    assert essay.state == State.RELEASED

    page.context.clear_cookies()
    sign_in(page, "dangvien")
    page.wait_for_url("**/")
    page.goto(f"/bai-thu-hoach/bai/{essay.pk}/")
    assert page.locator("#grade").inner_text() == "Khá"
    assert "Bài viết có liên hệ thực tế." in page.content()
    shot(page, "62-ket-qua-bai-thu-hoach")
