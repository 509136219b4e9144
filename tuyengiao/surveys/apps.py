from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tuyengiao.surveys"
    label = "surveys"
    verbose_name = "Điều tra xã hội học"

    def ready(self) -> None:
        from . import report_section, sheets  # importing sheets registers the workbook sheet

        report_section.register()
        sheets.register()
