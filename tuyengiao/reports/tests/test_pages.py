from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as open_docx
from pytest_django.fixtures import Settings

from tuyengiao.reports.models import ReportRequest

if TYPE_CHECKING:
    from conftest import ClientFor
    from tuyengiao.reports.tests.conftest import ReportWorld

PERIOD = {"tu": "01/01/2025", "den": "31/12/2025"}
IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,  # the test transaction never commits
    }
}
# (see ReportsConfig.ready for the Python 3.11 repair that makes enqueue work at all)


def _work() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_dashboard_shows_figures_charts_and_lagging_units(
    data: ReportWorld, client_for: ClientFor
) -> None:
    page = client_for("commune").get(reverse("reports:dashboard"), PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đảng ủy xã Một" in html and "<svg" in html
    assert "Chi bộ bản Một" in html and "33,33%" in html  # below the 95% target
    assert reverse("reports:unit", kwargs={"code": "CB1"}) in html  # drill-down


def test_dashboard_explains_a_reversed_range_and_an_empty_period(
    data: ReportWorld, client_for: ClientFor
) -> None:
    client = client_for("province")
    html = client.get(reverse("reports:dashboard"), {"tu": "31/12/2025", "den": "01/01/2025"})
    assert "đứng trước" in html.content.decode()
    html = client.get(reverse("reports:dashboard"), {"tu": "01/01/2020", "den": "31/01/2020"})
    assert "Không có hội nghị nào" in html.content.decode()
    html = client.get(reverse("reports:dashboard"), {"tu": "32/01/2020"})
    assert "ngày không hợp lệ" in html.content.decode()


def test_an_empty_part_of_a_cells_dashboard_says_one_sentence_and_no_broken_ones(
    data: ReportWorld, client_for: ClientFor
) -> None:
    html = (
        client_for("secretary")
        .get(reverse("reports:unit", kwargs={"code": "CB1"}), PERIOD)
        .content.decode()
    )
    # the inspections and programmes parts are empty: their sentence only, not
    # "đã tiến hành ." or "Thực hiện 0 chương trình" in the tables below it
    assert "chưa ghi cuộc kiểm tra, giám sát, khảo sát nào của Chi bộ bản Một." in html
    assert "đã tiến hành ." not in html and "Thực hiện 0 chương trình" not in html
    assert "trực thuộc" not in html.split("<main", 1)[1].replace("Xem bảng theo đơn vị", "")
    # a cell that held none is not listed as its own "unit without a conference"
    other = client_for("commune").get(reverse("reports:unit", kwargs={"code": "CB2"}), PERIOD)
    assert "Chi bộ bản Hai" in other.content.decode()
    assert "Đơn vị cơ sở chưa tổ chức hội nghị" not in other.content.decode()
    commune = client_for("commune").get(reverse("reports:unit", kwargs={"code": "XA1"}), PERIOD)
    assert "Đơn vị cơ sở chưa tổ chức hội nghị (1)" in commune.content.decode()
    html = (
        client_for("secretary")
        .get(
            reverse("reports:unit", kwargs={"code": "CB1"}),
            {"tu": "01/01/2020", "den": "31/01/2020"},
        )
        .content.decode()
    )
    assert "Không có số liệu nào của Chi bộ bản Một từ ngày 01/01/2020" in html


def test_report_page_refuses_a_unit_outside_scope_with_a_message(
    data: ReportWorld, client_for: ClientFor
) -> None:
    form = {
        "unit": "XA2",
        "date_from": "01/01/2025",
        "date_to": "31/12/2025",
        "structure": "today",
        "format": "docx",
    }
    page = client_for("commune").post(reverse("reports:new"), form)
    assert page.status_code == 200
    assert "nằm ngoài phạm vi" in page.content.decode()
    page = client_for("commune").post(
        reverse("reports:new"), form | {"unit": "XA1", "date_from": "31/12/2026"}
    )
    assert "đứng trước" in page.content.decode()
    assert not ReportRequest.objects.exists()


def test_member_may_not_produce_reports(data: ReportWorld, client_for: ClientFor) -> None:
    assert client_for("member").get(reverse("reports:new")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_report_is_queued_for_the_database_worker(data: ReportWorld, client_for: ClientFor) -> None:
    client = client_for("commune")
    form = {
        "unit": "XA1",
        "date_from": "01/01/2025",
        "date_to": "31/12/2025",
        "structure": "today",
        "format": "docx",
    }
    page = client.post(reverse("reports:new"), form)
    queued = client.get(page["Location"]).content.decode()
    assert "Đang chờ" in queued and "every 2s" in queued  # the page polls until done
    _work()
    done = client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in done and "Tải về" in done and "every 2s" not in done


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])  # JSON: the command line (test_formats)
def test_report_runs_in_the_background_and_downloads(
    data: ReportWorld, client_for: ClientFor, settings: Settings, fmt: str
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("province")
    form = {
        "unit": "XA1",
        "date_from": "01/01/2025",
        "date_to": "31/12/2025",
        "structure": "asof",
        "format": fmt,
    }
    page = client.post(reverse("reports:new"), form)
    job = ReportRequest.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "reports:request", kwargs={"pk": job.pk}
    )
    status = client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in status and "Tải về" in status
    got = client.get(reverse("reports:download", kwargs={"pk": job.pk}))
    assert got.status_code == 200 and f".{fmt}" in got["Content-Disposition"]
    if fmt == "docx":
        text = "\n".join(p.text for p in open_docx(io.BytesIO(got.content)).paragraphs)
        assert "đã tổ chức 2 hội nghị với 8 lượt người" in text


