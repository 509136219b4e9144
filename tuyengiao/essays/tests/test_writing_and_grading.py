"""Writing, handing in, grading and releasing an essay, through the services and the
pages (issue 15, items 1 and 2)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuyengiao.essays import access, services
from tuyengiao.essays.models import Essay, Grade, Source, State
from tuyengiao.orgs.access import SYSTEM

from .conftest import essay_text, record

pytestmark = pytest.mark.django_db


def test_autosave_keeps_the_newest_and_ignores_a_late_resend(ew: Any) -> None:
    user = ew.w.users["member"]
    first = services.draft_save(actor=user, requirement=ew.req, text="bản một", seq=1)
    assert first.accepted
    second = services.draft_save(actor=user, requirement=ew.req, text="bản ba", seq=3)
    assert second.accepted
    late = services.draft_save(actor=user, requirement=ew.req, text="bản hai", seq=2)
    assert not late.accepted
    essay = Essay.objects.get(member=ew.w.members[0])
    assert (essay.text, essay.version, essay.unit) == ("bản ba", 3, ew.w.cell)


def test_autosave_endpoint_answers_json(ew: Any, client_for: Any) -> None:
    client = client_for("member")
    url = f"/bai-thu-hoach/dot/{ew.campaign.pk}/luu/"
    got = client.post(url, {"text": "Nội dung đang viết", "seq": "5"})
    assert got.status_code == 200 and got.json()["ok"] and got.json()["seq"] == 5
    again = client.post(url, {"text": "cũ hơn", "seq": "4"})
    assert again.json()["accepted"] is False
    assert Essay.objects.get().text == "Nội dung đang viết"
    assert client.post(url, {"text": "x"}).status_code == 400
    huge = client.post(url, {"text": "Nội dung mới", "seq": "9" * 20})  # was a 500
    assert huge.status_code == 400 and "Số thứ tự bản lưu quá lớn" in huge.json()["error"]
    assert Essay.objects.get().text == "Nội dung đang viết"


def test_hand_in_once_and_late_is_marked(ew: Any) -> None:
    user = ew.w.users["member"]
    with pytest.raises(ValidationError, match="quá ngắn"):
        services.draft_save(actor=user, requirement=ew.req, text="ngắn", seq=1)
        services.essay_hand_in(actor=user, requirement=ew.req)
    services.draft_save(actor=user, requirement=ew.req, text=essay_text(1), seq=2)
    essay = services.essay_hand_in(actor=user, requirement=ew.req)
    assert essay.handed_in and not essay.late
    with pytest.raises(ValidationError, match="một lần"):
        services.essay_hand_in(actor=user, requirement=ew.req)
    with pytest.raises(ValidationError, match="đã nộp"):
        services.draft_save(actor=user, requirement=ew.req, text="sửa", seq=9)
    # past the deadline: late
    ew.req.deadline = timezone.now() - dt.timedelta(hours=1)
    ew.req.save()
    late = record(ew.req, ew.w.members[1], essay_text(2))
    assert late.late


def test_only_the_member_of_a_covered_unit_writes(ew: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.draft_save(actor=ew.w.users["secretary"], requirement=ew.req, text="x", seq=1)
    with pytest.raises(PermissionDenied):
        services.draft_save(actor=None, requirement=ew.req, text="x", seq=1)
    # the member's cell is not under XA2's campaign
    with pytest.raises(PermissionDenied):
        services.draft_save(actor=ew.w.users["member"], requirement=ew.sibling_req, text="x", seq=1)


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for para in text.split(". "):
        document.add_paragraph(para)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_upload_docx_and_txt_then_refuse_other_files(ew: Any, client_for: Any) -> None:
    client = client_for("member")
    url = f"/bai-thu-hoach/dot/{ew.campaign.pk}/tai-len/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    got = client.post(url, {"tep": SimpleUploadedFile("bai.docx", _docx(essay_text(3)))})
    assert got.status_code == 302
    essay = Essay.objects.get()
    assert essay.source == Source.UPLOAD and "Bài viết số 3" in essay.text
    client.post(url, {"tep": SimpleUploadedFile("bai.txt", essay_text(4).encode())})
    assert "Bài viết số 4" in Essay.objects.get().text
    page = client.post(url, {"tep": SimpleUploadedFile("bai.exe", b"MZ")}, follow=True)
    assert "chỉ hỗ trợ" in page.content.decode()
    assert "Bài viết số 4" in Essay.objects.get().text


def test_rubric_grading_release_and_visibility(ew: Any, client_for: Any) -> None:
    user = ew.w.users["member"]
    services.draft_save(actor=user, requirement=ew.req, text=essay_text(5), seq=1)
    essay = services.essay_hand_in(actor=user, requirement=ew.req)
    # the member may not mark; a secretary of the cell may
    assert not access.can_mark(user, essay)
    assert not access.can_mark(ew.w.users["outsider"], essay)
    with pytest.raises(PermissionDenied):
        services.essay_mark(actor=ew.w.users["outsider"], essay=essay, scores={"0": 0})
    with pytest.raises(ValidationError, match="Chưa chọn mức"):
        services.essay_mark(actor=ew.w.users["secretary"], essay=essay, scores={"0": 0}, ready=True)
    services.essay_mark(
        actor=ew.w.users["secretary"], essay=essay, scores={"0": 0, "1": 1}, ready=True
    )
    essay.refresh_from_db()
    assert (essay.points, essay.grade, essay.state) == (Decimal(6), "kha", "ready")  # 6 of 8: 75%
    own = client_for("member").get(f"/bai-thu-hoach/bai/{essay.pk}/").content.decode()
    assert "chưa được công bố" in own and 'id="grade"' not in own
    client = client_for("secretary")
    assert client.post(f"/bai-thu-hoach/dot/{ew.campaign.pk}/cong-bo/").status_code == 302
    essay.refresh_from_db()
    assert essay.state == State.RELEASED
    own = client_for("member").get(f"/bai-thu-hoach/bai/{essay.pk}/").content.decode()
    assert 'id="grade">Khá<' in own
    with pytest.raises(ValidationError, match="công bố"):
        services.essay_mark(actor=SYSTEM, essay=essay, scores={"0": 0, "1": 0}, ready=True)


def test_marking_through_the_page_and_progress(ew: Any, client_for: Any) -> None:
    essays = [record(ew.req, m, essay_text(10 + i)) for i, m in enumerate(ew.w.members)]
    client = client_for("commune")
    got = client.post(
        f"/bai-thu-hoach/bai/{essays[0].pk}/cham/",
        {"tieu_chi_0": "0", "tieu_chi_1": "0", "nhan_xet": "Tốt", "xong": "1"},
    )
    assert got.status_code == 302
    essays[0].refresh_from_db()
    assert essays[0].grade == Grade.EXCELLENT and essays[0].points == 8
    page = client.get(f"/bai-thu-hoach/dot/{ew.campaign.pk}/").content.decode()
    assert "đã chấm xong 1/4 bài" in page
    # the member's page shows no marking list
    member_page = client_for("member").get(f"/bai-thu-hoach/dot/{ew.campaign.pk}/").content.decode()
    assert "cham-bai" not in member_page and "bai-cua-toi" in member_page


def test_markers_assigned_to_a_unit_and_blind_marking(ew: Any, client_for: Any) -> None:
    ew.req.blind = True
    ew.req.save()
    essay = record(ew.req, ew.w.members[0], essay_text(20))  # in CB1
    other = record(ew.req, ew.w.members[3], essay_text(21))  # in CB2
    services.marker_add(actor=SYSTEM, requirement=ew.req, unit=ew.w.cell, username="chibo")
    with pytest.raises(ValidationError):
        services.marker_add(actor=SYSTEM, requirement=ew.req, unit=ew.w.cell, username="dangvien")
    # CB1's essays are the secretary's only: commune staff no longer mark them, CB2's yes
    assert access.can_mark(ew.w.users["secretary"], essay)
    assert not access.can_mark(ew.w.users["commune"], essay)
    assert access.can_mark(ew.w.users["commune"], other)
    assert list(access.markable(ew.w.users["commune"], ew.req)) == [other]
    page = client_for("secretary").get(f"/bai-thu-hoach/bai/{essay.pk}/").content.decode()
    assert "Nguyễn Văn An" not in page and f"số {essay.pk}" in page
    # once released, the name shows
    services.essay_mark(actor=SYSTEM, essay=essay, scores={"0": 0, "1": 0}, ready=True)
    services.essays_release(actor=SYSTEM, essays=[Essay.objects.get(pk=essay.pk)])
    page = client_for("secretary").get(f"/bai-thu-hoach/bai/{essay.pk}/").content.decode()
    assert "Nguyễn Văn An" in page


def test_simple_grades_and_release_scope(ew: Any) -> None:
    essay = record(ew.sibling_req, ew.w.sibling_members[0], essay_text(30))
    with pytest.raises(PermissionDenied):
        services.essay_mark(actor=ew.w.users["commune"], essay=essay, grade=Grade.PASS)
    services.essay_mark(actor=ew.w.users["outsider"], essay=essay, grade=Grade.PASS, ready=True)
    with pytest.raises(PermissionDenied):
        services.essays_release(
            actor=ew.w.users["commune"], essays=[Essay.objects.get(pk=essay.pk)]
        )
    assert (
        services.essays_release(
            actor=ew.w.users["outsider"], essays=[Essay.objects.get(pk=essay.pk)]
        )
        == 1
    )


def test_requirement_setup_form(ew: Any, client_for: Any) -> None:
    url = f"/bai-thu-hoach/dot/{ew.campaign.pk}/thiet-lap/"
    assert client_for("secretary").get(url).status_code == 403
    client = client_for("commune")
    got = client.post(
        url,
        {
            "document": ew.document.pk,
            "deadline_day": "31/12/2030",
            "deadline_time": "17:00",
            "mode": "rubric",
            "rubric": "Nội dung: Tốt=5; Đạt=3\nLiên hệ: Tốt=5; Đạt=2",
            "blind": "on",
        },
    )
    assert got.status_code == 302, got.content.decode()[:2000]
    ew.req.refresh_from_db()
    assert ew.req.blind and ew.req.rubric[0]["levels"][0] == {"label": "Tốt", "points": 5}
    bad = client.post(
        url,
        {
            "document": ew.document.pk,
            "deadline_day": "31/12/2030",
            "mode": "rubric",
            "rubric": "Nội dung Tốt 5",
        },
    )
    assert bad.status_code == 400 and "thiếu dấu" in bad.content.decode()
