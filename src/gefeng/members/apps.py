from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gefeng.members"
    label = "members"
    verbose_name = "实名制会员"

    def ready(self) -> None:
        from gefeng.core import startup
        from gefeng.members import (
            figures,  # noqa: F401  (registers the registry's yearly figures)
            workbench,  # noqa: F401  (registers the home page's items)
        )

        def reap_dead() -> None:
            from gefeng.members.imports.tasks import reap_dead

            reap_dead()  # imports cut off when the server last stopped

        startup.register("members.reap_dead", reap_dead)

        from gefeng.core import demo
        from gefeng.members import demo as members_demo

        def load_registry(*, stdout=None, registry=True):
            return members_demo.load_registry(stdout=stdout) if registry else {}

        demo.register(demo.ModuleDemo(order=-10, name="members", load=load_registry, clear=members_demo.clear_registry))
