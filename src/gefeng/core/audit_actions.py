"""The Chinese name of every action code the audit log can hold, grouped by module.

The audit page, its filter and its export show these names instead of the codes. A module adds
its codes with `register(app_label, group_name, {code: name})` (from its AppConfig.ready, or
here for the apps that came first); `tests/core/test_audit_actions.py` fails for a code the code
base writes without a name.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Name = str | Promise
GROUPS: dict[str, Name] = {}
ACTIONS: dict[str, Name] = {}


def register(app_label: str, group: Name, actions: dict[str, Name]) -> None:
    """Give a module's action codes their names (codes must start with the app label)."""
    for code in actions:
        if not code.startswith(app_label + "."):
            raise ValueError(f"audit action {code!r} does not belong to {app_label!r}")
    GROUPS[app_label] = group
    ACTIONS.update(actions)


def label(code: str) -> str:
    """The Chinese name of an action code; an unknown code shows as itself."""
    name = ACTIONS.get(code)
    return str(name) if name is not None else code


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the filter: per module "全部…操作" (its prefix) then each action."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for app_label, group in GROUPS.items():
        codes = sorted(c for c in ACTIONS if c.startswith(app_label + "."))
        options = [(app_label, f"全部{group}操作")] + [(c, str(ACTIONS[c])) for c in codes]
        out.append((str(group), options))
    return out


