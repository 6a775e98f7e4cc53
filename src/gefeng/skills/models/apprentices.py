"""名师高徒 / 拜师—传帮带: master–apprentice pairs with their 师徒协议书, assessments, 出师 and the
master's rewards."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("带徒中")
    QUALIFIED = "qualified", _("已出师")
    NOT_QUALIFIED = "failed", _("未出师")
    ENDED = "ended", _("已解除")


@scope.rule(org="org__", person="apprentice__user_id", view="skills.view")
class Pair(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    master = models.ForeignKey("members.Member", verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="+")
    apprentice = models.ForeignKey("members.Member", verbose_name=_("徒弟"), on_delete=models.PROTECT, related_name="+")
    master_name = models.CharField(_("师傅姓名"), max_length=50)
    apprentice_name = models.CharField(_("徒弟姓名"), max_length=50)
    trade = models.CharField(_("传授技艺（工种）"), max_length=60)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("结束日期"))
    duties = models.TextField(_("双方职责"))
    plan = models.TextField(_("带徒计划"))
    targets = models.TextField(_("培养目标"))
    allowance_monthly = models.DecimalField(_("师傅带徒津贴（元/月）"), max_digits=8, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=PairStatus.choices, default=PairStatus.ACTIVE)
    finished_on = models.DateField(_("出师日期"), null=True, blank=True)
    result = models.TextField(_("出师考核结果"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_on"], name="skills_pair_org_start"),
            models.Index(fields=["master", "starts_on"], name="skills_pair_master"),
            models.Index(fields=["finished_on"], name="skills_pair_finished"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(master=models.F("apprentice")), name="skills_pair_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.master_name}—{self.apprentice_name}"


@scope.rule(org="pair__org__", view="skills.view")
class Assessment(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="assessments")
    on = models.DateField(_("考核日期"))
    score = models.PositiveSmallIntegerField(_("考核得分"))
    note = models.CharField(_("考核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("阶段考核")
        verbose_name_plural = _("阶段考核")
        ordering = ["pair", "on", "id"]

    def __str__(self) -> str:
        return f"{self.pair} {self.on}"


@scope.rule(org="pair__org__", view="skills.view")
class MasterReward(models.Model):
    """A one-off reward of the master for an apprentice's achievement (at most one per pair and reason)."""

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="rewards")
    reason = models.CharField(_("奖励事由"), max_length=200)
    basis = models.CharField(_("依据"), max_length=20)  # "contest" or "level"
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    on = models.DateField(_("奖励日期"))

    class Meta:
        verbose_name = _("师傅奖励")
        verbose_name_plural = _("师傅奖励")
        constraints = [models.UniqueConstraint(fields=["pair", "basis"], name="skills_reward_once")]

    def __str__(self) -> str:
        return self.reason
