from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "gefeng.reform"
    label = "reform"
    verbose_name = "产改责任清单"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import demo, menu
        from gefeng.reform import demo as reform_demo
        from gefeng.reform import (
            figures,  # noqa: F401  (registers plan_items, plan_items_completed, reports_late)
            workbench,  # noqa: F401  (registers the home page's items)
        )

        menu.add(
            "sync",
            menu.Item(_("责任清单"), "reform:plan-list", "reform.view", "list-check"),
            menu.Item(_("本期报送"), "reform:report-due", "reform.report", "send"),
            menu.Item(_("报送审核"), "reform:report-list", "reform.manage", "clipboard-check"),
            menu.Item(_("产改看板"), "reform:dashboard", "reform.view", "speedometer2"),
        )
        demo.register(demo.ModuleDemo(order=20, name="reform", load=reform_demo.load, clear=reform_demo.clear))