def test_background_report_of_an_empty_period_fails_with_a_message(
    data: ReportWorld, client_for: ClientFor, settings: Settings
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("province")
    form = {
        "unit": "TINH",
        "date_from": "01/01/2020",
        "date_to": "31/01/2020",
        "structure": "today",
        "format": "docx",
    }
    page = client.post(reverse("reports:new"), form)
    html = client.get(page["Location"]).content.decode()
    assert "Không có hội nghị nào" in html and "Tải về" not in html
    assert (
        client.get(
            reverse("reports:download", kwargs={"pk": ReportRequest.objects.get().pk})
        ).status_code
        == 302
    )


def test_dashboard_opens_on_the_latest_year_with_data(
    data: ReportWorld, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from tuyengiao.reports import views

    monkeypatch.setattr(views, "today", lambda: dt.date(2026, 5, 1))
    html = client_for("commune").get(reverse("reports:dashboard")).content.decode()
    assert 'name="tu" value="01/01/2025"' in html and 'name="den" value="31/12/2025"' in html
    assert "Năm 2026 chưa có hội nghị nào; đang xem năm 2025" in html
    assert "Không có hội nghị nào" not in html
    # a chosen period is kept as chosen
    chosen = client_for("commune").get(reverse("reports:dashboard"), {"tu": "01/01/2026"})
    assert 'name="tu" value="01/01/2026"' in chosen.content.decode()
    # a unit with no session at all says so
    empty = client_for("province").get(reverse("reports:unit", kwargs={"code": "CB2"}))
    assert "Chưa có hội nghị nào được ghi nhận." in empty.content.decode()


def test_dashboard_breadcrumb_links_ancestors_within_scope(
    data: ReportWorld, client_for: ClientFor
) -> None:
    cb1 = reverse("reports:unit", kwargs={"code": "CB1"})
    html = client_for("province").get(cb1, PERIOD).content.decode()
    crumb = html[
        html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))
    ]
    assert reverse("reports:unit", kwargs={"code": "TINH"}) in crumb
    assert reverse("reports:unit", kwargs={"code": "XA1"}) in crumb
    assert "Chi bộ bản Một" in crumb
    html = client_for("commune").get(cb1, PERIOD).content.decode()
    crumb = html[
        html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))
    ]
    assert reverse("reports:unit", kwargs={"code": "XA1"}) in crumb
    assert reverse("reports:unit", kwargs={"code": "TINH"}) not in crumb


def test_report_form_offers_units_in_scope_and_no_json(
    data: ReportWorld, client_for: ClientFor
) -> None:
    html = client_for("commune").get(reverse("reports:new")).content.decode()
    assert '<select name="unit"' in html
    assert '<option value="XA1" selected>Đảng ủy xã Một (XA1)</option>' in html
    assert '<option value="CB1">Chi bộ bản Một (CB1)</option>' in html
    assert 'value="XA2"' not in html and 'value="TINH"' not in html  # out of scope
    assert 'value="json"' not in html and ">JSON<" not in html
    form = {
        "unit": "XA1",
        "date_from": "01/01/2025",
        "date_to": "31/12/2025",
        "structure": "today",
        "format": "json",
    }
    refused = client_for("commune").post(reverse("reports:new"), form)
    assert refused.status_code == 200 and not ReportRequest.objects.exists()


def test_report_form_searches_units_when_there_are_many(
    data: ReportWorld, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuyengiao.reports import views

    monkeypatch.setattr(views, "PICKER_LIMIT", 2)
    client = client_for("province")
    html = client.get(reverse("reports:new")).content.decode()
    assert 'type="search" name="q"' in html
    assert 'value="CB1"' not in html  # beyond the first two levels: found by search
    found = client.get(reverse("reports:units"), {"q": "bản Một"}).content.decode()
    assert found.strip() == '<option value="CB1">Chi bộ bản Một (CB1)</option>'
    assert "Không tìm thấy" in client.get(reverse("reports:units"), {"q": "zzz"}).content.decode()
    outside = client_for("commune").get(reverse("reports:units"), {"q": "Ba"}).content.decode()
    assert "CB3" not in outside
