from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gefeng.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from gefeng.accounts import signals  # noqa: F401  (login log and session registry)
