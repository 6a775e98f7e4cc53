from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gefeng.supervision"
    label = "supervision"
    verbose_name = "督办与考评"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import demo, menu
        from gefeng.supervision import demo as supervision_demo
        from gefeng.supervision import (
            figures,  # noqa: F401  (registers advanced_units)
            workbench,  # noqa: F401  (registers the home page's items)
        )

        menu.add(
            "sync",
            menu.Item(_("督办事项"), "supervision:task-list", "reform.view", "megaphone"),
            menu.Item(_("督导检查"), "supervision:inspection-list", "reform.view", "search"),
            menu.Item(_("联席会议"), "supervision:meeting-list", "reform.view", "people"),
            menu.Item(_("工作通报"), "supervision:circular-list", "reform.manage", "file-earmark-word"),
            menu.Item(_("年终考评"), "supervision:evaluation-list", "reform.view", "award"),
            menu.Item(_("试点企业"), "supervision:pilot-list", "reform.view", "building"),
        )
        demo.register(
            demo.ModuleDemo(order=25, name="supervision", load=supervision_demo.load, clear=supervision_demo.clear)
        )
