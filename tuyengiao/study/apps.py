from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tuyengiao.study"
    label = "study"
    verbose_name = "Học tập, quán triệt"

    def ready(self) -> None:
        from . import report_section, sheets  # noqa: F401  sheets register the workbook sheets

        report_section.register()
