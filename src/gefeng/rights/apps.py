from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "gefeng.rights"
    label = "rights"
    verbose_name = "维权"

    def ready(self) -> None:
        from gefeng.rights import setup

        setup.register()
