from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tuyengiao.study"
    label = "study"
    verbose_name = "Học tập, quán triệt"

    def ready(self) -> None:
        from . import sheets  # noqa: F401  registers the workbook sheets
