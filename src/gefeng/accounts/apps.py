from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gefeng.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.accounts import (
            checks,  # noqa: F401  (deployment checks: demo accounts, published passwords)
            signals,  # noqa: F401  (login log and session registry)
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.accounts import demo as accounts_demo
        from gefeng.accounts.roles import grants_for
        from gefeng.core import audit_actions, demo, menu, scope
        from gefeng.core.checks import add_production_blocker

        scope.set_grants_source(grants_for)
        add_production_blocker(_blockers)
        demo.register(
            demo.ModuleDemo(
                order=-20,
                name="accounts",
                load=accounts_demo.load,
                clear=accounts_demo.clear,
                disable=accounts_demo.disable,
                credentials=accounts_demo.credentials,
            )
        )

        audit_actions.register("accounts", "账号与安全", {"accounts.address.unlocked": _("解除地址锁定")})
        menu.add("system", menu.Item(_("待确认授权"), "accounts:grant-list", "accounts.confirm", "person-check"))


def _blockers() -> list[str]:
    from gefeng.accounts.services import production_blockers

    return production_blockers()
