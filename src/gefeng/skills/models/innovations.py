"""五小 (小发明 小创造 小革新 小设计 小建议) and rationalisation proposals, their team and shares,
the reward grade table, payments, and patents with the statutory inventor reward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope, uploads

ATTACHMENTS = uploads.Policy(
    kinds=("pdf", *uploads.IMAGES, *uploads.OFFICE),
    folder="skills/proposals",
    size_setting="SKILLS_ATTACHMENT_MAX_MB",
    default_mb=20,
)


class ProposalKind(models.TextChoices):
    INVENTION = "invention", _("小发明")
    CREATION = "creation", _("小创造")
    RENOVATION = "renovation", _("小革新")
    DESIGN = "design", _("小设计")
    SUGGESTION = "suggestion", _("小建议")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待评审")
    REJECTED = "rejected", _("未采纳")
    TRIAL = "trial", _("试行中")
    APPLIED = "applied", _("已实施")
    CONFIRMED = "confirmed", _("效益已核定")
    REWARDED = "rewarded", _("已评奖")
    PAID = "paid", _("奖励已发放")


@scope.rule(org="org__", person="proposer__user_id", view="skills.view")
class Proposal(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=12, choices=ProposalKind.choices)
    title = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("内容说明"))
    proposer = models.ForeignKey(
        "members.Member", verbose_name=_("第一完成人"), on_delete=models.PROTECT, related_name="+"
    )
    proposer_name = models.CharField(_("第一完成人姓名"), max_length=50)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_submitted = models.BooleanField(_("职工本人提交"), default=False)
    submitted_on = models.DateField(_("提交日期"))
    attachment = models.FileField(_("附件"), upload_to=uploads.UploadTo("skills/proposals"), blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    # Exclusions (declared at submission, checked at review).
    gov_funded = models.BooleanField(_("属政府资助的科技项目"), default=False)
    gov_rewarded = models.BooleanField(_("已获政府奖励"), default=False)
    secret = models.BooleanField(_("涉密或涉及国家安全"), default=False)
    ip_dispute = models.BooleanField(_("存在知识产权争议"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    reviewed_on = models.DateField(_("评审日期"), null=True, blank=True)
    committee = models.CharField(_("评审委员会成员"), max_length=300, blank=True)
    union_member = models.CharField(_("参加评审的工会代表"), max_length=50, blank=True)
    rejection_reason = models.TextField(_("未采纳理由"), blank=True)
    trial_from = models.DateField(_("试行开始"), null=True, blank=True)
    applied_on = models.DateField(_("正式实施日期"), null=True, blank=True)
    benefit_yuan = models.DecimalField(
        _("12个月经济效益（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    benefit_to = models.DateField(_("效益测算截止"), null=True, blank=True)
    finance_confirmed_by = models.CharField(_("财务核定人"), max_length=50, blank=True)
    grade = models.PositiveSmallIntegerField(_("奖励等级"), null=True, blank=True)
    reward_yuan = models.DecimalField(_("奖金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    county_year = models.PositiveSmallIntegerField(_("县级优秀五小成果年度"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("五小成果与合理化建议")
        verbose_name_plural = _("五小成果与合理化建议")
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["org", "submitted_on"], name="skills_prop_org_day"),
            models.Index(fields=["status", "submitted_on"], name="skills_prop_status"),
            models.Index(fields=["applied_on"], name="skills_prop_applied"),
            models.Index(fields=["org", "title"], name="skills_prop_title"),
        ]

    def __str__(self) -> str:
        return self.title


@scope.rule(org="proposal__org__", person="member__user_id", view="skills.view")
class Contributor(models.Model):
    """A member of the proposal's team and their contribution share (the shares add up to 100)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="contributors")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    share = models.PositiveSmallIntegerField(_("贡献份额（%）"))
    amount = models.DecimalField(_("分得奖金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("完成人")
        verbose_name_plural = _("完成人")
        ordering = ["proposal", "-share", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="skills_contrib_once"),
            models.CheckConstraint(condition=Q(share__gte=1, share__lte=100), name="skills_contrib_share"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.share}%"


@scope.rule(org="org__", view="skills.view")
class RewardGrade(models.Model):
    """The reward table: a proposal whose confirmed yearly benefit reaches `min_benefit` gets the
    grade and the amount (the 5 grades of the 合理化建议和技术改进奖励条例; amounts local)."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("设置单位"), on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("等级"))
    min_benefit = models.DecimalField(_("年效益不低于（元）"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("奖金（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("奖励等级")
        verbose_name_plural = _("奖励等级")
        ordering = ["org", "grade"]
        constraints = [models.UniqueConstraint(fields=["org", "grade"], name="skills_grade_once")]

    def __str__(self) -> str:
        return f"{self.grade}等"


class PatentKind(models.TextChoices):
    INVENTION = "invention", _("发明专利")
    UTILITY = "utility", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")


@scope.rule(org="org__", view="skills.view")
class Patent(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("专利权人"), on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("对应五小成果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patents",
    )
    title = models.CharField(_("专利名称"), max_length=100)
    kind = models.CharField(_("专利类型"), max_length=10, choices=PatentKind.choices)
    number = models.CharField(_("申请号"), max_length=30)
    inventors = models.CharField(_("发明人"), max_length=200)
    applied_on = models.DateField(_("申请日"))
    granted_on = models.DateField(_("授权公告日"), null=True, blank=True)
    reward_yuan = models.DecimalField(_("发明人奖金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    reward_paid_on = models.DateField(_("奖金发放日"), null=True, blank=True)
    has_agreement = models.BooleanField(_("单位与发明人有约定或规章制度"), default=False)
    income_yuan = models.DecimalField(
        _("转让或许可净收入（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    inventor_share_yuan = models.DecimalField(
        _("发明人所得（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        ordering = ["-applied_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="skills_patent_number")]
        indexes = [
            models.Index(fields=["granted_on"], name="skills_patent_granted"),
            models.Index(fields=["reward_paid_on", "granted_on"], name="skills_patent_reward"),
        ]

    def __str__(self) -> str:
        return self.title
