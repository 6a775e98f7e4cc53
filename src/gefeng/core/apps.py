from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gefeng.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from gefeng.core import checks, deploy_checks  # noqa: F401  (registers system checks)
