from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "tuyengiao.periods"
    label = "periods"
    verbose_name = "Kỳ báo cáo"

    def ready(self) -> None:
        from tuyengiao.orgs.hooks import register_figure_write_guard
        from tuyengiao.snapshots.services import register

        from . import live_changes, report_section, services

        report_section.register()
        register_figure_write_guard(services.figures_guard)
        register(live_changes.KIND, live_changes.compute)
