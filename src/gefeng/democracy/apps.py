from django.apps import AppConfig


class DemocracyConfig(AppConfig):
    name = "gefeng.democracy"
    label = "democracy"
    verbose_name = "民主管理"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import audit_actions, demo, menu
        from gefeng.democracy import demo as democracy_demo
        from gefeng.democracy import (
            figures,  # noqa: F401  (registers congresses_established … disclosure_compliance)
            workbench,  # noqa: F401  (registers the home page's items and deadlines)
            worker_services,
        )

        worker_services.register()
        menu.add(
            "sync",
            menu.Item(_("职代会"), "democracy:congress-list", "democracy.view", "people", show=menu.not_self_only),
            menu.Item(
                _("职代会提案"), "democracy:proposal-list", "democracy.view", "lightbulb", show=menu.not_self_only
            ),
            menu.Item(
                _("厂务公开"), "democracy:disclosure-list", "democracy.view", "megaphone", show=menu.not_self_only
            ),
        )
        audit_actions.register(
            "democracy",
            _("民主管理"),
            {
                "democracy.congress.created": _("组建职代会"),
                "democracy.congress.settings": _("修改职代会设置"),
                "democracy.constituency.added": _("新增选区"),
                "democracy.representative.elected": _("登记职工代表"),
                "democracy.representative.vacated": _("职工代表出缺"),
                "democracy.presidium.set": _("确定主席团"),
                "democracy.committee.saved": _("设置专门委员会"),
                "democracy.meeting.created": _("新增会议"),
                "democracy.calendar.generated": _("生成年度会议计划"),
                "democracy.meeting.materials": _("发送会议材料"),
                "democracy.meeting.opened": _("开会"),
                "democracy.meeting.signed_in": _("登记代表签到"),
                "democracy.meeting.checked_in": _("代表扫码签到"),
                "democracy.meeting.closed": _("闭会"),
                "democracy.meeting.published": _("公布会议决议"),
                "democracy.meeting.cancelled": _("取消会议"),
                "democracy.motion.created": _("新增表决事项"),
                "democracy.motion.opened": _("开始表决"),
                "democracy.motion.closed": _("结束表决并计票"),
                "democracy.vote.cast": _("代表投票"),
                "democracy.vote.paper_issued": _("发放纸质选票"),
                "democracy.vote.paper_counted": _("录入纸质计票"),
                "democracy.proposal.submitted": _("提交提案"),
                "democracy.proposal.decided": _("审查提案"),
                "democracy.proposal.assigned": _("交办提案"),
                "democracy.proposal.answered": _("答复提案"),
                "democracy.proposal.rated": _("评价提案答复"),
                "democracy.disclosure.published": _("发布厂务公开"),
                "democracy.document.created": _("登记章程或制度"),
                "democracy.export": _("导出民主管理数据"),
            },
        )
        demo.register(demo.ModuleDemo(order=45, name="democracy", load=democracy_demo.load, clear=democracy_demo.clear))
