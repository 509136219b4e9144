from django.apps import AppConfig


class PresentersConfig(AppConfig):
    name = "tuyengiao.presenters"
    label = "presenters"
    verbose_name = "Báo cáo viên, tuyên truyền viên"

    def ready(self) -> None:
        from . import report_section, sheets  # importing sheets registers the workbook sheet

        report_section.register()
        sheets.extend_session_sheet()
