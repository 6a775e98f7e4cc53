"""Aid funds and their ledger, the aid rule table, aid records and the double-payment guard.

* `Fund.balance` is kept by the ledger under a row lock and has a check constraint ≥ 0: a
  payment over the balance is refused, and two payments at once cannot both pass.
* `AidGuard` has one row per household, rule and period (unique): written when an aid record is
  approved, in the same transaction; two officers approving at once on PostgreSQL meet at the
  constraint and the second gets a Chinese refusal.
* `LedgerEntry` rows are never edited: a reversal is a new entry of the opposite sign.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask
from gefeng.core.uploads import UploadTo


class FundSource(models.TextChoices):
    HIGHER = "higher", _("上级拨款")
    FINANCE = "finance", _("财政拨款")
    UNION = "union", _("工会经费")
    DONATION = "donation", _("社会捐助")
    OTHER = "other", _("其他")


@scope.rule(org="org__", view="care.view")
class Fund(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("资金名称"), max_length=60)
    source = models.CharField(_("资金来源"), max_length=10, choices=FundSource.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    balance = models.DecimalField(_("余额（元）"), max_digits=14, decimal_places=2, default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶资金")
        verbose_name_plural = _("帮扶资金")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "name"], name="care_fund_org_year_name"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="care_fund_balance_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


@scope.rule(org="fund__org__", view="care.view")
class FundBudget(models.Model):
    """A fund's yearly budget for one campaign and/or town (either may be empty: the rest)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="budgets")
    campaign = models.ForeignKey(
        "care.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="budgets"
    )
    town = models.ForeignKey("orgs.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("资金预算")
        verbose_name_plural = _("资金预算")
        constraints = [
            models.UniqueConstraint(fields=["fund", "campaign", "town"], name="care_budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="care_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.amount}"


class EntryKind(models.TextChoices):
    CREDIT = "credit", _("资金拨入")
    PAYMENT = "payment", _("帮扶支出")
    REVERSAL = "reversal", _("冲销")


@scope.rule(org="fund__org__", view="care.view")
class LedgerEntry(models.Model):
    """One line of a fund's ledger (signed amount, the balance after it). Never updated."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    entry_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(_("余额（元）"), max_digits=14, decimal_places=2)
    aid = models.ForeignKey("care.AidRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    memo = models.CharField(_("摘要"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("资金台账")
        verbose_name_plural = _("资金台账")
        ordering = ["fund", "id"]
        constraints = [models.CheckConstraint(condition=Q(balance_after__gte=0), name="care_ledger_balance_ok")]
        indexes = [models.Index(fields=["fund", "entry_on"], name="care_ledger_fund_date")]

    def __str__(self) -> str:
        return f"{self.fund} {self.amount}"


class AidKind(models.TextChoices):
    CASH = "cash", _("现金补助")
    GOODS = "goods", _("慰问物资")
    MEDICAL = "medical", _("医疗救助")
    SCHOOLING = "schooling", _("助学")
    JOBS = "jobs", _("就业帮扶")
    LEGAL = "legal", _("法律援助")
    VISIT = "visit", _("走访慰问")


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("每户每年一次")
    CAMPAIGN = "campaign", _("每次活动每人一次")
    ANY = "any", _("不限次数")


@scope.rule(org="org__", view="care.view")
class AidRule(models.Model):
    """The rule table: per aid kind, a fixed amount or a cap, and how often."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("帮扶方式"), max_length=10, choices=AidKind.choices)
    amount = models.DecimalField(_("固定金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("上限（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(_("频次"), max_length=10, choices=Frequency.choices, default=Frequency.YEARLY)
    filed_only = models.BooleanField(_("仅限已建档户"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("帮扶标准")
        verbose_name_plural = _("帮扶标准")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="care_rule_org_name")]

    def __str__(self) -> str:
        return self.name


class AidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    REJECTED = "rejected", _("未批准")
    REVERSED = "reversed", _("已冲销")


class Group(models.TextChoices):
    HARDSHIP = "hardship", _("困难职工")
    MODEL = "model", _("困难劳模")
    FRONTLINE = "frontline", _("一线职工")
    SANITATION = "sanitation", _("环卫工人")
    STUDENT = "student", _("困难职工子女")
    JOBLESS = "jobless", _("下岗失业人员")
    MIGRANT = "migrant", _("农民工")


@scope.rule(org="org__", person="member__user_id", view="care.view")
class AidRecord(models.Model):
    """One act of help, on a file or on a person without one (a campaign's roster)."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey("orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.ForeignKey("care.HardshipFile", null=True, blank=True, on_delete=models.PROTECT, related_name="aids")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    unit_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    household = models.CharField(max_length=64)  # blind index of the applicant's (or person's) ID number
    category = models.CharField(_("困难类别"), max_length=10, blank=True)
    group = models.CharField(_("对象类别"), max_length=12, choices=Group.choices, default=Group.HARDSHIP)
    rule = models.ForeignKey(AidRule, verbose_name=_("帮扶标准"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("帮扶方式"), max_length=10, choices=AidKind.choices)
    fund = models.ForeignKey(
        Fund, verbose_name=_("资金"), null=True, blank=True, on_delete=models.PROTECT, related_name="aids"
    )
    campaign = models.ForeignKey("care.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="aids")
    period = models.CharField(_("期间"), max_length=20)
    amount = models.DecimalField(_("金额或物资价值（元）"), max_digits=10, decimal_places=2, default=0)
    goods = models.CharField(_("物资"), max_length=100, blank=True)
    given_on = models.DateField(_("帮扶日期"))
    delivered_by = models.CharField(_("经办人"), max_length=50)
    evidence = models.FileField(_("签收凭证"), upload_to=UploadTo("care/aid"), max_length=200, blank=True)
    signed = models.BooleanField(_("已签收"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=AidStatus.choices, default=AidStatus.SUBMITTED)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_holder = models.CharField(_("开户人"), max_length=50, blank=True)
    bank_account = EncryptedCharField(_("银行账号"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-given_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="care_aid_amount_nonnegative")]
        indexes = [
            models.Index(fields=["status", "given_on"], name="care_aid_status_date"),
            models.Index(fields=["campaign", "status"], name="care_aid_campaign_status"),
            models.Index(fields=["file", "status"], name="care_aid_file_status"),
            models.Index(fields=["org", "status"], name="care_aid_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_kind_display()} {self.amount}"

    @property
    def bank_masked(self) -> str:
        return mask(self.bank_account)


@scope.rule(org="aid__org__", view="care.view")
class AidGuard(models.Model):
    """One row per household, rule and period: the double-payment guard."""

    household = models.CharField(max_length=64)
    rule = models.ForeignKey(AidRule, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=20)
    aid = models.OneToOneField(AidRecord, on_delete=models.CASCADE, related_name="guard")

    class Meta:
        verbose_name = _("重复发放校验")
        verbose_name_plural = _("重复发放校验")
        constraints = [
            models.UniqueConstraint(fields=["household", "rule", "period"], name="care_guard_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.period}"
