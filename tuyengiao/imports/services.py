"""Writes of the imports app: keep an upload (privately, for a limited time), run its
preview and its commit as background jobs, and build the blank template."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuyengiao.lib.isolated import Limits
from tuyengiao.lib.numbers import format_int

from . import reading
from .framework import ImportResult, registered_sheets, run_import
from .models import ImportJob

UPLOAD_DIR = "imports"
ALLOWED_SUFFIXES = reading.ALLOWED_SUFFIXES


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _upload_path(token: str) -> Path:
    return _upload_dir() / token


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by the server's user only (it holds personal data): created
    with mode 0600, never through the umask's 0644."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT


def upload_check(*, name: str, size: int) -> None:
    """The type and size of an upload, before its bytes are read."""
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError("Chỉ nhận tệp .xlsx, .xls, .ods, .csv hoặc .zip chứa các tệp CSV.")
    limit = Limits.from_settings().max_bytes
    if size > limit:
        raise ValidationError(f"Tệp quá lớn (tối đa {format_int(limit // (1024 * 1024))} MB).")


def upload_store(*, actor: Any, name: str, data: bytes) -> str:
    """Keep an uploaded file until the user confirms it; returns an opaque token
    bound to the user, so nobody can confirm another user's upload. Files left by
    earlier previews that were never confirmed are purged on the way."""
    upload_check(name=name, size=len(data))
    uploads_purge()
    jobs_purge()
    digest = hashlib.sha256(data).hexdigest()
    token = hashlib.sha256(f"{actor.pk}:{digest}:{secrets.token_hex(8)}".encode()).hexdigest()[:40]
    try:
        _write_private(_upload_path(token), data)
        _write_private(_upload_path(token + ".name"), name.encode())
    except OSError:
        upload_discard(token=token)
        raise
    return token


def upload_load(*, token: str) -> tuple[str, bytes] | None:
    if not token.isalnum() or len(token) != 40:
        return None
    path = _upload_path(token)
    if not path.exists():
        return None
    return _upload_path(token + ".name").read_text(), path.read_bytes()


def upload_discard(*, token: str) -> None:
    if not token.isalnum():
        return
    for suffix in ("", ".name"):
        _upload_path(token + suffix).unlink(missing_ok=True)


def uploads_purge(*, now: float | None = None) -> int:
    """Delete uploads older than ``IMPORT_UPLOAD_TTL_HOURS`` (previews never confirmed);
    returns how many files went. Run by ``purge_uploads`` and on every new upload."""
    cutoff = (now or time.time()) - settings.IMPORT_UPLOAD_TTL_HOURS * 3600
    removed = 0
    for path in _upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:  # removed by a concurrent purge
            continue
    return removed


def jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the records of previews and imports that finished more than
    ``IMPORT_UPLOAD_TTL_HOURS`` ago (their pages, their errors with the rows' values,
    which may name people); returns how many went. What an import wrote keeps its
    ``ImportBatch`` and audit rows. Run by ``purge_uploads`` and on every new upload."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IMPORT_UPLOAD_TTL_HOURS)
    deleted, _ = ImportJob.objects.filter(
        status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED), finished_at__lt=cutoff
    ).delete()
    return deleted


def workbook_run(*, actor: Any, name: str, data: bytes, dry_run: bool) -> ImportResult:
    return run_import([(name, data)], actor=actor, dry_run=dry_run)


# --- background jobs ---------------------------------------------------------------


def import_job_create(
    *, actor: Any, token: str, name: str, dry_run: bool, remote_addr: str | None = None
) -> ImportJob:
    """``remote_addr``: the uploader's address, for the audit log of the rows the job
    writes (the task runs outside the request)."""
    return ImportJob.objects.create(
        actor=actor, token=token, file_name=name[:255], dry_run=dry_run, remote_addr=remote_addr
    )


def import_job_confirm(
    *, actor: Any, preview: ImportJob, remote_addr: str | None = None
) -> ImportJob:
    """The commit of a preview the user has seen; refused when the preview had errors
    or its file is gone (expired)."""
    if preview.actor_id != actor.pk or not preview.dry_run:
        raise ValidationError("Không tìm thấy lần kiểm tra này.")
    if preview.status != ImportJob.Status.DONE or preview.result.get("errors"):
        raise ValidationError("Chỉ ghi được tệp đã kiểm tra xong và không có lỗi.")
    if not _upload_path(preview.token).exists():
        raise ValidationError("Tệp đã hết hạn hoặc không tồn tại; hãy tải lên lại.")
    return import_job_create(
        actor=actor,
        token=preview.token,
        name=preview.file_name,
        dry_run=False,
        remote_addr=remote_addr,
    )


def _save(job: ImportJob, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=[*fields, "updated_at"])  # updated_at: the page's sign of life


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one preview or commit (the background task). The file is parsed in a child
    process with limits; the job keeps what the page shows: errors, warnings, counts per
    sheet. A commit's file is deleted afterwards, written or not; so is a preview's when
    it has errors. An unexpected failure marks the job failed and deletes the file."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job
    _save(job, status=ImportJob.Status.RUNNING, progress=5, message="Đang bắt đầu")
    stored = upload_load(token=job.token)
    if stored is None:
        _save(
            job,
            status=ImportJob.Status.FAILED,
            message="Tệp đã hết hạn hoặc không tồn tại; hãy tải lên lại.",
            finished_at=timezone.now(),
        )
        return job
    name, data = stored

    def progress(percent: int, message: str) -> None:
        _save(job, progress=percent, message=message)

    from tuyengiao.trust.audit import acting_as

    try:
        with acting_as(job.actor, job.remote_addr):  # the audit log names the uploader
            result = run_import(
                [(name, data)], actor=job.actor, dry_run=job.dry_run, progress=progress
            )
    except Exception:
        upload_discard(token=job.token)
        _save(
            job,
            status=ImportJob.Status.FAILED,
            message="Lỗi hệ thống khi xử lý tệp; chưa ghi dữ liệu nào. Hãy thử lại hoặc báo "
            "quản trị viên.",
            finished_at=timezone.now(),
        )
        raise
    if not job.dry_run or not result.ok:
        upload_discard(token=job.token)
    summary = {
        "errors": [e.as_dict() for e in result.errors[:1000]],
        "error_count": len(result.errors),
        "warnings": [w.as_dict() for w in result.warnings[:1000]],
        "counts": {k: v.as_dict() for k, v in result.counts.items()},
        "committed": result.committed,
        "changed": result.changed,
    }
    if result.ok:
        done = "Đã ghi dữ liệu" if result.committed else "Đã kiểm tra xong: không có lỗi"
    else:
        done = f"Tệp có {format_int(len(result.errors))} lỗi; chưa ghi dữ liệu nào"
    _save(
        job,
        status=ImportJob.Status.DONE,
        progress=100,
        message=done,
        result=summary,
        batch_id=result.batch_id,
        finished_at=timezone.now(),
    )
    return job


def template_build() -> bytes:
    """A blank workbook: one sheet per registered sheet, headers in row 1 with the
    required ones in bold and each column's help as a cell comment."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from tuyengiao.lib import cells

    workbook = Workbook()
    workbook.remove(workbook.active)
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
