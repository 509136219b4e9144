"""Real browser: register a plan with a task, see it overdue on the unit page, report
progress with a file, record an inspection with a follow-up task, and find the figures
in the downloaded report (issue 16, "done when")."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tuyengiao.followup.models import Evidence, Inspection, Programme, Task
from tuyengiao.tests import factories
from tuyengiao.trust.tests.test_browser import (  # noqa: F401
    PASSWORD,
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_ready(tab: Any) -> None:
    tab.wait_for_load_state("load")
    tab.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def _pick_unit(tab: Any, picker: str, search: str, code: str) -> None:
    _htmx_ready(tab)
    with tab.expect_response(lambda r: "/tim-don-vi/" in r.url, timeout=30_000):
        tab.locator(f"#chon-{picker} input[type=search]").fill(search)
    tab.locator(f"#chon-{picker}-results input[value='{code}']").check()


def test_plan_progress_inspection_and_report(
    page: Any,  # noqa: F811
    world: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    resolution = factories.document("57-NQ/TW", day=dt.date(2024, 12, 22))
    plan = factories.document(
        "15-KH/ĐU",
        "Kế hoạch thực hiện Nghị quyết 57-NQ/TW",
        day=dt.date(2025, 9, 1),
        kind="Kế hoạch",
    )
    sign_in(page, "xa")

    # 1. the plan: a registered document that implements the resolution
    page.goto("/thuc-hien/chuong-trinh/them/")
    page.locator(f"#chon-van_ban-results input[value='{plan.pk}']").check()
    page.locator(f"#chon-thuc_hien-results input[value='{resolution.pk}']").check()
    shot(page, "60-ghi-ke-hoach")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="Giao nhiệm vụ", exact=True).wait_for()
    programme = Programme.objects.get(document=plan)
    assert programme.unit == world.commune
    page.get_by_text("Nghị quyết 57-NQ/TW").first.wait_for()

    # 2. a task for a cell, already past its deadline
    page.get_by_role("button", name="Giao nhiệm vụ", exact=True).click()
    page.get_by_label("Mã nhiệm vụ").fill("NV-B1")
    page.get_by_label("Nội dung").fill("Tổ chức học tập Nghị quyết ở chi bộ")
    _pick_unit(page, "unit", "chi bo ban mot", "CB1")
    page.locator("input[name=deadline]").fill("30/09/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/thuc-hien/nhiem-vu/NV-B1/")
    assert page.locator("#task-state").inner_text() == "Quá hạn"

    # 3. the commune's page shows it overdue (lazily loaded panel)
    page.goto(f"/don-vi/{world.commune.code}/")
    page.locator("#followup-tasks").get_by_text("1 nhiệm vụ quá hạn").wait_for()
    shot(page, "61-don-vi-nhiem-vu-qua-han")

    # 4. progress with an evidence file, reported done
    evidence = tmp_path / "bien-ban.txt"
    evidence.write_text("Biên bản học tập", encoding="utf-8")
    page.goto("/thuc-hien/nhiem-vu/NV-B1/")
    page.get_by_label("Tóm tắt tiến độ").fill("Chi bộ đã học tập, 3/3 đảng viên tham gia")
    page.locator("input[name=day]").fill("15/10/2025")
    page.locator("input[name=tep]").set_input_files(str(evidence))
    page.get_by_label("Đã hoàn thành nhiệm vụ").check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_role("link", name="bien-ban.txt").wait_for()
    assert page.locator("#task-state").inner_text() == "Hoàn thành trễ hạn"
    shot(page, "62-bao-cao-tien-do")
    assert Task.objects.get(code="NV-B1").done_on == dt.date(2025, 10, 15)
    assert Evidence.objects.get().name == "bien-ban.txt"

    # 5. an inspection of the cell, with a follow-up task on its recommendation
    page.goto("/thuc-hien/kiem-tra/them/")
    page.get_by_label("Mã cuộc").fill("KT-B1")
    page.get_by_label("Loại").select_option(label="Kiểm tra")
    page.locator("input[name=date_from]").fill("01/10/2025")
    page.locator("input[name=date_to]").fill("03/10/2025")
    page.get_by_label("Kết luận").fill("Chi bộ học tập nghiêm túc")
    page.get_by_label("Kiến nghị").fill("Xây dựng kế hoạch thực hiện trước 30/11/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/thuc-hien/kiem-tra/KT-B1/")
    page.get_by_text("Thêm tổ chức đảng hoặc sửa số đảng viên").click()
    _pick_unit(page, "target", "chi bo ban mot", "CB1")
    page.get_by_label("Số đảng viên").fill("3")
    page.get_by_role("button", name="Ghi tổ chức đảng").click()
    page.locator("#targets").get_by_text("Chi bộ bản Một").wait_for()
    page.get_by_role("button", name="Giao nhiệm vụ thực hiện kiến nghị").click()
    page.get_by_label("Mã nhiệm vụ").fill("KN-B1")
    page.get_by_label("Nội dung").fill("Xây dựng kế hoạch thực hiện")
    _pick_unit(page, "unit", "chi bo ban mot", "CB1")
    page.locator("input[name=deadline]").fill("30/11/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/thuc-hien/nhiem-vu/KN-B1/")
    shot(page, "63-kien-nghi")
    assert Task.objects.get(code="KN-B1").inspection == Inspection.objects.get(code="KT-B1")

    # 6. the figures in the report
    page.goto("/bao-cao/lap-bao-cao/")
    page.locator("select[name=unit]").select_option(world.commune.code)
    page.get_by_label("Từ ngày").fill("01/09/2025")
    page.get_by_label("Đến ngày").fill("31/12/2025")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("button", name="Tải về")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số cuộc kiểm tra"] == 1
    assert summary["Tổ chức đảng được kiểm tra"] == 1
    assert summary["Đảng viên được kiểm tra"] == 3
    assert summary["Số nhiệm vụ"] == 2
    assert summary["Nhiệm vụ hoàn thành trễ hạn"] == 1
    assert summary["Nhiệm vụ quá hạn"] == 1  # KN-B1, due 30/11/2025, not done by 31/12

    page.goto("/bao-cao/?don_vi=XA1&tu=01/09/2025&den=31/12/2025")
    page.get_by_text("Công tác kiểm tra, giám sát, khảo sát").first.wait_for()
    shot(page, "64-tong-hop-kiem-tra")

    # 7. the pages fit a phone
    phone = page.context.browser.new_context(
        base_url=page.url.split("/bao-cao")[0],
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    mobile = phone.new_page()
    sign_in(mobile, "xa")
    mobile.wait_for_url(lambda u: "/dang-nhap/" not in u)
    for url in (
        "/thuc-hien/chuong-trinh/",
        f"/thuc-hien/chuong-trinh/{programme.pk}/",
        "/thuc-hien/nhiem-vu/",
        "/thuc-hien/nhiem-vu/NV-B1/",
        "/thuc-hien/kiem-tra/",
        "/thuc-hien/kiem-tra/KT-B1/",
        f"/thuc-hien/don-vi/{world.commune.code}/",
    ):
        mobile.goto(url)
        assert "/dang-nhap/" not in mobile.url and mobile.locator("h1, h2").count()
        width = mobile.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide on a phone"
    shot(mobile, "65-dien-thoai-kiem-tra")
    phone.close()
