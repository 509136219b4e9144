"""Text from .txt/.docx/.pdf, document headers, ``import_documents`` and ``extract_refs``."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from tuyengiao.documents.files import extract_text, parse_header
from tuyengiao.documents.models import Attachment, Document

from .samples import PLAN_TXT, docx_bytes, pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_header_of_a_party_plan() -> None:
    header = parse_header(PLAN_TXT)
    assert header.ref is not None and header.ref.symbol == "15-KH/BTGDVTU"
    assert header.issue_date == dt.date(2025, 2, 10)
    assert header.kind == "Kế hoạch"
    assert header.title == (
        "Tuyên truyền thực hiện nghị quyết số 57-NQ/TW của bộ chính trị về đột phá phát "
        "triển khoa học, công nghệ"
    )


def test_header_without_kind_heading_takes_first_line_as_title() -> None:
    header = parse_header("Về việc tổ chức hội nghị\nSố: 5973/UBND-KT\nNội dung ...")
    assert header.ref is not None and header.ref.symbol == "5973/UBND-KT"
    assert header.title == "Về việc tổ chức hội nghị"
    assert header.issue_date is None


def test_citation_in_the_body_is_not_the_documents_own_symbol() -> None:
    assert parse_header("Ghi chép\nThực hiện Nghị quyết số 57-NQ/TW, ...").ref is None


def test_text_from_each_format() -> None:
    nfd = unicodedata.normalize("NFD", "Nghị quyết")
    assert extract_text("a.txt", f"\ufeff{nfd}\r\nhai".encode()) == "Nghị quyết\nhai"
    assert "Chỉ thị 35" in extract_text("a.docx", docx_bytes(["Chỉ thị 35", "dòng hai"]))
    assert "So 12-KH/TU" in extract_text("a.pdf", pdf_bytes(["So 12-KH/TU", "KE HOACH"]))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF-1.4 this is not a pdf", "không phải tệp PDF hợp lệ"),
        ("a.pdf", pdf_bytes([]), "không có lớp chữ"),
        ("a.docx", b"PK\x03\x04 broken", "không phải tệp Word .docx hợp lệ"),
        (
            "a.txt",
            "Nghị quyết".encode("utf-16-le") + b"\x00\x00",
            "không phải văn bản chữ mã UTF-8",
        ),
        ("a.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", "không phải văn bản chữ mã UTF-8"),
        ("a.txt", b"", "rỗng"),
        ("a.txt", b"   \n  ", "không có nội dung chữ"),
        ("a.xlsx", b"x", "chỉ hỗ trợ tệp .txt, .docx và .pdf"),
    ],
)
def test_unreadable_files_get_a_vietnamese_error(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        extract_text(name, data)
    assert message in exc.value.messages[0]


@pytest.mark.django_db
def test_import_documents_registers_files_and_rejects_bad_ones(tmp_path: Path) -> None:
    good_txt = tmp_path / "ke-hoach.txt"
    good_txt.write_text(PLAN_TXT, encoding="utf-8")
    good_docx = tmp_path / "nghi-quyet.docx"
    good_docx.write_bytes(
        docx_bytes(
            [
                "BAN CHẤP HÀNH TRUNG ƯƠNG",
                "Số 57-NQ/TW\tHà Nội, ngày 22 tháng 12 năm 2024",
                "NGHỊ QUYẾT",
                "CỦA BỘ CHÍNH TRỊ",
                "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
                "",
                "I. TÌNH HÌNH VÀ NGUYÊN NHÂN",
            ]
        )
    )
    good_pdf = tmp_path / "huong-dan.pdf"
    good_pdf.write_bytes(
        pdf_bytes(
            [
                "So: 12-HD/TU    ngay 05 thang 3 nam 2025",
                "",
                "HUONG DAN",
                "Hoc tap chuyen de nam 2025",
            ]
        )
    )
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    not_a_document = tmp_path / "ghi-chu.txt"
    not_a_document.write_text("Danh sách đi họp thứ Hai\nAnh Minh, chị Lan", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 tệp"):
        call_command(
            "import_documents",
            str(good_txt),
            str(broken),
            str(good_docx),
            str(not_a_document),
            str(good_pdf),
            stdout=out,
            stderr=err,
        )
    assert "hong.pdf': không phải tệp PDF hợp lệ" in err.getvalue()
    # a file without a symbol is registered without one, titled by its first line
    assert "ghi-chu.txt" not in err.getvalue()
    assert "Đã đăng ký Văn bản (không số hiệu): Danh sách đi họp thứ Hai" in out.getvalue()
    docs = {d.symbol: d for d in Document.objects.all()}
    assert set(docs) == {"15-KH/BTGDVTU", "57-NQ/TW", "12-HD/TU", ""}
    assert docs[""].title == "Danh sách đi họp thứ Hai" and docs[""].kind == "Văn bản"
    nq = docs["57-NQ/TW"]
    assert nq.kind == "Nghị quyết" and nq.issue_date == dt.date(2024, 12, 22)
    assert nq.title.startswith("về đột phá phát triển khoa học")
    assert docs["12-HD/TU"].issue_date == dt.date(2025, 3, 5)
    assert docs["12-HD/TU"].kind == "Hướng dẫn"
    assert Attachment.objects.count() == 4
    # the plan cites 57-NQ/TW, registered after it: linked once both are in
    plan = docs["15-KH/BTGDVTU"]
    assert plan.links_out.filter(target=nq).exists()
    # importing the same file again is refused as a duplicate, nothing changes
    with pytest.raises(CommandError):
        call_command("import_documents", str(good_txt), stdout=StringIO(), stderr=err)
    assert "Đã có văn bản số 15-KH/BTGDVTU" in err.getvalue()
    # and so is the file without a symbol (same title and date)
    with pytest.raises(CommandError):
        call_command("import_documents", str(not_a_document), stdout=StringIO(), stderr=err)
    assert "Đã có văn bản không số hiệu “Danh sách đi họp thứ Hai”" in err.getvalue()
    assert Document.objects.count() == 4 and Attachment.objects.count() == 4


def test_extract_refs_command_json(tmp_path: Path) -> None:
    path = tmp_path / "bai-viet.txt"
    text = "Theo Nghị quyết số 57–NQ/TƯ, Nghị định 30/2020/NĐ-CP và Đề án 1327; ngày 15/5/2020, COVID-19."
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    out = StringIO()
    call_command("extract_refs", str(path), "--json", stdout=out)
    items = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [i["symbol"] for i in items] == ["57-NQ/TW", "30/2020/NĐ-CP", "Đề án 1327"]
    assert [i["system"] for i in items] == ["party", "state", "bare"]
    first = items[0]
    assert set(first) == {
        "file",
        "symbol",
        "system",
        "number",
        "type",
        "issuer",
        "year",
        "kind",
        "start",
        "end",
    }
    assert first["kind"] == "Nghị quyết" and first["number"] == 57 and first["year"] is None
    assert text[first["start"] : first["end"]] == "57–NQ/TƯ"  # offsets into the NFC text
    assert items[1]["year"] == 2020 and items[1]["issuer"] == "CP"


def test_extract_refs_command_reports_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"not a pdf")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "extract_refs", str(bad), str(tmp_path / "missing.txt"), stderr=err, stdout=StringIO()
        )
    assert "không phải tệp PDF hợp lệ" in err.getvalue()
    assert "Không mở được tệp" in err.getvalue()
