"""Study campaigns (学习强国, theme studies, 学教活动) and their supervision (学习督导).

A campaign hangs on the node that runs it (the county's 宣传部 or the county federation, a town,
an enterprise); its target population comes from the registry: the active members of some
organisations, or the party members among them, or a named list. Each round (期) has a date; the
round's target is counted from the registry on that date, its participants are the results
entered or imported from the study platform's export, matched through the registry's blind
index. `RoundTally` holds the counts per union (target, participants, score sum) written when a
round's results change: the rates by union, town and member unit, the 通报 and the figures are
sums over it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class CampaignKind(models.TextChoices):
    XUEXI = "xuexi", _("学习强国")
    THEME = "theme", _("主题学习")
    XUEJIAO = "xuejiao", _("学教活动")


class Target(models.TextChoices):
    ORGS = "orgs", _("所选组织的在会会员")
    PARTY = "party", _("所选组织中的党员")
    LIST = "list", _("指定名单")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    ONCE = "once", _("不定期")


@scope.rule(org="org__", view="learning.view")
class Campaign(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.XUEXI)
    target = models.CharField(_("学习对象"), max_length=10, choices=Target.choices, default=Target.ORGS)
    target_orgs = models.ManyToManyField("orgs.OrgNode", verbose_name=_("对象范围"), related_name="+", blank=True)
    frequency = models.CharField(_("通报周期"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    full_score = models.DecimalField(_("满分"), max_digits=7, decimal_places=1, default=100)
    starts_on = models.DateField(_("开始日期"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学习活动")
        verbose_name_plural = _("学习活动")
        ordering = ["-starts_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="learning_campaign_org_name")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="campaign__org__", view="learning.view")
class CampaignListed(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A person of a campaign's named list (target = 指定名单)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="listed")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="learning_listed_once")]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("汇总中")
    CIRCULATED = "circulated", _("已通报")


@scope.rule(org="campaign__org__", view="learning.view")
class Round(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("期数"))
    as_of = models.DateField(_("统计日期"), help_text=_("学习对象按此日的会员名册计算"))
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    target_count = models.PositiveIntegerField(_("应学人数"), default=0)
    participants = models.PositiveIntegerField(_("参学人数"), default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    doc_number = models.CharField(_("通报文号"), max_length=40, blank=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    circulated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学习轮次")
        verbose_name_plural = _("学习轮次")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="learning_round_number")]
        indexes = [models.Index(fields=["as_of"], name="learning_round_as_of")]

    def __str__(self) -> str:
        return f"{self.campaign.name} 第{self.number}期"

    @property
    def rate(self) -> float | None:
        return self.participants / self.target_count if self.target_count else None

    @property
    def average(self) -> float | None:
        return float(self.score_sum) / self.participants if self.participants else None


class Source(models.TextChoices):
    ENTERED = "entered", _("录入")
    IMPORTED = "imported", _("导入")


@scope.rule(org="union__", view="learning.view")
class StudyResult(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """One person's result in one round (unique): the score and study time the platform reports,
    at the union the person belonged to when it was recorded."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=1)
    minutes = models.PositiveIntegerField(_("学习时长（分钟）"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学习成绩")
        verbose_name_plural = _("学习成绩")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="learning_result_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="learning_result_score_nonneg"),
        ]
        indexes = [models.Index(fields=["round", "union"], name="learning_result_round_union")]


@scope.rule(org="union__", view="learning.view")
class RoundTally(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """Counts of one round at one union: the target from the registry on the round's date, the
    participants and their score sum. Rewritten whole when the round's results change."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    union = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    target = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=1, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "union"], name="learning_tally_once")]


@scope.rule(org="round__campaign__org__", view="learning.view")
class ResultImport(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """One imported result sheet: what was read, matched and refused (row-level report)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    matched = models.PositiveIntegerField(_("匹配"), default=0)
    refused = models.PositiveIntegerField(_("未匹配"), default=0)
    report = models.JSONField(default=list, blank=True)  # [{"row": n, "name": masked, "reason": …}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
