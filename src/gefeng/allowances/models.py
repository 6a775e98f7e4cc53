"""劳模津贴 (the county's 三金一贴): allowance kinds, the rule table of amounts by honour level,
yearly runs (roster → submitted → approved by a second officer → paid) and the payment ledger.

The double-payment guard lives in the database: `Payment` has one row per person, kind and year
(unique), written when a run is approved. A repeated run, a supplementary run, or two officers
approving at the same moment can never put a second row there.

Every table hangs on the county node that pays (`org`): the county office (`allowances.view`,
`allowances.manage`) and the auditor see them; nobody else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField


class Level(models.TextChoices):
    """Honour levels, as in the honours register."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


LEVEL_ORDER = (Level.NATIONAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY)
LEVEL_RANK = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCIAL: 3, Level.NATIONAL: 4}


@scope.rule(org="org__", view="allowances.view")
class AllowanceKind(models.Model):
    """One kind of allowance (劳模荣誉津贴, 春节慰问金 …), as the county configures it."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("发放单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("演示名称"), default=False, help_text=_("演示数据中的示例名称，并非官方名称"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("津贴种类")
        verbose_name_plural = _("津贴种类")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="allowancekind_org_name")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="kind__org__", view="allowances.view")
class AllowanceRule(models.Model):
    """The yearly amount of a kind for the holders of one honour level, from `effective_from` on
    (the row with the latest effective year ≤ the run's year applies), and its conditions."""

    kind = models.ForeignKey(AllowanceKind, verbose_name=_("津贴种类"), on_delete=models.PROTECT, related_name="rules")
    level = models.CharField(_("荣誉级别"), max_length=12, choices=Level.choices)
    amount = models.DecimalField(_("每年金额（元）"), max_digits=10, decimal_places=2)
    effective_from = models.PositiveSmallIntegerField(_("起始年度"))
    living_only = models.BooleanField(_("仅限在世"), default=True)
    retired_only = models.BooleanField(_("仅限已退休"), default=False)
    hardship_only = models.BooleanField(_("仅限特殊困难"), default=False)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("津贴标准")
        verbose_name_plural = _("津贴标准")
        ordering = ["kind__order", "kind_id", "-effective_from", "level"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "level", "effective_from"], name="allowancerule_kind_level_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allowancerule_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_level_display()} {self.effective_from}"

    @property
    def conditions(self) -> list[str]:
        out = []
        if self.living_only:
            out.append(str(_("在世")))
        if self.retired_only:
            out.append(str(_("已退休")))
        if self.hardship_only:
            out.append(str(_("特殊困难")))
        return out


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    PAID = "paid", _("已发放")
    CANCELLED = "cancelled", _("已作废")


@scope.rule(org="org__", view="allowances.view")
class AllowanceRun(models.Model):
    """One yearly payment run. A second run of the same year (a supplement) never pays anyone
    a kind already paid that year: the roster skips them and the ledger refuses them."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("发放单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("发放年度"))
    as_of = models.DateField(_("资格认定日"), help_text=_("在此日期前已获称号、且在世的劳动模范列入名单"))
    title = models.CharField(_("批次名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    note = models.TextField(_("说明"), blank=True)
    recipients = models.PositiveIntegerField(_("人数"), default=0)
    total = models.DecimalField(_("总金额（元）"), max_digits=14, decimal_places=2, default=0)
    skipped = models.JSONField(default=dict, blank=True)  # why people were left out, counted
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_at = models.DateTimeField(_("名单生成时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("津贴发放批次")
        verbose_name_plural = _("津贴发放批次")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["org", "year", "status"], name="allowancerun_org_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.status == RunStatus.DRAFT


@scope.rule(org="run__org__", view="allowances.view")
class RunLine(models.Model):
    """One payee and kind of a run, with the amount the rule table gives the payee's highest level.

    Name, organisation and bank details are snapshots taken when the roster was built: what is
    approved is what is paid."""

    run = models.ForeignKey(AllowanceRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(AllowanceKind, verbose_name=_("津贴种类"), on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(AllowanceRule, null=True, on_delete=models.SET_NULL, related_name="+")
    level = models.CharField(_("荣誉级别"), max_length=12, choices=Level.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    name = models.CharField(_("姓名"), max_length=50)
    org = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所在单位"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    bank_holder = models.CharField(_("开户人"), max_length=50, blank=True)
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_account = EncryptedCharField(_("银行账号"), blank=True)

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        ordering = ["run", "person_id", "kind__order", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["run", "person", "kind"], name="runline_run_person_kind")]
        indexes = [models.Index(fields=["run", "kind", "level"], name="runline_run_kind_level")]

    def __str__(self) -> str:
        return f"{self.name} {self.kind} {self.amount}"


@scope.rule(org="run__org__", view="allowances.view")
class Payment(models.Model):
    """The payment ledger: at most one row per person, kind and year (the double-payment guard).
    Written when a run is approved, in the same transaction; never updated or deleted."""

    person = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(AllowanceKind, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    run = models.ForeignKey(AllowanceRun, on_delete=models.PROTECT, related_name="payments")
    line = models.OneToOneField(RunLine, on_delete=models.PROTECT, related_name="payment")
    org = models.ForeignKey("orgs.OrgNode", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("津贴发放台账")
        verbose_name_plural = _("津贴发放台账")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "year"], name="payment_once_per_person_kind_year")
        ]
        indexes = [models.Index(fields=["year", "person"], name="payment_year_person")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.person_id}"
