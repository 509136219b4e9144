"""``python manage.py seed_demo [--if-empty]``: the demo province and its accounts."""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import demo
from tuyengiao.orgs.models import Unit


class Command(BaseCommand):
    help = "Tạo tỉnh mẫu (đơn vị, đảng viên, tài khoản demo). Chạy lại không tạo trùng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="bỏ qua nếu đã có đơn vị")

    def handle(self, *args: object, **options: object) -> None:
        has_demo = Unit.objects.filter(code="TU-LC").exists()
        if not has_demo and options["if_empty"] and Unit.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có đơn vị của bạn; không tạo dữ liệu mẫu.")
            return
        if has_demo:
            self.stdout.write("Tỉnh mẫu đã có sẵn; chỉ bổ sung phần dữ liệu mẫu còn thiếu.")
        else:
            summary = demo.build()
            self.stdout.write(
                f"Đã tạo tỉnh mẫu: {format_int(summary['units'])} đơn vị, "
                f"{format_int(summary['members'])} đảng viên."
            )
            self.stdout.write("Tài khoản demo (mật khẩu: demo):")
            for username, label in summary["accounts"]:
                self.stdout.write(f"  {username:10s} {label}")
        # Later apps add their demo data (documents, campaigns...) in their demo.py;
        # each build() is idempotent, so a database seeded before an app landed gets it.
        # A module may set ``ORDER`` (default 0) to run after the others: periods approves
        # reports, which locks the figures the other apps' demos write.
        modules = []
        for app in apps.get_app_configs():
            if app.name.startswith("tuyengiao.") and app.label != "orgs":
                module = f"{app.name}.demo"
                if importlib.util.find_spec(module) is not None:
                    modules.append(importlib.import_module(module))
        for found in sorted(modules, key=lambda m: getattr(m, "ORDER", 0)):
            message = found.build()
            if message:
                self.stdout.write(str(message))
