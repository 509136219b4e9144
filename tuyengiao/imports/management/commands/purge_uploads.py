"""``python manage.py purge_uploads``: delete import files never confirmed, and attachment
files a rolled-back transaction left without a row (cron, hourly)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from tuyengiao.imports.services import uploads_purge
from tuyengiao.lib.numbers import format_int


class Command(BaseCommand):
    help = (
        "Xoá các tệp nhập dữ liệu đã kiểm tra nhưng không được xác nhận, cũ hơn "
        "IMPORT_UPLOAD_TTL_HOURS giờ."
    )

    def handle(self, *args: object, **options: object) -> None:
        from tuyengiao.documents.services import attachments_purge_orphans

        cutoff = time.time() - settings.IMPORT_UPLOAD_TTL_HOURS * 3600
        removed = uploads_purge() + attachments_purge_orphans(older_than=cutoff)
        self.stdout.write(
            f"Đã xoá {format_int(removed)} tệp cũ hơn {settings.IMPORT_UPLOAD_TTL_HOURS} giờ."
        )
