from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tuyengiao.orgs"
    label = "orgs"
    verbose_name = "Tổ chức và đảng viên"

    def ready(self) -> None:
        from . import sheets  # noqa: F401  registers the workbook sheets
