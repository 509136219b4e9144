from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tuyengiao.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from . import sheets  # noqa: F401  registers the workbook sheet "Văn bản"
