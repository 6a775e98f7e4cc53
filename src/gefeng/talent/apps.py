from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "gefeng.talent"
    label = "talent"
    verbose_name = "人才库"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import demo, menu
        from gefeng.honours.models import Honour
        from gefeng.talent import builtin_sections, signals
        from gefeng.talent import demo as talent_demo

        post_save.connect(signals.honour_saved, sender=Honour, dispatch_uid="talent.honour_saved")
        builtin_sections.register_all()
        menu.add(
            "grow",
            menu.Item(_("人才库"), "talent:profile-list", "talent.view", "award"),
            menu.Item(_("人才统计"), "talent:profile-stats", "talent.view", "pie-chart"),
        )
        demo.register(demo.ModuleDemo(order=35, name="talent", load=talent_demo.load, clear=talent_demo.clear))
