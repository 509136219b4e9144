from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tuyengiao.followup"
    label = "followup"
    verbose_name = "Chương trình hành động, kiểm tra giám sát"

    def ready(self) -> None:
        from . import report_section, sheets  # noqa: F401  importing sheets registers them

        report_section.register()
