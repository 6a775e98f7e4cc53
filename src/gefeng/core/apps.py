from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gefeng.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gefeng.core import checks, deploy_checks  # noqa: F401  (registers system checks)

        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(sender, using="default", **kwargs) -> None:
    """`gefeng migrate` also makes the shared cache's table when GEFENG_CACHE=database."""
    from django.conf import settings
    from django.core.management import call_command

    if using == "default" and settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
