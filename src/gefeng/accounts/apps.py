from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gefeng.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.accounts import (
            signals,  # noqa: F401  (login log and session registry)
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.accounts.roles import grants_for
        from gefeng.core import audit_actions, menu, scope

        scope.set_grants_source(grants_for)

        audit_actions.register("accounts", "账号与安全", {"accounts.address.unlocked": _("解除地址锁定")})
        menu.add("system", menu.Item(_("待确认授权"), "accounts:grant-list", "accounts.confirm", "person-check"))
