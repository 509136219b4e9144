from django.apps import AppConfig


class EssaysConfig(AppConfig):
    name = "tuyengiao.essays"
    label = "essays"
    verbose_name = "Bài thu hoạch"

    def ready(self) -> None:
        from . import report_section, sheets  # noqa: F401  importing sheets registers the sheet

        report_section.register()
