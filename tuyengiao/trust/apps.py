from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "tuyengiao.trust"
    label = "trust"
    verbose_name = "An toàn dữ liệu"

    def ready(self) -> None:
        from . import audit

        audit.register_all()
        audit.watch_two_factor()
