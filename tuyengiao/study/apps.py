from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tuyengiao.study"
    label = "study"
    verbose_name = "Học tập, quán triệt"

    def ready(self) -> None:
        from tuyengiao.orgs import hooks

        from . import (
            sheets,  # noqa: F401  registers the workbook sheets
            views,
        )

        hooks.register_member_unit_panel(views.member_unit_panel)
