from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "tuyengiao.media"
    label = "media"
    verbose_name = "Tin bài, khen thưởng và điển hình"

    def ready(self) -> None:
        from . import report_section, sheets  # noqa: F401  importing sheets registers them

        report_section.register()
