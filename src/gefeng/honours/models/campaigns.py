"""Campaigns with their awards, quota allocations and ratio rules, and the kinds and levels of honours."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class HonourKind(models.TextChoices):
    LABOUR_MODEL = "labour_model", _("劳动模范")
    ADVANCED_COLLECTIVE = "advanced_collective", _("先进集体")
    TOP_CIVILIZED_WORKER = "top_civilized_worker", _("十佳文明职工")
    CIVILIZED_WORKER = "civilized_worker", _("文明职工")
    MODEL_POST = "model_post", _("五一文明示范岗")
    CIVILIZED_POST = "civilized_post", _("五一文明岗")
    CRAFTSMAN = "craftsman", _("工匠")
    ADVANCED_WORKER = "advanced_worker", _("先进工作者")
    MORAL_MODEL = "moral_model", _("道德模范")
    MAY_DAY_MEDAL = "may_day_medal", _("五一劳动奖章")
    MAY_DAY_AWARD = "may_day_award", _("五一劳动奖状")
    PIONEER = "pioneer", _("工人先锋号")
    OTHER = "other", _("其他")


# Kinds awarded to a collective (a unit, a team, a post) rather than to a person.
COLLECTIVE_KINDS = frozenset(
    {
        HonourKind.ADVANCED_COLLECTIVE,
        HonourKind.MODEL_POST,
        HonourKind.CIVILIZED_POST,
        HonourKind.MAY_DAY_AWARD,
        HonourKind.PIONEER,
    }
)


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


# Higher is more senior: used by "required prior honour at level ≥ …".
LEVEL_RANK = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCIAL: 3, Level.NATIONAL: 4}


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    NOMINATING = "nominating", _("推荐中")
    REVIEWING = "reviewing", _("审核中")
    NOTICE = "notice", _("公示中")
    DECIDED = "decided", _("已表彰")
    CANCELLED = "cancelled", _("已撤销")


@scope.rule(org="org__", view="honours.view")
class Campaign(models.Model):
    """One commendation: 评选表彰 at the county level or a recommendation upward (推荐上报).

    `org` is the organising node (the county for county campaigns): the campaign is visible to
    everyone with `honours.view` at or under it — see selectors.campaign_list, which also shows
    open campaigns to units below.
    """

    name = models.CharField(_("名称"), max_length=120)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, default=Level.COUNTY)
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField(_("授予单位"), max_length=120, help_text=_("证书与荣誉记录上的授予单位"))
    year = models.PositiveSmallIntegerField(_("表彰年度"), help_text=_("作出表彰决定的年度，荣誉记录按此年度计"))
    period_start = models.PositiveSmallIntegerField(_("评选期间自"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("评选期间至"), null=True, blank=True)
    upward = models.BooleanField(_("向上推荐"), default=False, help_text=_("推荐参评上级荣誉（奖章、奖状、先锋号等）"))
    nomination_deadline = models.DateField(_("推荐截止日期"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=5)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_token = models.CharField(max_length=64, blank=True, db_index=True)
    required_clearances = models.JSONField(
        _("企业负责人须提供的证明"), default=list, blank=True, help_text=_("企业负责人被推荐时必须具备的审查意见")
    )
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    decided_on = models.DateField(_("表彰决定日期"), null=True, blank=True)
    decision_no = models.CharField(_("表彰文号"), max_length=60, blank=True)
    override_reason = models.TextField(_("不符合比例仍批准的理由"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("表彰活动")
        verbose_name_plural = _("表彰活动")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["status", "year"], name="campaign_status_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def notice_ends_on(self) -> dt.date | None:
        """The last day of the notice (inclusive)."""
        if self.notice_starts_on is None:
            return None
        return self.notice_starts_on + dt.timedelta(days=max(self.notice_days, 1) - 1)


class Subject(models.TextChoices):
    PERSON = "person", _("个人")
    COLLECTIVE = "collective", _("集体")


@scope.rule(org="campaign__org__", view="honours.view")
class Award(models.Model):
    """One honour a campaign confers (e.g. 劳动模范 66 名, 先进集体 29 个), with its total quota."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("荣誉类别"), max_length=24, choices=HonourKind.choices)
    title = models.CharField(_("荣誉名称"), max_length=120, help_text=_("证书上的全称，如“沛县劳动模范”"))
    subject = models.CharField(_("对象"), max_length=12, choices=Subject.choices, default=Subject.PERSON)
    quota = models.PositiveIntegerField(_("名额"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "title"], name="award_campaign_title")]

    def __str__(self) -> str:
        return self.title


# An allocation hangs on the unit given the places: the organiser (whose scope holds every unit
# below it) sees them all, a town or system only its own.
@scope.rule(org="org__", view="honours.view")
class Allocation(models.Model):
    """名额分配: how many of an award's places a town or a system (member unit) may nominate.

    Nominations from units in the allocated node's subtree count against it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allocations")
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="allocations")
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("分配给"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额分配")
        verbose_name_plural = _("名额分配")
        constraints = [models.UniqueConstraint(fields=["award", "org"], name="allocation_award_org")]

    def __str__(self) -> str:
        return f"{self.org} {self.award}: {self.quota}"


class RuleKind(models.TextChoices):
    MIN_SHARE = "min_share", _("最低比例")
    MAX_SHARE = "max_share", _("最高比例")
    NO_REPEAT = "no_repeat", _("年限内不重复授予")
    REQUIRED_PRIOR = "required_prior", _("须已获荣誉")
    EXCLUDE = "exclude", _("不得推荐")


class Trait(models.TextChoices):
    """What a share rule or an exclusion counts among individual nominees."""

    FRONTLINE = "frontline", _("一线职工（一线工人和技术人员）")
    LEADER = "leader", _("企业负责人和领导干部")
    OFFICIAL = "official", _("党政机关干部")
    MIGRANT = "migrant", _("农民工")
    FEMALE = "female", _("女职工")
    NON_PUBLIC = "non_public", _("非公有制经济组织")


@scope.rule(org="campaign__org__", view="honours.view")
class Rule(models.Model):
    """One eligibility rule of a campaign, as the year's notice sets it.

    min_share / max_share: `trait` and `percent`, among the individual nominees (of `award`, or of
    every individual award when `award` is empty). no_repeat: no honour of the award's kind in the
    last `years` years. required_prior: an honour of `prior_kind` at `prior_level` or above.
    exclude: nominees with `trait` may not be nominated.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("规则"), max_length=16, choices=RuleKind.choices)
    trait = models.CharField(_("对象特征"), max_length=12, choices=Trait.choices, blank=True)
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    years = models.PositiveSmallIntegerField(_("年限"), null=True, blank=True)
    prior_kind = models.CharField(_("须已获荣誉"), max_length=24, choices=HonourKind.choices, blank=True)
    prior_level = models.CharField(_("最低级别"), max_length=12, choices=Level.choices, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评选规则")
        verbose_name_plural = _("评选规则")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_trait_display() if self.trait else ''}".strip()
