"""Importing question files: the command, all or nothing, idempotent re-import, the
web upload parsed by the task worker, exports, permissions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tuyengiao.contests import formats
from tuyengiao.contests.models import Question, QuestionImport

from .conftest import AIKEN, GIFT

pytestmark = pytest.mark.django_db


def _run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue()


def test_command_imports_aiken_and_gift_and_reimport_changes_nothing(
    bank: Any, tmp_path: Path
) -> None:
    a, g = tmp_path / "nq57.txt", tmp_path / "nq57.gift"
    a.write_text(AIKEN, encoding="utf-8")
    g.write_text(GIFT, encoding="utf-8")
    assert "Sẽ nhập 2 câu hỏi" in _run(a, "--bank", "NH-57", "--dry-run")
    assert not Question.objects.exists()
    assert "Đã nhập 2 câu hỏi vào NH-57 (mới 2," in _run(a, "--bank", "NH-57")
    assert "Đã nhập 3 câu hỏi vào NH-57 (mới 3," in _run(g, "--bank", "NH-57")
    assert "(mới 0, cập nhật 0, không đổi 3)" in _run(g, "--bank", "NH-57")
    qs = Question.objects.filter(bank=bank.bank).order_by("number")
    assert [q.number for q in qs] == [1, 2, 3, 4, 5]
    first = qs[0]
    assert first.document == bank.document and first.paragraph == 1 and first.status == "nhap"
    assert qs[2].choices == ["1%", "2%", "3% tổng chi"] and qs[2].paragraph == 3


def test_command_is_all_or_nothing_with_vietnamese_errors(bank: Any, tmp_path: Path) -> None:
    bad = tmp_path / "sai.txt"
    bad.write_text(
        AIKEN
        + "\nCâu ba?\nA. x\nB. y\nĐáp án: E\n\nCâu bốn?\nA. x\nB. y\nANSWER: A\nNguồn: 99-NQ/TW\n\n"
        "Câu năm?\nA. x\nB. y\nANSWER: A\nNguồn: 57-NQ/TW, đoạn 9\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as err:
        _run(bad, "--bank", "NH-57")
    text = str(err.value)
    assert text.startswith("Không nhập câu hỏi nào vì tệp có lỗi:")
    assert "Dòng 18: Đáp án phải là chữ cái của một phương án (A, B). (giá trị: 'E')" in text
    assert "Dòng 20, cột 'Văn bản': Văn bản chưa có trong hệ thống" in text
    assert "Dòng 26, cột 'Đoạn': Văn bản 57-NQ/TW có 3 đoạn; không có đoạn 9." in text
    assert not Question.objects.exists()
    with pytest.raises(CommandError, match="Không có ngân hàng câu hỏi mã 'KHAC'"):
        _run(bad, "--bank", "KHAC")


def test_xlsx_template_imports_with_status(bank: Any, tmp_path: Path) -> None:
    rows = [
        formats.OutQuestion(
            "Câu một?", ["x", "y"], 1, source="57-NQ/TW", paragraph=2, approved=True
        )
    ]
    path = tmp_path / "mau.xlsx"
    path.write_bytes(formats.to_xlsx(rows))
    assert "Đã nhập 1 câu hỏi" in _run(path, "--bank", "NH-57")
    q = Question.objects.get()
    assert (q.answer, q.status, q.paragraph, q.source) == (1, "da_duyet", 2, "xlsx")


def test_changing_the_key_on_reimport_puts_the_question_back_to_draft(
    bank: Any, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(AIKEN, encoding="utf-8")
    _run(path, "--bank", "NH-57")
    Question.objects.update(status="da_duyet")
    path.write_text(AIKEN.replace("ANSWER: B", "ANSWER: C"), encoding="utf-8")
    assert "cập nhật 1, không đổi 1" in _run(path, "--bank", "NH-57")
    changed = Question.objects.get(number=2)
    assert (changed.answer, changed.status) == (2, "nhap")


def test_web_upload_is_parsed_by_the_task_and_reports_errors(
    bank: Any, client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_for("commune")
    url = reverse("contests:bank_upload", args=["NH-57"])
    gift = io.BytesIO(GIFT.encode())
    gift.name = "nq57.gift"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": gift})
    job = QuestionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contests:import_job", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập" in page and "đã nhập 3 câu hỏi" in page
    bad = io.BytesIO(b"Cau hoi?\nA. x\nB. y\n")
    bad.name = "sai.txt"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": bad})
    page = client.get(response["Location"]).content.decode()
    assert "Có lỗi, chưa nhập gì" in page and "Dòng 4: Thiếu dòng đáp án" in page
    assert Question.objects.count() == 3
    assert QuestionImport.objects.get(file_name="sai.txt").content == b""


def test_upload_and_export_need_the_bank_s_staff(world: Any, client_for: Any) -> None:
    from tuyengiao.contests import services
    from tuyengiao.orgs.access import SYSTEM

    services.bank_create(actor=SYSTEM, code="NH-CB1", name="Chi bộ", unit=world.cell)
    url = reverse("contests:bank_upload", args=["NH-CB1"])
    assert client_for("secretary").post(url, {}).status_code == 403
    assert client_for("outsider").post(url, {}).status_code == 404
    export = reverse("contests:bank_export", args=["NH-CB1", "gift"])
    assert client_for("member").get(export).status_code == 403
    assert client_for("commune").get(export).status_code == 200


def test_exports_are_the_three_formats(filled: Any, client_for: Any) -> None:
    client = client_for("commune")
    gift = client.get(reverse("contests:bank_export", args=["NH-57", "gift"])).content.decode()
    assert "// Nguồn: 57-NQ/TW, đoạn 3" in gift and "Tỷ lệ 1\\:1" in gift
    aiken = client.get(reverse("contests:bank_export", args=["NH-57", "aiken"])).content.decode()
    assert "ANSWER: A" in aiken
    xlsx = client.get(reverse("contests:bank_export", args=["NH-57", "xlsx"])).content
    assert (
        len(
            formats.parse_rows(
                [
                    list(r)
                    for r in __import__("openpyxl")
                    .load_workbook(io.BytesIO(xlsx))[formats.SHEET]
                    .iter_rows(values_only=True)
                ]
            ).questions
        )
        == 5
    )
    assert client.get(reverse("contests:bank_export", args=["NH-57", "pdf"])).status_code == 404


def test_an_unexpected_failure_is_said_and_a_waiting_job_says_no_worker_took_it(
    bank: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.contests import services

    client = client_for("commune")
    url = reverse("contests:bank_upload", args=["NH-57"])
    gift = io.BytesIO(GIFT.encode())
    gift.name = "nq57.gift"
    client.post(url, {"file": gift})  # the task is queued, no worker runs it here
    job = QuestionImport.objects.get()
    page_url = reverse("contests:import_job", args=[job.pk])
    warning = "Chưa có tiến trình nền nào nhận tệp này sau 1 phút"
    assert warning not in client.get(page_url).content.decode()
    QuestionImport.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=61)
    )
    assert warning in client.get(page_url, HTTP_HX_REQUEST="true").content.decode()

    def broken(**kwargs: object) -> Any:
        raise RuntimeError("lost the database")

    monkeypatch.setattr(services, "questions_import", broken)
    with pytest.raises(RuntimeError):  # re-raised: the task's result keeps the traceback
        services.question_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.errors, bytes(job.content)) == (
        "loi",
        [services.IMPORT_SYSTEM_ERROR],
        b"",
    )
    page = client.get(page_url).content.decode()
    assert services.IMPORT_SYSTEM_ERROR in page and "every 2s" not in page
    assert not Question.objects.exists()


def test_a_job_being_imported_says_so_and_one_whose_worker_died_says_it_stopped(
    bank: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.contests import services

    client = client_for("commune")
    gift = io.BytesIO(GIFT.encode())
    gift.name = "nq57.gift"
    client.post(reverse("contests:bank_upload", args=["NH-57"]), {"file": gift})
    job = QuestionImport.objects.get()
    page_url = reverse("contests:import_job", args=[job.pk])
    seen: list[tuple[str, bool, str]] = []
    real = services.questions_import

    def watched(**kwargs: Any) -> Any:  # the page while the worker imports
        row = QuestionImport.objects.get(pk=job.pk)
        page = client.get(page_url, HTTP_HX_REQUEST="true").content.decode()
        seen.append((row.status, row.started_at is not None, page))
        return real(**kwargs)

    monkeypatch.setattr(services, "questions_import", watched)
    services.question_import_run(job_id=job.pk)
    ((status, started, page),) = seen
    assert status == "dang" and started
    assert "Đang nhập" in page and "every 2s" in page and "đã dừng" not in page
    assert QuestionImport.objects.get(pk=job.pk).status == "xong"

    # the worker took a second file and died: after STALLED_AFTER the page says so
    gift = io.BytesIO(GIFT.encode())
    gift.name = "lan2.gift"
    client.post(reverse("contests:bank_upload", args=["NH-57"]), {"file": gift})
    second = QuestionImport.objects.exclude(pk=job.pk).get()
    QuestionImport.objects.filter(pk=second.pk).update(
        status="dang", started_at=timezone.now() - dt.timedelta(minutes=16)
    )
    page = client.get(reverse("contests:import_job", args=[second.pk])).content.decode()
    assert "Tiến trình nền đã dừng khi đang nhập tệp này" in page
    assert "chưa câu hỏi nào được nhập" in page and "every 2s" not in page
