"""``python manage.py reset_two_factor USERNAME``: remove a user's two-factor device."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.trust import services


class Command(BaseCommand):
    help = (
        "Đặt lại xác thực hai lớp của một tài khoản (mất điện thoại): xoá ứng dụng xác thực "
        "đã đăng ký; lần đăng nhập sau người dùng đăng ký lại. Việc đặt lại có trong nhật ký."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']}.")
        try:
            count = services.totp_reset(actor=SYSTEM, user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if count:
            self.stdout.write(f"Đã đặt lại xác thực hai lớp của {user.get_username()}.")
        else:
            self.stdout.write(f"{user.get_username()} chưa đăng ký xác thực hai lớp.")
