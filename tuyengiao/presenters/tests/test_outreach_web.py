"""The web pages of dissemination events, courses, materials and languages of units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.presenters.models import DisseminationEvent, Learner, Material, MaterialView

pytestmark = pytest.mark.django_db


def test_a_secretary_records_an_event_and_finds_it_listed(
    world: Any, roster: Any, client_for: Any
) -> None:
    client = client_for("secretary")
    assert client.get("/bao-cao-vien/tuyen-truyen/them/").status_code == 200
    got = client.post(
        "/bao-cao-vien/tuyen-truyen/them/",
        {
            "code": "TT-W1",
            "unit": "CB1",
            "date": "05/09/2025",
            "form": "long_ghep",
            "presenters": "TTV-X1",
            "language": "Mông",
            "listeners": "1234",
        },
    )
    assert got.status_code == 302, got.content.decode()[:2000]
    event = DisseminationEvent.objects.get(code="TT-W1")
    assert (event.listeners, event.language, event.unit.code) == (1234, "Mông", "CB1")
    html = client.get("/bao-cao-vien/tuyen-truyen/?don_vi=CB1").content.decode()
    assert "TT-W1" in html and "1.234" in html and "1 buổi" in html
    two = {"code": "TT-W2", "unit": "CB1", "date": "06/09/2025", "listeners": "100"}
    client.post("/bao-cao-vien/tuyen-truyen/them/", {**two, "presenters": "TTV-X1; BCV-X1"})
    html = client.get("/bao-cao-vien/tuyen-truyen/?don_vi=CB1").content.decode()
    assert "2 buổi · 1.334 lượt người nghe" in html  # two presenters do not count it twice


def test_an_event_form_with_errors_says_them(world: Any, roster: Any, client_for: Any) -> None:
    got = client_for("commune").post(
        "/bao-cao-vien/tuyen-truyen/them/",
        {
            "code": "TT-W2",
            "unit": "CB3",
            "date": "05/09/2025",
            "presenters": "BCV-Y1",
            "listeners": "3",
        },
    )
    assert got.status_code == 400
    html = got.content.decode()
    assert "Không tìm thấy đơn vị này trong phạm vi của bạn." in html
    assert "Không tìm thấy báo cáo viên: BCV-Y1." in html
    assert not DisseminationEvent.objects.exists()


def test_a_course_with_learners_on_the_web(world: Any, roster: Any, client_for: Any) -> None:
    client = client_for("commune")
    got = client.post(
        "/bao-cao-vien/tap-huan/them/",
        {
            "code": "LOP-W",
            "title": "Tập huấn tuyên truyền viên",
            "unit": "XA1",
            "date_from": "01/09/2025",
            "date_to": "03/09/2025",
            "extra_participants": "40",
        },
    )
    assert got.status_code == 302
    client.post("/bao-cao-vien/tap-huan/LOP-W/hoc-vien/", {"presenter": "TTV-X1", "result": "kha"})
    client.post("/bao-cao-vien/tap-huan/LOP-W/hoc-vien/", {"member": "DV2", "result": "dat"})
    assert Learner.objects.filter(course__code="LOP-W").count() == 2
    html = client.get("/bao-cao-vien/tap-huan/LOP-W/").content.decode()
    assert "42 lượt học viên: 2 ghi tên, 40 không ghi tên." in html
    client.post("/bao-cao-vien/tap-huan/LOP-W/hoc-vien/bo/", {"dang_vien": "DV2"})
    assert Learner.objects.filter(course__code="LOP-W").count() == 1
    detail = client.get("/bao-cao-vien/bcv/TTV-X1/").content.decode()
    assert "Tập huấn tuyên truyền viên" in detail and "Khá" in detail


def test_a_province_course_links_only_the_learners_the_reader_may_open(
    world: Any, roster: Any, client_for: Any
) -> None:
    from tuyengiao.presenters import services

    course, _ = services.course_save(
        actor=SYSTEM,
        data=services.CourseData(
            code="LOP-T",
            title="Tập huấn của tỉnh",
            unit=world.province,
            date_from=dt.date(2025, 9, 1),
        ),
    )
    for presenter in (roster["an"], roster["sibling"]):  # of XA1 and of XA2
        services.learner_set(actor=SYSTEM, course=course, presenter=presenter)
    client = client_for("commune")  # of XA1
    html = client.get("/bao-cao-vien/tap-huan/LOP-T/").content.decode()
    assert 'href="/bao-cao-vien/bcv/BCV-X1/"' in html
    assert "Hà Thị Lan" in html and 'href="/bao-cao-vien/bcv/BCV-Y1/"' not in html
    assert client.get("/bao-cao-vien/bcv/BCV-Y1/").status_code == 404
    html = client_for("province").get("/bao-cao-vien/tap-huan/LOP-T/").content.decode()
    assert 'href="/bao-cao-vien/bcv/BCV-Y1/"' in html


def test_a_material_is_uploaded_within_the_limit_and_opened_from_the_session(
    world: Any, client_for: Any, settings: Any, tmp_path: Path
) -> None:
    from tuyengiao.study import services as study
    from tuyengiao.tests import factories

    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 2000
    document = factories.document("57-NQ/TW")
    campaign = study.campaign_create(
        actor=SYSTEM,
        title="Học tập NQ 57",
        documents=[document],
        owner=world.province,
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2026, 6, 30),
    )
    session = study.session_create(
        actor=SYSTEM, campaign=campaign, code="HN-M", host=world.cell, date=dt.date(2025, 9, 1)
    )
    client = client_for("province")
    fields = {
        "code": "TL-W",
        "title": "Đề cương tuyên truyền NQ 57",
        "kind": "de_cuong",
        "unit": "TINH",
        "date": "01/08/2025",
        "document_symbol": "57-NQ/TW",
        "copies": "500",
        "distributed_to": "XA1; XA2",
    }
    too_big = SimpleUploadedFile("de-cuong.pdf", b"x" * 2001)
    got = client.post("/bao-cao-vien/tai-lieu/them/", {**fields, "file": too_big})
    assert got.status_code == 400 and "giới hạn" in got.content.decode()
    assert not Material.objects.exists()
    good = SimpleUploadedFile("de-cuong.pdf", b"%PDF-1.4 de cuong")
    got = client.post("/bao-cao-vien/tai-lieu/them/", {**fields, "file": good})
    assert got.status_code == 302
    material = Material.objects.get(code="TL-W")
    assert sorted(material.distributed_to.values_list("code", flat=True)) == ["XA1", "XA2"]
    member = client_for("member")
    panel = member.get(f"/bao-cao-vien/hoi-nghi/{session.code}/", HTTP_HX_REQUEST="true")
    assert "Đề cương tuyên truyền NQ 57" in panel.content.decode()
    campaign_panel = member.get(f"/bao-cao-vien/tai-lieu/dot/{campaign.pk}/")
    assert "Đề cương tuyên truyền NQ 57" in campaign_panel.content.decode()
    opened = member.get("/bao-cao-vien/tai-lieu/TL-W/mo/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == good.open().read()
    member.get("/bao-cao-vien/tai-lieu/TL-W/mo/")
    assert MaterialView.objects.get(material=material, unit=world.cell).count == 2
    page = client_for("province").get("/bao-cao-vien/tai-lieu/TL-W/").content.decode()
    assert "2 lượt mở" in page and "Chi bộ bản Một" in page
    assert "dangvien" not in page  # who opened it is not kept, so never shown
    edited = client.post(
        "/bao-cao-vien/tai-lieu/TL-W/sua/", {**fields, "copies": "800", "distributed_to": "XA1"}
    )
    assert edited.status_code == 302
    material.refresh_from_db()
    assert material.copies == 800 and material.file_name == "de-cuong.pdf"  # file kept
    assert list(material.distributed_to.values_list("code", flat=True)) == ["XA1"]
    assert client_for("commune").get("/bao-cao-vien/tai-lieu/TL-W/sua/").status_code == 403


def test_languages_of_a_commune_and_the_gap_on_its_page(
    world: Any, roster: Any, client_for: Any
) -> None:
    client = client_for("commune")
    got = client.post("/bao-cao-vien/don-vi/XA1/ngon-ngu/", {"languages": "Mông; Thái"})
    assert got.status_code == 302
    html = client.get("/bao-cao-vien/don-vi/XA1/thieu/", HTTP_HX_REQUEST="true").content.decode()
    assert "Đảng ủy xã Một: Thái" in html
    assert 'value="Mông; Thái"' in html
    refused = client_for("outsider").post(
        "/bao-cao-vien/don-vi/XA1/ngon-ngu/", {"languages": "Dao"}
    )
    assert refused.status_code == 404
