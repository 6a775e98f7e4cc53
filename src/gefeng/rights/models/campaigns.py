"""The spring 要约 campaign (春季集体协商要约行动): its period, target, ceremony and witnesses, and
the enterprises picked for it by the five priority kinds (全总 2008《关于开展集体协商要约行动的意见》).

A target's `stage` follows its contract (要约 sent → replied → talks → signed → filed → effective)
and is stored, so the tallies by town are indexed counts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class Priority(models.TextChoices):
    NO_CONTRACT = "no_contract", _("未签订集体合同")
    EXPIRED = "expired", _("集体合同已到期")
    NO_WAGE = "no_wage", _("未签订工资专项集体合同")
    LOW_PAY = "low_pay", _("工资偏低或长期不增长")
    SOE_SALARY = "soe_salary", _("实行年薪制的国有企业")


class Stage(models.IntegerChoices):
    PICKED = 0, _("待发要约")
    SENT = 1, _("已发要约")
    REPLIED = 2, _("已回应")
    TALKS = 3, _("协商中")
    SIGNED = 4, _("已签约")
    FILED = 5, _("已报送")
    EFFECTIVE = 6, _("已生效")


@scope.rule(org="org__", view="rights.view")
class Campaign(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=120)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    target_count = models.PositiveIntegerField(_("签约目标（家）"), default=0)
    ceremony_on = models.DateField(_("要约仪式日期"), null=True, blank=True)
    ceremony_place = models.CharField(_("仪式地点"), max_length=100, blank=True)
    witnesses = models.CharField(_("见证单位"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("要约行动")
        verbose_name_plural = _("要约行动")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["org", "year"], name="campaign_org_year")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="enterprise__", view="rights.view")
class Target(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("镇街"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(_("重点类型"), max_length=12, choices=Priority.choices)
    employees = models.PositiveIntegerField(_("职工人数"), default=0)
    contract = models.ForeignKey(
        "rights.Contract",
        verbose_name=_("集体合同"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    stage = models.PositiveSmallIntegerField(_("进度"), choices=Stage.choices, default=Stage.PICKED)

    class Meta:
        verbose_name = _("要约对象")
        verbose_name_plural = _("要约对象")
        ordering = ["campaign", "town_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="target_once_per_campaign")]
        indexes = [models.Index(fields=["campaign", "town", "stage"], name="target_campaign_town_stage")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.enterprise}"
