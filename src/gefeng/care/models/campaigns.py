"""Campaigns (四季送 and others), their rosters, deliveries and the job offers of 春送岗位;
the pension drive (参保扩面)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_id_number


class CampaignKind(models.TextChoices):
    SPRING = "spring", _("春送岗位")
    SUMMER = "summer", _("夏送清凉")
    AUTUMN = "autumn", _("金秋助学")
    WINTER = "winter", _("冬送温暖")
    FESTIVAL = "festival", _("两节送温暖")
    EPIDEMIC = "epidemic", _("疫情专项")
    SANITATION = "sanitation", _("环卫工人关爱")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", _("筹备（报名单）")
    DELIVERING = "delivering", _("发放中")
    CLOSED = "closed", _("已结束")


@scope.rule(org="org__", view="care.view")
class Campaign(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("活动类型"), max_length=12, choices=CampaignKind.choices)
    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    groups = models.JSONField(_("对象类别"), default=list)
    rule = models.ForeignKey("care.AidRule", verbose_name=_("帮扶标准"), on_delete=models.PROTECT, related_name="+")
    default_amount = models.DecimalField(_("每人标准（元）"), max_digits=10, decimal_places=2, default=0)
    default_goods = models.CharField(_("慰问物资"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("关爱活动")
        verbose_name_plural = _("关爱活动")
        ordering = ["-year", "-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "year", "kind"], name="care_campaign_org_year")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="care_campaign_dates")
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    PROPOSED = "proposed", _("已报名")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("未通过")
    DELIVERED = "delivered", _("已发放")


@scope.rule(org="org__", person="member__user_id", view="care.view")
class RosterEntry(models.Model):
    """One person on a campaign's roster, proposed by a town or enterprise (`org`), approved by the
    county, delivered with an aid record."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roster")
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey("orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("care.HardshipFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"))
    id_hash = models.CharField(max_length=64)
    group = models.CharField(_("对象类别"), max_length=12)
    unit_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    school_level = models.CharField(_("学段"), max_length=12, blank=True)
    amount = models.DecimalField(_("金额或物资价值（元）"), max_digits=10, decimal_places=2, default=0)
    goods = models.CharField(_("物资"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    aid = models.OneToOneField(
        "care.AidRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="roster_entry"
    )

    class Meta:
        verbose_name = _("活动名单")
        verbose_name_plural = _("活动名单")
        ordering = ["campaign", "town_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "id_hash"], name="care_roster_once")]
        indexes = [models.Index(fields=["campaign", "status"], name="care_roster_campaign_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)


@scope.rule(org="campaign__org__", view="care.view")
class JobOffer(models.Model):
    """春送岗位: an employer's offer, and how many were referred and placed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="offers")
    employer = models.CharField(_("用人单位"), max_length=120)
    post = models.CharField(_("岗位"), max_length=60)
    positions = models.PositiveIntegerField(_("招聘人数"))
    referred = models.PositiveIntegerField(_("推荐人数"), default=0)
    placed = models.PositiveIntegerField(_("上岗人数"), default=0)

    class Meta:
        verbose_name = _("岗位信息")
        verbose_name_plural = _("岗位信息")
        ordering = ["campaign", "id"]
        constraints = [models.CheckConstraint(condition=Q(placed__lte=models.F("referred")), name="care_offer_placed")]

    def __str__(self) -> str:
        return f"{self.employer} {self.post}"


@scope.rule(org="enterprise__", view="care.view")
class PensionTarget(models.Model):
    """参保扩面: an enterprise's target of a year, its reported and the 人社局's confirmed enrolments."""

    year = models.PositiveSmallIntegerField(_("年度"))
    enterprise = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey("orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target = models.PositiveIntegerField(_("目标人数"))
    reported = models.PositiveIntegerField(_("企业报告参保人数"), default=0)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    confirmed = models.PositiveIntegerField(_("人社局确认人数"), null=True, blank=True)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    due_on = models.DateField(_("完成期限"))

    class Meta:
        verbose_name = _("参保扩面目标")
        verbose_name_plural = _("参保扩面目标")
        ordering = ["-year", "town_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["year", "enterprise"], name="care_pension_once")]
        indexes = [models.Index(fields=["year", "town"], name="care_pension_year_town")]

    def __str__(self) -> str:
        return f"{self.year} {self.enterprise_id}"

    @property
    def gap(self) -> int:
        return max(0, self.target - (self.confirmed if self.confirmed is not None else 0))
