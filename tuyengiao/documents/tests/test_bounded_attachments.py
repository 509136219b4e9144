"""Document attachments have a bounded cost and leave nothing behind (issues 10.3, 10.9).

The 60 KB DOCX that cost 60 s of CPU was reference extraction, not DOCX parsing: a body
with ``Nghị quyết số`` and a long run of spaces (which compresses to almost nothing) made
``extract_refs`` quadratic; python-docx read it in milliseconds. Extraction is linear now
(``lib/tests/test_refs_linear.py``) and text is extracted in a child process with limits.
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pytest_django.fixtures import Settings

from tuyengiao.documents import services
from tuyengiao.documents.files import extract_text
from tuyengiao.documents.models import Attachment, Document
from tuyengiao.orgs.access import SYSTEM

from .samples import docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def test_the_60s_docx_is_read_and_its_reference_found() -> None:
    data = docx_bytes(["Thực hiện Nghị quyết số" + " " * 50_000 + "Chỉ thị số 05-CT/TW"])
    assert len(data) < 60_000
    document = services.document_create(actor=SYSTEM, symbol="16-KH/TU", title="Kế hoạch")
    attachment = services.attachment_add(actor=SYSTEM, document=document, name="a.docx", data=data)
    assert "05-CT/TW" in attachment.text
    assert [r.symbol for r in document.refs.all()] == ["05-CT/TW"]


def test_a_docx_zip_bomb_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (50 * 1024 * 1024))
    with pytest.raises(ValidationError, match="bom nén"):
        extract_text("bom.docx", out.getvalue())


def test_text_beyond_the_cap_is_refused(settings: Any) -> None:
    settings.UPLOAD_MAX_TEXT_CHARS = 1000
    with pytest.raises(ValidationError, match="vượt giới hạn"):
        extract_text("a.txt", ("chữ " * 1000).encode())


def test_attachment_files_are_private(media: Path) -> None:
    document = services.document_create(actor=SYSTEM, symbol="16-KH/TU", title="Kế hoạch")
    attachment = services.attachment_add(
        actor=SYSTEM, document=document, name="a.txt", data="Nội dung".encode()
    )
    assert stat.S_IMODE(os.stat(attachment.file.path).st_mode) == 0o600


def test_a_rolled_back_attachment_leaves_no_file(media: Path, monkeypatch: Any) -> None:
    document = services.document_create(actor=SYSTEM, symbol="16-KH/TU", title="Kế hoạch")

    def broken(document: Document) -> None:
        raise ValidationError("lỗi khi lập chỉ mục")

    monkeypatch.setattr(services, "reindex", broken)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=SYSTEM, document=document, name="a.txt", data=b"abc")
    assert not Attachment.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_purge_removes_attachment_files_without_a_row(media: Path) -> None:
    orphan = media / "van-ban" / "999" / "a.txt"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    document = services.document_create(actor=SYSTEM, symbol="16-KH/TU", title="Kế hoạch")
    kept = services.attachment_add(actor=SYSTEM, document=document, name="b.txt", data=b"abc")
    day_ago = time.time() - 25 * 3600
    for path in (orphan, Path(kept.file.path)):
        os.utime(path, (day_ago, day_ago))
    call_command("purge_uploads", stdout=io.StringIO())
    assert not orphan.exists() and Path(kept.file.path).exists()


def test_an_attachment_over_the_size_cap_is_refused_before_it_is_read(
    client_for: Any, world: Any, monkeypatch: Any
) -> None:
    from django.urls import reverse

    from tuyengiao.documents import files

    monkeypatch.setattr(files, "MAX_BYTES", 100)
    from django.core.files.uploadedfile import InMemoryUploadedFile

    big = io.BytesIO(b"x" * 101)  # the test client reads this; the server must not
    big.name = "to.txt"

    def never(self: Any) -> Any:
        pytest.fail("the oversized upload was read into memory")

    monkeypatch.setattr(InMemoryUploadedFile, "read", property(never))
    response = client_for("province").post(
        reverse("documents:create"),
        {"symbol": "57-NQ/TW", "title": "X", "status": "in_force", "tep": [big]},
    )
    assert "lớn hơn 20 MB" in response.content.decode()
    assert not Document.objects.exists()
