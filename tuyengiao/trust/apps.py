from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "tuyengiao.trust"
    label = "trust"
    verbose_name = "An toàn dữ liệu"

    def ready(self) -> None:
        from tuyengiao.orgs import hooks

        from . import audit, views

        audit.register_all()
        audit.watch_two_factor()
        hooks.member_viewed.connect(views.record_member_view, dispatch_uid="trust.member_viewed")
