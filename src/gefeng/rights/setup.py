"""What 维权 hands the platform at start-up: figures, workbench items, menu entries, the worker's
办事 services, audit action names and the demo part."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def _bound(user: Any) -> bool:
    from gefeng.workers import selectors

    return selectors.own_member(user) is not None


AUDIT_ACTIONS: dict[str, Any] = {
    "rights.contract.offered": "登记集体协商要约",
    "rights.contract.replied": "登记要约书面回应",
    "rights.contract.recorder": "指定协商记录员",
    "rights.contract.talked": "登记协商会议",
    "rights.contract.drafted": "登记集体合同草案",
    "rights.contract.voted": "登记职代会审议表决",
    "rights.contract.signed": "登记集体合同签字",
    "rights.contract.filed": "登记集体合同报送",
    "rights.contract.reviewed": "登记集体合同审查结果",
    "rights.contract.deemed": "集体合同审查期满生效",
    "rights.contract.published": "登记集体合同公布",
    "rights.contract.expired": "集体合同到期",
    "rights.contract.exported": "导出集体合同登记",
    "rights.negotiator.added": "添加协商代表",
    "rights.negotiator.left": "登记协商代表离任",
    "rights.campaign.created": "创建要约行动",
    "rights.campaign.exported": "导出要约行动统计",
    "rights.coverage.exported": "导出集体合同覆盖情况",
    "rights.target.added": "添加要约对象",
    "rights.target.picked": "按重点类型选取要约对象",
    "rights.committee.created": "登记调解委员会",
    "rights.committee.member_added": "添加调解委员",
    "rights.case.applied": "受理劳动争议调解申请",
    "rights.case.worker_applied": "职工在线申请调解",
    "rights.case.assigned": "指定调解组织",
    "rights.case.session": "登记调解记录",
    "rights.case.agreed": "登记调解协议",
    "rights.case.failed": "登记调解不成",
    "rights.case.limitation": "登记仲裁时效中断或中止",
    "rights.case.referred": "转劳动仲裁",
    "rights.case.accepted": "登记仲裁受理",
    "rights.case.extended": "延长仲裁审理期限",
    "rights.case.awarded": "登记仲裁裁决",
    "rights.case.withdrawn": "登记撤回调解申请",
    "rights.case.viewed": "查看劳动争议案件",
    "rights.case.revealed": "查看当事人联系电话",
    "rights.case.agreement": "下载调解协议书",
    "rights.consult.created": "登记法律咨询",
    "rights.consult.answered": "答复法律咨询",
    "rights.consult.referred": "转介法律援助",
    "rights.consult.viewed": "查看法律咨询",
    "rights.warning.created": "登记风险预警",
    "rights.warning.handled": "登记预警处置",
}


def register() -> None:
    from gefeng.core import audit_actions, demo, menu
    from gefeng.rights import demo as rights_demo
    from gefeng.rights import (
        figures,  # noqa: F401  (registers the 维权 figures)
        workbench,  # noqa: F401  (registers the home page's items)
    )
    from gefeng.workers import registry

    audit_actions.register("rights", _("维权"), AUDIT_ACTIONS)
    office = menu.not_self_only
    menu.add(
        "share",
        menu.Item(_("集体合同"), "rights:contract-list", "rights.view", "file-earmark-text", show=office),
        menu.Item(_("要约行动"), "rights:campaign-list", "rights.view", "megaphone", show=office),
        menu.Item(_("集体合同覆盖"), "rights:coverage", "rights.view", "pie-chart", show=office),
        menu.Item(_("劳动争议调解"), "rights:case-list", "rights.cases", "people", show=office),
        menu.Item(_("调解组织"), "rights:committee-list", "rights.cases", "diagram-2", show=office),
        menu.Item(_("风险预警"), "rights:warning-list", "rights.cases", "exclamation-triangle", show=office),
        menu.Item(_("法律咨询"), "rights:consult-list", "rights.consult", "chat-square-text", show=office),
    )
    if "rights.consult" not in set(registry.keys()):
        registry.register(
            registry.Service(
                "rights.consult",
                "法律咨询",
                "rights:worker-consult",
                "chat-square-text",
                "劳动权益问题，在线咨询法工部",
                _bound,
                60,
            ),
            registry.Service(
                "rights.mediation",
                "申请调解",
                "rights:worker-mediation",
                "people",
                "与单位发生劳动争议？申请调解",
                _bound,
                62,
            ),
            registry.Service("rights.my", "我的维权", "rights:my", "shield-check", "咨询和调解的办理进度", None, 64),
        )
    demo.register(demo.ModuleDemo(order=65, name="rights", load=rights_demo.load, clear=rights_demo.clear))
