from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "gefeng.allowances"
    label = "allowances"
    verbose_name = "劳模津贴"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.allowances import demo as allowances_demo
        from gefeng.allowances import (
            figures,  # noqa: F401  (registers allowance_recipients, allowance_total_yuan)
            talent_section,
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.core import demo, menu

        talent_section.register()
        menu.add(
            "share",
            menu.Item(_("劳模津贴"), "allowances:run-list", "allowances.view", "cash-coin"),
            menu.Item(_("津贴种类与标准"), "allowances:kind-list", "allowances.view", "sliders"),
        )
        demo.register(
            demo.ModuleDemo(order=40, name="allowances", load=allowances_demo.load, clear=allowances_demo.clear)
        )
