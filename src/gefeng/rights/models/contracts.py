"""The collective contracts register: one row per contract (an enterprise's, or a 区域性 / 行业性
contract at county level or below covering several enterprises), its negotiators and its talks.

The statutory due dates (reply, filing, review, renewal window) are stored as columns when a
service writes the step they follow, so the workbench and the figures count them with indexed
queries. The congress vote is recorded by hand (present, for, total representatives) until the
democracy module exists; `congress_ref` holds a free-text reference to the meeting.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.rights import clocks


class ContractKind(models.TextChoices):
    GENERAL = "general", _("综合性集体合同")
    WAGE = "wage", _("工资专项集体合同")
    WOMEN = "women", _("女职工权益保护专项集体合同")
    SAFETY = "safety", _("劳动安全卫生专项集体合同")
    OTHER = "other", _("其他专项集体合同")


class Coverage(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业集体合同")
    REGIONAL = "regional", _("区域性集体合同")
    SECTOR = "sector", _("行业性集体合同")


class Side(models.TextChoices):
    WORKER = "worker", _("职工方")
    EMPLOYER = "employer", _("用人单位方")


class ContractStatus(models.TextChoices):
    OFFERED = "offered", _("已发出要约")
    REFUSED = "refused", _("对方拒绝协商")
    NEGOTIATING = "negotiating", _("协商中")
    APPROVED = "approved", _("职代会已通过")
    SIGNED = "signed", _("已签字")
    FILED = "filed", _("已报送审查")
    OBJECTED = "objected", _("审查有异议")
    EFFECTIVE = "effective", _("已生效")
    EXPIRED = "expired", _("已到期")
    TERMINATED = "terminated", _("已终止")


# Statuses in the order a contract moves through them (for progress and campaign stages).
STATUS_RANK: dict[str, int] = {
    ContractStatus.OFFERED: 1,
    ContractStatus.REFUSED: 1,
    ContractStatus.NEGOTIATING: 3,
    ContractStatus.APPROVED: 3,
    ContractStatus.SIGNED: 4,
    ContractStatus.FILED: 5,
    ContractStatus.OBJECTED: 5,
    ContractStatus.EFFECTIVE: 6,
    ContractStatus.EXPIRED: 6,
    ContractStatus.TERMINATED: 6,
}


@scope.rule(org="org__", view="rights.view")
class Contract(models.Model):
    org = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("签约单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("企业；区域性、行业性合同为所在镇街或县"),
    )
    coverage = models.CharField(_("类型"), max_length=12, choices=Coverage.choices, default=Coverage.ENTERPRISE)
    kind = models.CharField(_("合同种类"), max_length=10, choices=ContractKind.choices, default=ContractKind.GENERAL)
    title = models.CharField(_("合同名称"), max_length=120)
    sector = models.CharField(_("行业"), max_length=40, blank=True)
    enterprises = models.ManyToManyField("orgs.OrgNode", verbose_name=_("覆盖企业"), related_name="+", blank=True)
    enterprise_count = models.PositiveIntegerField(_("覆盖企业数"), default=1)
    employees = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.OFFERED)
    previous = models.ForeignKey(
        "self", verbose_name=_("续订自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    # 要约 (§32)
    offer_side = models.CharField(_("要约方"), max_length=10, choices=Side.choices, default=Side.WORKER)
    offer_on = models.DateField(_("要约书送达日期"))
    offer_text = models.TextField(_("要约书内容"), blank=True)
    reply_due = models.DateField(_("书面回应期限"), db_index=True)
    reply_on = models.DateField(_("书面回应日期"), null=True, blank=True)
    reply_agrees = models.BooleanField(_("同意协商"), null=True, blank=True)
    reply_text = models.TextField(_("回应内容"), blank=True)
    # 协商 (§33–35)
    recorder = models.CharField(_("记录员"), max_length=50, blank=True)
    draft_agreed_on = models.DateField(_("草案形成日期"), null=True, blank=True)
    draft_text = models.TextField(_("合同草案"), blank=True)
    # 职代会审议 (§36), recorded by hand until the democracy module exists
    congress_on = models.DateField(_("职代会审议日期"), null=True, blank=True)
    congress_total = models.PositiveIntegerField(_("职工代表总数"), null=True, blank=True)
    congress_present = models.PositiveIntegerField(_("出席人数"), null=True, blank=True)
    congress_for = models.PositiveIntegerField(_("同意人数"), null=True, blank=True)
    congress_ref = models.CharField(_("会议记录"), max_length=120, blank=True, help_text=_("职代会名称、届次、决议号"))
    # 签字、报送、审查 (§37, §42, §45, §47)
    signed_on = models.DateField(_("首席代表签字日期"), null=True, blank=True)
    filing_due = models.DateField(_("报送期限"), null=True, blank=True, db_index=True)
    filed_on = models.DateField(_("报送人社局日期"), null=True, blank=True)
    filing_receipt = models.CharField(_("报送回执号"), max_length=60, blank=True)
    review_due = models.DateField(_("审查期限"), null=True, blank=True, db_index=True)
    review_on = models.DateField(_("审查结果日期"), null=True, blank=True)
    review_result = models.CharField(_("审查结果"), max_length=10, blank=True)  # passed | objected | deemed
    review_note = models.TextField(_("审查意见"), blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    published_on = models.DateField(_("向全体职工公布日期"), null=True, blank=True)
    witnesses = models.CharField(_("见证单位"), max_length=200, blank=True)
    # 期限 (§38)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), default=36)
    start_on = models.DateField(_("起始日期"), null=True, blank=True)
    end_on = models.DateField(_("终止日期"), null=True, blank=True, db_index=True)
    renewal_from = models.DateField(_("可提出续订日"), null=True, blank=True)
    # 主要条款
    wage_growth_pct = models.DecimalField(_("工资增长幅度（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    min_wage = models.DecimalField(_("企业最低工资（元/月）"), max_digits=9, decimal_places=2, null=True, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(_("每周工作时间（小时）"), null=True, blank=True)
    terms_note = models.TextField(_("其他主要条款"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")
        ordering = ["-offer_on", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"], name="contract_status_kind"),
            models.Index(fields=["org", "status"], name="contract_org_status"),
            models.Index(fields=["status", "end_on"], name="contract_status_end"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rank(self) -> int:
        return STATUS_RANK.get(self.status, 0)

    def clocks(self) -> list[clocks.Clock]:
        """Every statutory deadline of this contract, each with its article."""
        c = clocks
        out = [
            c.Clock("书面回应要约", c.REPLY.article, self.offer_on, self.reply_due, self.reply_on, "20日内书面回应"),
        ]
        first_talk = self.talks.order_by("held_on").first() if self.pk else None
        if self.kind == ContractKind.WAGE and first_talk is not None:
            out.append(
                c.Clock(
                    "提供工资协商资料",
                    c.WAGE_DATA.article,
                    None,
                    first_talk.held_on - dt.timedelta(days=c.WAGE_DATA.days),
                    first_talk.data_provided_on,
                    "协商前5日提供",
                )
            )
        out.append(
            c.Clock(
                "报送劳动保障部门", c.FILING.article, self.signed_on, self.filing_due, self.filed_on, "签字后10日内报送"
            )
        )
        out.append(
            c.Clock(
                "审查（15日无异议即生效）",
                c.REVIEW.article,
                self.filed_on,
                self.review_due,
                self.review_on,
                {"passed": "审查通过", "objected": "提出审查意见", "deemed": "期满无异议，视为生效"}.get(
                    self.review_result, ""
                ),
            )
        )
        if self.end_on:
            renewed = self.renewals.order_by("offer_on").first()
            out.append(
                c.Clock(
                    "续订（期满前3个月内提出）",
                    c.TERM_ARTICLE,
                    self.renewal_from,
                    self.end_on,
                    renewed.offer_on if renewed else None,
                    f"{self.renewal_from:%Y-%m-%d} 起可提出续订要约" if self.renewal_from else "",
                )
            )
        for n in self.negotiators.filter(left_on__isnull=False, filled_on__isnull=True):
            assert n.left_on is not None
            out.append(
                c.Clock(f"补充协商代表（{n.name}）", c.VACANCY.article, n.left_on, n.left_on + dt.timedelta(days=15))
            )
        return out


class Role(models.TextChoices):
    CHIEF = "chief", _("首席代表")
    MEMBER = "member", _("协商代表")
    EXPERT = "expert", _("外聘代表")


@scope.rule(org="contract__org__", view="rights.view")
class Negotiator(models.Model):
    """A negotiator of one side. Leaving opens a vacancy that must be filled within 15 days (§31)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="negotiators")
    side = models.CharField(_("代表方"), max_length=10, choices=Side.choices)
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    post = models.CharField(_("职务"), max_length=60, blank=True)
    joined_on = models.DateField(_("产生日期"), null=True, blank=True)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    filled_on = models.DateField(_("补充日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("协商代表")
        verbose_name_plural = _("协商代表")
        ordering = ["contract", "side", "-role", "id"]
        indexes = [models.Index(fields=["left_on", "filled_on"], name="negotiator_vacancy")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="contract__org__", view="rights.view")
class Talk(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="talks")
    held_on = models.DateField(_("协商日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    data_provided_on = models.DateField(_("资料提供日期"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    suspended = models.BooleanField(_("中止协商"), default=False)

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["contract", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"
