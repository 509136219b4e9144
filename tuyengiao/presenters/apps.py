from django.apps import AppConfig


class PresentersConfig(AppConfig):
    name = "tuyengiao.presenters"
    label = "presenters"
    verbose_name = "Báo cáo viên, tuyên truyền viên"

    def ready(self) -> None:
        from . import report_section, sheets, sheets_outreach  # noqa: F401  importing registers the sheets

        report_section.register()
        sheets.extend_session_sheet()
