from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gefeng.care"
    label = "care"
    verbose_name = "困难职工帮扶"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.care import demo as care_demo
        from gefeng.care import (
            figures,  # noqa: F401  (registers the hardship and care figures)
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.core import audit_actions, demo, menu
        from gefeng.workers import registry

        menu.add(
            "share",
            menu.Item(_("困难职工档案"), "care:file-list", "care.view", "heart-pulse", show=menu.not_self_only),
            menu.Item(_("帮扶记录"), "care:aid-list", "care.view", "hand-thumbs-up", show=menu.not_self_only),
            menu.Item(_("关爱活动"), "care:campaign-list", "care.view", "gift", show=menu.not_self_only),
            menu.Item(_("帮扶资金"), "care:fund-list", "care.view", "bank", show=menu.not_self_only),
            menu.Item(_("帮扶标准"), "care:rule-list", "care.view", "sliders", show=menu.not_self_only),
            menu.Item(_("参保扩面"), "care:pension-list", "care.view", "shield-check", show=menu.not_self_only),
        )
        registry.register(
            registry.Service(
                key="care.apply",
                label="困难帮扶",
                url_name="care:my",
                icon="heart",
                hint="遇到困难可在线申请帮扶，查看进度和领取记录",
                show=_bound,
                order=60,
            )
        )
        audit_actions.register(
            "care",
            _("困难职工帮扶"),
            {
                "care.file.applied": _("提交帮扶申请"),
                "care.file.updated": _("修改帮扶申请"),
                "care.file.document_added": _("上传档案材料"),
                "care.file.document_opened": _("查看档案材料"),
                "care.file.viewed": _("查看困难档案明细"),
                "care.file.visited": _("登记入户走访"),
                "care.file.checked": _("困难档案初审"),
                "care.file.reviewed": _("困难档案复审"),
                "care.file.rejected": _("帮扶申请不予通过"),
                "care.file.reverify": _("发起年度复核"),
                "care.file.ended": _("困难档案脱困或注销"),
                "care.files.exported": _("导出困难职工档案"),
                "care.notice.created": _("发布帮扶公示"),
                "care.notice.objection_added": _("登记公示异议"),
                "care.notice.objection_resolved": _("处理公示异议"),
                "care.notice.closed": _("公示结束建档"),
                "care.rule.created": _("新增帮扶标准"),
                "care.rule.updated": _("修改帮扶标准"),
                "care.aid.created": _("登记帮扶记录"),
                "care.aid.approved": _("审批帮扶记录"),
                "care.aid.rejected": _("退回帮扶记录"),
                "care.aid.reversed": _("冲销帮扶记录"),
                "care.aid.bank_exported": _("导出帮扶银行代发文件"),
                "care.fund.created": _("新增帮扶资金"),
                "care.fund.credited": _("帮扶资金拨入"),
                "care.fund.reversed": _("冲销资金拨入"),
                "care.fund.budgeted": _("安排资金预算"),
                "care.fund.ledger_exported": _("导出资金台账"),
                "care.campaign.created": _("新建关爱活动"),
                "care.campaign.proposed": _("报送活动名单"),
                "care.campaign.decided": _("审核活动名单"),
                "care.campaign.started": _("活动开始发放"),
                "care.campaign.closed": _("结束关爱活动"),
                "care.campaign.delivered": _("登记活动发放"),
                "care.campaign.offer_saved": _("登记春送岗位信息"),
                "care.campaign.exported": _("导出活动汇总"),
                "care.pension.target_set": _("设置参保扩面目标"),
                "care.pension.reported": _("报告参保人数"),
                "care.pension.confirmed": _("导入人社局参保确认"),
                "care.pension.exported": _("导出参保缺口"),
            },
        )
        demo.register(demo.ModuleDemo(order=46, name="care", load=care_demo.load, clear=care_demo.clear))


def _bound(user: object) -> bool:
    from gefeng.workers import selectors

    return selectors.own_member(user) is not None
