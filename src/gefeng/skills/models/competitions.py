"""Skill and labour competitions (职工技术创新暨劳动竞赛, 沛工发〔2020〕6号): the industries
dictionary, competitions with their trades and groups, entries, judges and their scores.

A competition hangs on its organiser (`org`); an entry on the contestant's enterprise, so the
organiser (county, town) and the enterprise's union both see it; a worker sees their own entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


@scope.rule(org="org__", view="skills.view")
class Industry(models.Model):
    """One of the campaign's industries (the notice's 十大行业): a dictionary the county edits."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("设置单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("行业"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("竞赛行业")
        verbose_name_plural = _("竞赛行业")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="skills_industry_org_name")]

    def __str__(self) -> str:
        return self.name


class CompLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWN = "town", _("镇街级")
    INDUSTRY = "industry", _("行业（系统）级")
    ENTERPRISE = "enterprise", _("企业级")


class CompStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    SCORING = "scoring", _("比赛评分")
    NOTICE = "notice", _("结果公示")
    CLOSED = "closed", _("已结束")


class AwardMode(models.TextChoices):
    SHARE = "share", _("按比例")
    PLACES = "places", _("按名次")


class TieRule(models.TextChoices):
    PRACTICE = "practice", _("总分相同按实操成绩高者在前")
    THEORY = "theory", _("总分相同按理论成绩高者在前")
    SHARED = "shared", _("总分相同并列名次")


@scope.rule(org="org__", view="skills.view")
class Competition(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("竞赛名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=CompLevel.choices, default=CompLevel.COUNTY)
    organiser = models.CharField(_("承办单位"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("比赛日期"))
    registration_closes_on = models.DateField(_("报名截止"))
    status = models.CharField(_("状态"), max_length=10, choices=CompStatus.choices, default=CompStatus.OPEN)
    theory_weight = models.PositiveSmallIntegerField(_("理论权重（%）"), default=30)
    practice_weight = models.PositiveSmallIntegerField(_("实操权重（%）"), default=70)
    drop_extremes = models.BooleanField(_("去掉最高分和最低分"), default=False)
    tie_rule = models.CharField(_("同分规则"), max_length=10, choices=TieRule.choices, default=TieRule.PRACTICE)
    award_mode = models.CharField(_("奖项设置"), max_length=8, choices=AwardMode.choices, default=AwardMode.SHARE)
    first = models.PositiveSmallIntegerField(_("一等奖（%或名）"), default=10)
    second = models.PositiveSmallIntegerField(_("二等奖（%或名）"), default=20)
    third = models.PositiveSmallIntegerField(_("三等奖（%或名）"), default=30)
    title_places = models.PositiveSmallIntegerField(_("授予技术能手的名次"), default=3)
    promote_places = models.PositiveSmallIntegerField(_("晋升技能等级的名次"), default=5)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), default=60)
    min_skill_level = models.CharField(_("最低技能等级"), max_length=1, blank=True)
    exclude_titled = models.BooleanField(_("已获本行业技术能手者不得参赛"), default=True)
    notice_ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技能竞赛")
        verbose_name_plural = _("技能竞赛")
        ordering = ["-year", "-starts_on", "-id"]
        indexes = [
            models.Index(fields=["org", "year"], name="skills_comp_org_year"),
            models.Index(fields=["status", "registration_closes_on"], name="skills_comp_status"),
        ]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="competition__org__", view="skills.view")
class Trade(models.Model):
    """A trade (工种) and group (组别) of a competition: rankings and awards are per trade."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="trades")
    name = models.CharField(_("工种"), max_length=40)
    group = models.CharField(_("组别"), max_length=20, default="职工组")
    theory_max = models.PositiveSmallIntegerField(_("理论满分"), default=100)
    practice_max = models.PositiveSmallIntegerField(_("实操满分"), default=100)

    class Meta:
        verbose_name = _("竞赛工种")
        verbose_name_plural = _("竞赛工种")
        ordering = ["competition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name", "group"], name="skills_trade_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.group}）"


class EntryStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    INELIGIBLE = "ineligible", _("资格不符")
    WITHDRAWN = "withdrawn", _("已退赛")


class Tier(models.TextChoices):
    FIRST = "1", _("一等奖")
    SECOND = "2", _("二等奖")
    THIRD = "3", _("三等奖")


@scope.rule(org="enterprise__", person="person__user_id", view="skills.view")
class Entry(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    trade = models.ForeignKey(Trade, verbose_name=_("工种"), on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("members.Member", verbose_name=_("选手"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    self_registered = models.BooleanField(_("本人报名"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.REGISTERED)
    theory = models.DecimalField(_("理论成绩"), max_digits=6, decimal_places=2, null=True, blank=True)
    practice = models.DecimalField(_("实操成绩"), max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("总成绩"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    tier = models.CharField(_("奖项"), max_length=1, choices=Tier.choices, blank=True)
    title = models.CharField(_("授予称号"), max_length=40, blank=True)
    promoted_to = models.CharField(_("晋升技能等级"), max_length=1, blank=True)
    granted_on = models.DateField(_("授予日期"), null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    nominated = models.CharField(_("向上推荐"), max_length=100, blank=True)
    objection = models.TextField(_("公示异议"), blank=True)
    objection_result = models.TextField(_("异议处理"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["trade_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "trade", "person"], name="skills_entry_once"),
        ]
        indexes = [
            models.Index(fields=["competition", "trade", "rank"], name="skills_entry_rank"),
            models.Index(fields=["person", "competition"], name="skills_entry_person"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.trade}"


@scope.rule(org="competition__org__", view="skills.view")
class Judge(models.Model):
    """A judge with the declaration of interests: the judge's own employer is named, and scores
    for contestants of that employer are refused."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    name = models.CharField(_("评委姓名"), max_length=50)
    employer = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("工作单位名称"), max_length=100, blank=True)
    declaration = models.TextField(_("利益冲突声明"))
    declared_on = models.DateField(_("声明日期"))

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["competition", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="skills_judge_unique")]

    def __str__(self) -> str:
        return self.name


class Part(models.TextChoices):
    THEORY = "theory", _("理论")
    PRACTICE = "practice", _("实操")


@scope.rule(org="entry__enterprise__", view="skills.view")
class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    part = models.CharField(_("项目"), max_length=8, choices=Part.choices)
    value = models.DecimalField(_("分数"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "part"], name="skills_score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="skills_score_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.part} {self.value}"
