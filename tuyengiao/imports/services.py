"""Writes of the imports app: run an uploaded workbook, keep the upload for
confirmation, and build the blank template."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from .framework import ImportResult, registered_sheets, run_import

UPLOAD_DIR = "imports"
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".zip")
MAX_BYTES = 20 * 1024 * 1024


def _upload_path(token: str):  # type: ignore[no-untyped-def]
    path = settings.MEDIA_ROOT / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path / token


def upload_store(*, actor: Any, name: str, data: bytes) -> str:
    """Keep an uploaded file until the user confirms it; returns an opaque token
    bound to the user, so nobody can confirm another user's upload."""
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError("Chỉ nhận tệp .xlsx, .xls, .ods, .csv hoặc .zip chứa các tệp CSV.")
    if len(data) > MAX_BYTES:
        raise ValidationError("Tệp quá lớn (tối đa 20 MB).")
    digest = hashlib.sha256(data).hexdigest()
    token = hashlib.sha256(f"{actor.pk}:{digest}".encode()).hexdigest()[:40]
    _upload_path(token).write_bytes(data)
    _upload_path(token + ".name").write_text(name)
    return token


def upload_load(*, token: str) -> tuple[str, bytes] | None:
    if not token.isalnum() or len(token) != 40:
        return None
    path = _upload_path(token)
    if not path.exists():
        return None
    return _upload_path(token + ".name").read_text(), path.read_bytes()


def upload_discard(*, token: str) -> None:
    for suffix in ("", ".name"):
        _upload_path(token + suffix).unlink(missing_ok=True)


def workbook_run(*, actor: Any, name: str, data: bytes, dry_run: bool) -> ImportResult:
    return run_import([(name, data)], actor=actor, dry_run=dry_run)


def template_build() -> bytes:
    """A blank workbook: one sheet per registered sheet, headers in row 1 with the
    required ones in bold and each column's help as a cell comment."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from tuyengiao.lib import cells

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for spec in registered_sheets():
        sheet = workbook.create_sheet(spec.name)
        for index, column in enumerate(spec.columns, start=1):
            cell = cells.put(sheet, 1, index, column.header)
            cell.font = Font(bold=column.required)
            cell.fill = PatternFill("solid", fgColor="FDE2E1" if column.required else "EEEEEE")
            note = ("Bắt buộc. " if column.required else "Không bắt buộc. ") + column.help
            cell.comment = Comment(note.strip(), "Tuyên giáo")
            sheet.column_dimensions[cell.column_letter].width = max(16, len(column.header) + 4)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
