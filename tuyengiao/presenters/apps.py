from django.apps import AppConfig


class PresentersConfig(AppConfig):
    name = "tuyengiao.presenters"
    label = "presenters"
    verbose_name = "Báo cáo viên, tuyên truyền viên"

    def ready(self) -> None:
        from . import sheets  # noqa: F401  registers the workbook sheet
