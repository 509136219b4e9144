"""A survey from an XLSForm: read by pyxform in the isolated child, refused with its
reason in Vietnamese, created on the web or by ``import_survey``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.surveys import services
from tuyengiao.surveys.forms_demo import SURVEY_ROWS, xlsform
from tuyengiao.surveys.models import Kind, Survey

from .conftest import FROM, TO, answer, make_survey, parsed_form


def test_the_form_is_read_with_groups_choices_and_vietnamese_labels() -> None:
    form = parsed_form()
    assert form["code"] == "KS-2026" and form["title"] == "Khảo sát việc học tập nghị quyết"
    kinds = {q["name"]: q["kind"] for q in form["questions"]}
    assert kinds == {
        "gioi_thieu": "note",
        "vai_tro": "select_one",
        "kenh": "select_multiple",
        "so_buoi": "integer",
        "y_kien": "text",
    }
    kenh = next(q for q in form["questions"] if q["name"] == "kenh")
    assert kenh["group"] == "Kênh thông tin" and kenh["hint"] == "Chọn nhiều"
    assert [c["label"] for c in kenh["choices"]] == ["Hội nghị", "Báo chí", "Mạng xã hội"]
    assert next(q for q in form["questions"] if q["name"] == "vai_tro")["required"]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["select_one khong_co", "x", "X", "", ""], "danh sách lựa chọn 'khong_co' không có"),
        (["kieu_la", "x", "X", "", ""], "loại câu hỏi 'kieu_la' không tồn tại"),
        (["text", "y_kien", "lặp", "", ""], "tên (name) 'y_kien' bị lặp lại"),
        (["begin_group", "g", "G", "", ""], "nhóm không khớp"),
        (["geopoint", "vi_tri", "Vị trí", "", ""], "không thu thập vị trí"),
        (["deviceid", "may", "", "", ""], "thiết bị"),
        (["start", "start", "", "", ""], "không ghi giờ"),
    ],
)
def test_a_form_pyxform_or_anonymity_rejects_is_refused_in_vietnamese(
    extra: list[str], said: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.read_form("ks.xlsx", xlsform(survey_rows=[*SURVEY_ROWS, extra]))
    assert said in refused.value.messages[0]


def test_a_damaged_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="không phải bảng tính Excel hợp lệ"):
        services.read_form("ks.xlsx", b"PK\x03\x04 not really a zip")


@pytest.mark.django_db
def test_province_staff_upload_the_form_on_the_web(world: Any, client_for: Any) -> None:
    client = client_for("province")
    upload = io.BytesIO(xlsform(form_id="KS-WEB"))
    upload.name = "ks.xlsx"
    page = client.post(
        reverse("surveys:new"),
        {
            "form_file": upload,
            "unit": "XA1",
            "date_from": "01/01/2026",
            "date_to": "31/12/2026",
            "threshold": "5",
        },
    )
    assert page.status_code == 302, page.content.decode()[:800]
    survey = Survey.objects.get(code="KS-WEB")
    assert survey.unit == world.commune and survey.threshold == 5
    assert survey.questions.exclude(kind=Kind.NOTE).count() == 4
    bad = io.BytesIO(xlsform(survey_rows=[*SURVEY_ROWS, ["kieu_la", "x", "X", "", ""]]))
    bad.name = "hong.xlsx"
    refused = client.post(
        reverse("surveys:new"),
        {
            "form_file": bad,
            "unit": "XA1",
            "date_from": "01/01/2026",
            "date_to": "31/12/2026",
            "threshold": "5",
        },
    )
    assert refused.status_code == 400
    assert "loại câu hỏi &#x27;kieu_la&#x27; không tồn tại" in refused.content.decode()


@pytest.mark.django_db
def test_a_commune_cannot_make_a_survey_of_another_commune(world: Any) -> None:
    with pytest.raises(Exception, match="không có quyền"):
        services.survey_save(
            actor=world.users["commune"],
            form=parsed_form(),
            unit=world.sibling_commune,
            date_from=FROM,
            date_to=TO,
        )
    with pytest.raises(Exception, match="không có quyền"):
        services.survey_save(
            actor=world.users["secretary"],
            form=parsed_form(),
            unit=world.cell,
            date_from=FROM,
            date_to=TO,
        )


@pytest.mark.django_db
def test_another_communes_form_id_is_refused_without_saying_whose(world: Any) -> None:
    make_survey(world.sibling_commune)
    with pytest.raises(ValidationError, match="đã được dùng cho một cuộc khảo sát khác"):
        services.survey_save(
            actor=world.users["commune"],
            form=parsed_form(),
            unit=world.commune,
            date_from=FROM,
            date_to=TO,
        )
    assert Survey.objects.get().unit == world.sibling_commune


@pytest.mark.django_db
def test_questions_are_frozen_once_answered_but_labels_may_change(world: Any) -> None:
    survey = make_survey(world.province)
    assert (
        services.survey_save(
            actor=SYSTEM, form=parsed_form(), unit=world.province, date_from=FROM, date_to=TO
        )[1]
        == "unchanged"
    )
    answer(survey, world.cell)
    relabelled = dict(parsed_form())
    relabelled["questions"] = [dict(q) for q in parsed_form()["questions"]]
    relabelled["questions"][1]["label"] = "Câu hỏi đã sửa chữ"
    assert (
        services.survey_save(
            actor=SYSTEM, form=relabelled, unit=world.province, date_from=FROM, date_to=TO
        )[1]
        == "updated"
    )
    fewer = dict(parsed_form())
    fewer["questions"] = parsed_form()["questions"][:3]
    with pytest.raises(ValidationError, match="đã có phiếu trả lời"):
        services.survey_save(
            actor=SYSTEM, form=fewer, unit=world.province, date_from=FROM, date_to=TO
        )


@pytest.mark.django_db
def test_import_survey_command_dry_run_then_for_real(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "ks.xlsx"
    path.write_bytes(xlsform(form_id="KS-LENH"))
    out = io.StringIO()
    call_command("import_survey", str(path), "--unit", "XA1", "--dry-run", stdout=out)
    assert "Chạy thử" in out.getvalue() and not Survey.objects.filter(code="KS-LENH").exists()
    call_command(
        "import_survey",
        str(path),
        "--unit",
        "XA1",
        "--from",
        "01/02/2026",
        "--to",
        "30/04/2026",
        "--k",
        "7",
        stdout=out,
    )
    survey = Survey.objects.get(code="KS-LENH")
    assert (survey.unit, survey.threshold, str(survey.date_to)) == (world.commune, 7, "2026-04-30")
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(xlsform(survey_rows=[*SURVEY_ROWS, ["image", "anh", "Ảnh", "", ""]]))
    with pytest.raises(CommandError, match="hình ảnh"):
        call_command("import_survey", str(bad), "--unit", "XA1")