register(
    "accounts",
    "账号与安全",
    {
        "accounts.user.created": _("创建账号"),
        "accounts.user.updated": _("修改账号"),
        "accounts.user.roles_changed": _("修改授权"),
        "accounts.user.unlocked": _("解锁账号"),
        "accounts.password.changed": _("修改密码"),
        "accounts.password.reset": _("重置密码"),
        "accounts.session.ended": _("强制下线"),
        "accounts.totp.enabled": _("启用动态口令"),
        "accounts.totp.disabled": _("停用动态口令"),
        "accounts.role.confirmed": _("确认授权"),
        "accounts.role.rejected": _("驳回授权"),
    },
)
register(
    "orgs",
    "组织架构",
    {
        "orgs.node.created": _("新建组织"),
        "orgs.node.updated": _("修改组织"),
        "orgs.node.moved": _("调整上级组织"),
        "orgs.node.closed": _("撤销组织"),
        "orgs.node.phone_revealed": _("查看组织联系电话"),
    },
)
register(
    "members",
    "会员",
    {
        "members.member.joined": _("会员入会"),
        "members.member.updated": _("修改会员信息"),
        "members.member.left": _("会员退会"),
        "members.member.retained": _("保留会籍"),
        "members.member.transferred": _("会员转入"),
        "members.member.transferred_out": _("会员转出"),
        "members.member.id_number_revealed": _("查看完整身份证号"),
        "members.member.phone_revealed": _("查看完整手机号"),
        "members.member.exported": _("导出会员"),
        "members.export.revealed": _("导出会员（含完整个人信息）"),
        "members.export.downloaded": _("下载后台导出的会员名册"),
        "members.coverage_gap.exported": _("导出未建会、未入会清单"),
        "members.import.queued": _("提交花名册导入"),
        "members.import.applied": _("导入花名册"),
        "members.import.rejects_downloaded": _("下载导入错误行"),
        "members.import.files_purged": _("清除导入文件"),
        "members.value_mapping.saved": _("保存花名册用词映射"),
    },
)
register(
    "reform",
    "产改责任清单",
    {
        "reform.plan.created": _("新建年度计划"),
        "reform.plan.updated": _("修改年度计划"),
        "reform.plan.copied": _("复制年度计划"),
        "reform.measure.created": _("新建举措"),
        "reform.measure.updated": _("修改举措"),
        "reform.item.created": _("新建责任项目"),
        "reform.item.updated": _("修改责任项目"),
        "reform.item.deleted": _("删除责任项目"),
        "reform.report.saved": _("保存报送草稿"),
        "reform.report.submitted": _("报送进展"),
        "reform.report.accepted": _("审核通过报送"),
        "reform.report.returned": _("退回报送"),
        "reform.evidence.added": _("上传佐证材料"),
        "reform.evidence.deleted": _("删除佐证材料"),
        "reform.remind": _("发送报送提醒"),
        "reform.plan.exported": _("导出责任清单"),
        "reform.plan.units_exported": _("导出成员单位推进情况"),
    },
)
register(
    "supervision",
    "督办考评",
    {
        "supervision.notice.added": _("下发督办通知"),
        "supervision.rectification.added": _("下发整改事项"),
        "supervision.decision.added": _("登记议定事项"),
        "supervision.task.progress": _("报告督办进展"),
        "supervision.task.submit": _("回复督办 / 申请办结"),
        "supervision.task.return": _("退回督办回复"),
        "supervision.task.close": _("督办办结"),
        "supervision.task.cancel": _("撤销督办"),
        "supervision.inspection.created": _("登记督导检查"),
        "supervision.meeting.created": _("登记联席会议"),
        "supervision.meeting.updated": _("修改联席会议"),
        "supervision.meeting.attached": _("上传会议材料"),
        "supervision.notice.issued": _("印发通知"),
        "supervision.circular.issued": _("印发工作通报"),
        "supervision.evaluation.created": _("新建年终考评"),
        "supervision.evaluation.updated": _("修改年终考评"),
        "supervision.evaluation.computed": _("计算考评得分"),
        "supervision.evaluation.finalized": _("确定考评结果"),
        "supervision.evaluation.reopened": _("重新打开考评"),
        "supervision.rule.added": _("新增加减分规则"),
        "supervision.rule.deleted": _("删除加减分规则"),
        "supervision.score.bonus": _("记加分"),
        "supervision.score.deduction": _("记扣分"),
        "supervision.score.quality": _("评定工作质量分"),
        "supervision.score.adjustment_deleted": _("删除加减分记录"),
        "supervision.pilot.created": _("登记试点企业"),
        "supervision.pilot.updated": _("修改试点企业"),
        "supervision.exported": _("导出督办考评数据"),
    },
)
register(
    "honours",
    "选树表彰",
    {
        "honours.campaign.created": _("新建评选活动"),
        "honours.honour.exported": _("导出荣誉记录"),
        "honours.campaign.updated": _("修改评选活动"),
        "honours.campaign.approved": _("批准评选方案"),
        "honours.campaign.opened": _("开始推荐"),
        "honours.campaign.notice_started": _("开始公示"),
        "honours.campaign.closed": _("结束评选"),
        "honours.campaign.cancelled": _("取消评选"),
        "honours.award.created": _("新增奖项"),
        "honours.award.updated": _("修改奖项"),
        "honours.allocation.set": _("分配名额"),
        "honours.allocation.removed": _("取消名额分配"),
        "honours.rule.added": _("新增评选规则"),
        "honours.rule.deleted": _("删除评选规则"),
        "honours.nomination.created": _("新建推荐"),
        "honours.nomination.updated": _("修改推荐"),
        "honours.nomination.submitted": _("提交推荐"),
        "honours.nomination.withdrawn": _("撤回推荐"),
        "honours.nomination.submit": _("推荐：提交"),
        "honours.nomination.approve": _("推荐：审核通过"),
        "honours.nomination.return": _("推荐：退回修改"),
        "honours.nomination.reject": _("推荐：不予通过"),
        "honours.nomination.withdraw": _("推荐：撤销"),
        "honours.clearance.saved": _("登记征求意见结果"),
        "honours.attachment.added": _("上传推荐材料"),
        "honours.attachment.deleted": _("删除推荐材料"),
        "honours.objection.recorded": _("登记公示异议"),
        "honours.objection.resolved": _("处理公示异议"),
        "honours.honour.granted": _("授予荣誉"),
        "honours.honour.revoked": _("撤销荣誉"),
    },
)
register(
    "talent",
    "人才库",
    {
        "talent.profile.created": _("建立人才档案"),
        "talent.profile.updated": _("修改人才档案"),
        "talent.profile.bank_updated": _("修改银行账户"),
        "talent.profile.bank_account_revealed": _("查看完整银行账号"),
        "talent.profiles.exported": _("导出人才库"),
        "talent.profiles.synced": _("从荣誉记录同步人才库"),
        "talent.category.created": _("新建人才类别"),
        "talent.category.updated": _("修改人才类别"),
    },
)
register(
    "allowances",
    "劳模津贴",
    {
        "allowances.kind.created": _("新建津贴种类"),
        "allowances.kind.updated": _("修改津贴种类"),
        "allowances.rule.created": _("新建津贴标准"),
        "allowances.rule.updated": _("修改津贴标准"),
        "allowances.run.created": _("新建年度发放"),
        "allowances.run.rebuilt": _("重新生成发放名单"),
        "allowances.run.submitted": _("提交发放审批"),
        "allowances.run.returned": _("退回发放"),
        "allowances.run.approved": _("批准发放"),
        "allowances.run.paid": _("登记已发放"),
        "allowances.run.cancelled": _("取消发放"),
        "allowances.run.payment_file_exported": _("导出银行代发文件"),
        "allowances.run.report_exported": _("导出发放汇总表"),
    },
)
register(
    "api",
    "接口",
    {
        "api.token.created": _("创建接口令牌"),
        "api.token.revoked": _("吊销接口令牌"),
    },
)
register(
    "core",
    "平台",
    {
        "core.audit.exported": _("导出审计日志"),
        "core.figures.exported": _("导出年度数据"),
        "core.demo.loaded": _("载入演示数据"),
        "core.demo.disabled": _("停用演示账号"),
        "core.backup.created": _("备份数据"),
        "core.backup.restored": _("恢复数据"),
    },
)
