from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gefeng.honours"
    label = "honours"
    verbose_name = "选树表彰"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import demo, menu
        from gefeng.honours import demo as honours_demo
        from gefeng.honours import figures  # noqa: F401  (registers honours_awarded, labour_model_frontline_share)

        menu.add(
            "sync",
            menu.Item(_("选树表彰"), "honours:campaign-list", "honours.nominate", "award"),
            menu.Item(_("荣誉记录"), "honours:honour-list", "honours.view", "trophy"),
        )
        demo.register(demo.ModuleDemo(order=30, name="honours", load=honours_demo.load, clear=honours_demo.clear))
