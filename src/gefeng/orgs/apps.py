from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gefeng.orgs"
    label = "orgs"
    verbose_name = "组织架构"

    def ready(self) -> None:
        from gefeng.orgs import figures  # noqa: F401  (registers the app's yearly figures)
