from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gefeng.orgs"
    label = "orgs"
    verbose_name = "组织架构"

    def ready(self) -> None:
        from gefeng.core import demo, tree
        from gefeng.orgs import demo as orgs_demo
        from gefeng.orgs import figures  # noqa: F401  (registers the app's yearly figures)
        from gefeng.orgs.tree import OrgTree

        tree.set_source(OrgTree())
        demo.register(
            demo.ModuleDemo(
                order=-30,
                name="orgs",
                load=orgs_demo.load,
                clear=orgs_demo.clear,
                guard=orgs_demo.guard,
                anchor=orgs_demo.anchor,
            )
        )
