from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "tuyengiao.contests"
    label = "contests"
    verbose_name = "Ngân hàng câu hỏi, cuộc thi"

    def ready(self) -> None:
        from . import report_section

        report_section.register()
