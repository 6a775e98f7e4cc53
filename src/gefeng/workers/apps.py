from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "gefeng.workers"
    label = "workers"
    verbose_name = "职工端"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import audit_actions, demo, menu
        from gefeng.workers import demo as workers_demo
        from gefeng.workers import (
            figures,  # noqa: F401  (registers members_bound, join_applications)
            registry,
            workbench,  # noqa: F401  (registers the union's items)
        )

        registry.register_builtin()
        from gefeng.core import views as core_views
        from gefeng.workers import views as workers_views

        core_views.WORKER_HOME = workers_views.home
        menu.add(
            "orgs",
            menu.Item(_("职工申请办理"), "workers:union-requests", "members.change", "phone", show=menu.not_self_only),
        )
        audit_actions.register(
            "workers",
            _("职工端"),
            {
                "workers.account.registered": _("职工注册账号"),
                "workers.binding.failed": _("实名核验未通过"),
                "workers.binding.requested": _("申请绑定会员"),
                "workers.binding.bound": _("账号绑定会员"),
                "workers.binding.rejected": _("退回绑定申请"),
                "workers.binding.unbound": _("解除账号绑定"),
                "workers.code.issued": _("生成激活码"),
                "workers.join.applied": _("提交入会申请"),
                "workers.join.approved": _("批准入会申请"),
                "workers.join.rejected": _("退回入会申请"),
                "workers.correction.requested": _("提交更正申请"),
                "workers.correction.applied": _("办理更正申请"),
                "workers.correction.rejected": _("退回更正申请"),
                "workers.transfer.requested": _("提交接转申请"),
                "workers.transfer.started": _("原工会发起转出"),
                "workers.transfer.claimed": _("新工会申请接收"),
                "workers.transfer.unmatched": _("申请接收未找到会员"),
                "workers.transfer.released": _("同意转出"),
                "workers.transfer.accepted": _("接收转入"),
                "workers.transfer.rejected": _("退回接转申请"),
                "workers.card.issued": _("发放电子会员证"),
                "workers.card.revoked": _("作废电子会员证"),
            },
        )
        demo.register(demo.ModuleDemo(order=60, name="workers", load=workers_demo.load, clear=workers_demo.clear))
