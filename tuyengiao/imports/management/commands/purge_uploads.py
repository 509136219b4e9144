"""``python manage.py purge_uploads``: delete import files never confirmed, the records of
finished previews and imports, and attachment and evidence files a rolled-back transaction
left without a row, all older than ``IMPORT_UPLOAD_TTL_HOURS`` (cron, hourly)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from tuyengiao.imports.services import jobs_purge, uploads_purge
from tuyengiao.lib.numbers import format_int


class Command(BaseCommand):
    help = (
        "Xoá các tệp nhập dữ liệu đã kiểm tra nhưng không được xác nhận, kết quả các lượt "
        "kiểm tra và nhập đã xong, và các tệp đính kèm, minh chứng không còn thuộc bản ghi "
        "nào, cũ hơn IMPORT_UPLOAD_TTL_HOURS giờ."
    )

    def handle(self, *args: object, **options: object) -> None:
        from tuyengiao.documents.services import attachments_purge_orphans
        from tuyengiao.followup.services import evidence_purge_orphans

        cutoff = time.time() - settings.IMPORT_UPLOAD_TTL_HOURS * 3600
        removed = (
            uploads_purge()
            + attachments_purge_orphans(older_than=cutoff)
            + evidence_purge_orphans(older_than=cutoff)
        )
        jobs = jobs_purge()
        self.stdout.write(
            f"Đã xoá {format_int(removed)} tệp và {format_int(jobs)} kết quả kiểm tra, nhập "
            f"cũ hơn {settings.IMPORT_UPLOAD_TTL_HOURS} giờ."
        )
