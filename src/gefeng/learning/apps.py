from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "gefeng.learning"
    label = "learning"
    verbose_name = "引领聚魂"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from gefeng.core import audit_actions, demo, menu
        from gefeng.learning import demo as learning_demo
        from gefeng.learning import (
            figures,  # noqa: F401  (registers the 引领聚魂 figures)
            workbench,  # noqa: F401  (registers the home page's items)
        )
        from gefeng.workers import registry

        menu.add(
            "lead",
            menu.Item(_("学习督导"), "learning:campaign-list", "learning.view", "book", show=menu.not_self_only),
            menu.Item(_("知识竞赛"), "learning:contest-list", "learning.view", "trophy", show=menu.not_self_only),
            menu.Item(_("题库"), "learning:question-list", "learning.view", "list-check", show=menu.not_self_only),
            menu.Item(_("党建带工建"), "learning:party", "learning.view", "flag", show=menu.not_self_only),
            menu.Item(
                _("各镇（街道）党组织和党员"),
                "learning:party-towns",
                "learning.view",
                "table",
                show=menu.not_self_only,
            ),
            menu.Item(_("阵地建设"), "learning:position-list", "learning.view", "house", show=menu.not_self_only),
            menu.Item(
                _("安全生产活动"), "learning:safety-list", "learning.view", "shield-check", show=menu.not_self_only
            ),
        )
        registry.register(
            registry.Service(
                "learning.contests", "知识竞赛", "learning:my-contests", "trophy", "在线答题，查看成绩和排名", None, 60
            )
        )
        audit_actions.register(
            "learning",
            "引领聚魂",
            {
                "learning.campaign.created": _("新建学习活动"),
                "learning.round.created": _("新建学习轮次"),
                "learning.result.entered": _("录入学习成绩"),
                "learning.result.imported": _("导入学习成绩"),
                "learning.round.circulated": _("学习情况通报"),
                "learning.round.exported": _("导出学习通报"),
                "learning.question.created": _("新增试题"),
                "learning.question.imported": _("导入题库"),
                "learning.contest.created": _("新建知识竞赛"),
                "learning.contest.published": _("发布知识竞赛"),
                "learning.contest.closed": _("结束知识竞赛"),
                "learning.contest.exported": _("导出竞赛成绩"),
                "learning.attempt.started": _("开始答题"),
                "learning.attempt.submitted": _("交卷"),
                "learning.attempt.expired": _("超时交卷"),
                "learning.certificate.issued": _("下载荣誉证书"),
                "learning.party_org.created": _("新建党组织"),
                "learning.development.recorded": _("登记发展党员阶段"),
                "learning.building_item.created": _("新增党建带工建事项"),
                "learning.position.created": _("新增阵地"),
                "learning.activity.recorded": _("登记阵地活动"),
                "learning.safety.created": _("新建安全生产活动"),
                "learning.safety.session": _("登记安全宣讲场次"),
                "learning.safety.trainees": _("登记安全培训名册人员"),
                "learning.safety.counted": _("修改名册外受训人数"),
                "learning.safety.signin": _("导入安全培训签到表"),
                "learning.photo.added": _("上传阵地照片"),
                "learning.photo.deleted": _("删除阵地照片"),
                "learning.borrowing.recorded": _("登记书房借阅"),
                "learning.party.exported": _("导出各镇党组织和党员情况"),
            },
        )
        demo.register(demo.ModuleDemo(order=45, name="learning", load=learning_demo.load, clear=learning_demo.clear))
