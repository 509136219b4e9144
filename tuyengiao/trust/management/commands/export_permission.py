"""``python manage.py export_permission USERNAME on|off``: who may export personal data."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM


class Command(BaseCommand):
    help = "Cấp (on) hoặc thu hồi (off) quyền xuất danh sách đảng viên (dữ liệu cá nhân)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("state", choices=["on", "off"])

    def handle(self, *args: object, **options: object) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']}.")
        allowed = options["state"] == "on"
        try:
            services.assignment_set_export(actor=SYSTEM, user=user, allowed=allowed)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Đã cấp" if allowed else "Đã thu hồi"
        self.stdout.write(f"{verb} quyền xuất dữ liệu cá nhân cho {user.get_username()}.")
