from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tuyengiao.study"
    label = "study"
    verbose_name = "Học tập, quán triệt"

    def ready(self) -> None:
        from tuyengiao.orgs import hooks
        from tuyengiao.snapshots.services import register

        from . import campaign_figures, report_section, sheets, unit_members, views  # noqa: F401  sheets register the workbook sheets

        report_section.register()
        register(campaign_figures.KIND, campaign_figures.compute)
        hooks.register_member_unit_panel(views.member_unit_panel)
        hooks.register_members_changed(unit_members.units_refresh)
        hooks.register_member_counter(unit_members.subtree_member_counts)
