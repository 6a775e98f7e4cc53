from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gefeng.honours"
    label = "honours"
    verbose_name = "选树表彰"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import demo, menu
        from gefeng.honours import demo as honours_demo
        from gefeng.honours import (
            figures,  # noqa: F401  (registers honours_awarded, labour_model_frontline_share)
            workbench,  # noqa: F401  (registers the home page's items)
        )

        menu.add(
            "sync",
            menu.Item(_("选树表彰"), "honours:campaign-list", "honours.nominate", "award"),
            menu.Item(_("荣誉记录"), "honours:honour-list", "honours.view", "trophy", show=menu.not_self_only),
            # The worker's own honours: the same page, which shows a worker only their own.
            menu.Item(
                _("我的荣誉"), "honours:honour-list", ("self.view", "honours.view"), "trophy", show=menu.self_only
            ),
        )
        demo.register(demo.ModuleDemo(order=30, name="honours", load=honours_demo.load, clear=honours_demo.clear))
