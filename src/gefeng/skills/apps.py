from typing import Any

from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "gefeng.skills"
    label = "skills"
    verbose_name = "成长聚能"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import audit_actions, demo, menu
        from gefeng.skills import demo as skills_demo
        from gefeng.skills import (
            figures,  # noqa: F401  (registers the figures)
            talent_section,
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.workers import registry

        talent_section.register()
        officials = menu.not_self_only
        menu.add(
            "grow",
            menu.Item(_("技能竞赛"), "skills:competition-list", "skills.view", "trophy", show=officials),
            menu.Item(_("职工培训"), "skills:course-list", "skills.view", "easel", show=officials),
            menu.Item(_("名师高徒"), "skills:pair-list", "skills.view", "people", show=officials),
            menu.Item(_("五小成果与合理化建议"), "skills:proposal-list", "skills.view", "lightbulb", show=officials),
            menu.Item(_("职工专利"), "skills:patent-list", "skills.view", "award", show=officials),
        )
        registry.register(
            registry.Service(
                "skills.compete",
                "技能竞赛报名",
                "skills:w-home",
                "trophy",
                "报名参加技能竞赛、培训，查看成绩",
                None,
                60,
            ),
            registry.Service(
                "skills.proposal",
                "五小与合理化建议",
                "skills:w-proposal-create",
                "lightbulb",
                "提交小发明、小革新和建议",
                None,
                61,
            ),
        )
        audit_actions.register("skills", _("成长聚能"), ACTIONS)
        demo.register(demo.ModuleDemo(order=70, name="skills", load=skills_demo.load, clear=skills_demo.clear))


ACTIONS: dict[str, Any] = {
    "skills.industry.created": "新增竞赛行业",
    "skills.competition.created": "新建技能竞赛",
    "skills.trade.added": "新增竞赛工种",
    "skills.entry.registered": "竞赛报名",
    "skills.entry.withdrawn": "竞赛退赛",
    "skills.judge.added": "登记评委及利益冲突声明",
    "skills.competition.scoring": "竞赛进入评分",
    "skills.score.entered": "录入竞赛成绩",
    "skills.score.imported": "导入竞赛成绩",
    "skills.results.computed": "计算竞赛成绩与名次",
    "skills.results.published": "竞赛结果公示",
    "skills.objection.recorded": "登记公示异议",
    "skills.objection.resolved": "处理公示异议",
    "skills.results.finalized": "确认竞赛结果并授予称号",
    "skills.member.promoted": "竞赛晋升技能等级",
    "skills.entry.nominated": "向上推荐竞赛优胜者",
    "skills.results.exported": "导出竞赛成绩",
    "skills.pair.created": "师徒结对",
    "skills.pair.assessed": "师徒阶段考核",
    "skills.pair.finished": "徒弟出师",
    "skills.pair.ended": "解除师徒结对",
    "skills.pair.rewarded": "奖励师傅",
    "skills.proposal.submitted": "提交五小项目",
    "skills.proposal.reviewed": "评审五小项目",
    "skills.proposal.applied": "五小项目实施",
    "skills.proposal.benefit_confirmed": "核定五小项目效益",
    "skills.proposal.rewarded": "评定五小项目奖励",
    "skills.proposal.paid": "发放五小项目奖励",
    "skills.proposal.selected": "评为县级优秀五小成果",
    "skills.grade.saved": "设置五小奖励等级",
    "skills.patent.recorded": "登记职工专利",
    "skills.patent.granted": "登记专利授权",
    "skills.patent.rewarded": "发放专利发明人奖金",
    "skills.patent.conversion": "登记成果转化收益",
    "skills.course.created": "新建培训班",
    "skills.trainee.enrolled": "培训报名",
    "skills.session.added": "新增培训课次",
    "skills.attendance.imported": "导入培训签到表",
    "skills.attendance.marked": "登记培训签到",
    "skills.attendance.signed": "扫码签到",
    "skills.course.completed": "培训结业",
    "skills.trainee.placed": "登记培训后就业",
}
