"""人才库: one profile per person (a registry member) who holds an honour or was entered into the
pool by the county office.

A profile gathers the person's categories (劳动模范, 工匠, 先进工作者 … — rows of
`TalentCategory`, the county edits them), reads their honours from the honours register
(`honours.Honour`, read-only here) and carries what the labour-model allowances need: living or
deceased, retired, special hardship, and the bank account the allowance is paid into (the account
number sealed at rest with `EncryptedCharField`, masked on screen and in exports).

Scope follows the person: a profile is seen by whoever sees the person's union (`person__union__`),
so a town officer sees the talent of the town's enterprises and the county office the whole county.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField


class Level(models.TextChoices):
    """Honour levels, as in the honours register (`honours.models.Level`)."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


LEVEL_RANK = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCIAL: 3, Level.NATIONAL: 4}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


@scope.rule(org=None, view="talent.view")
class TalentCategory(models.Model):
    """A category of the talent pool (劳动模范, 工匠 …): reference data the county edits.

    `honour_kinds` lists the honour kinds (`honours.HonourKind` values) that put a holder into the
    category automatically; a category without any is entered by hand. Categories are labels, not
    personal data: every holder of `talent.view` reads them (see `selectors.categories`).
    """

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    honour_kinds = models.JSONField(_("自动归入的荣誉类别"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人才类别")
        verbose_name_plural = _("人才类别")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="person__union__", person="person__user_id", view="talent.view")
class TalentProfile(models.Model):
    """One person of the talent pool."""

    person = models.OneToOneField(
        "members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="talent_profile"
    )
    categories: models.ManyToManyField[TalentCategory, TalentMembership] = models.ManyToManyField(
        TalentCategory, through="TalentMembership", related_name="profiles", verbose_name=_("人才类别")
    )
    top_level = models.CharField(_("最高荣誉级别"), max_length=12, choices=Level.choices, blank=True)
    top_rank = models.PositiveSmallIntegerField(default=0, help_text="4 national … 1 county, 0 none")
    honour_count = models.PositiveSmallIntegerField(_("荣誉数"), default=0)
    labour_model = models.BooleanField(_("劳动模范"), default=False, help_text=_("持有未撤销的劳动模范称号"))
    entered_on = models.DateField(_("入库日期"))
    note = models.TextField(_("备注"), blank=True)

    # What the labour-model allowances need.
    deceased_on = models.DateField(_("去世日期"), null=True, blank=True)
    retired = models.BooleanField(_("已退休"), default=False)
    retired_on = models.DateField(_("退休日期"), null=True, blank=True)
    hardship = models.BooleanField(_("特殊困难"), default=False, help_text=_("经认定的困难劳模（困难补助金的条件）"))
    hardship_note = models.CharField(_("困难情况"), max_length=200, blank=True)

    # Where allowances are paid: the account number sealed at rest, masked everywhere.
    bank_holder = models.CharField(_("开户人"), max_length=50, blank=True)
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_account = EncryptedCharField(_("银行账号"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人才档案")
        verbose_name_plural = _("人才档案")
        ordering = ["-top_rank", "id"]
        indexes = [
            models.Index(fields=["top_rank", "id"], name="talent_top_rank"),
            models.Index(fields=["labour_model", "deceased_on"], name="talent_labour_model"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def living(self) -> bool:
        return self.deceased_on is None

    @property
    def bank_account_masked(self) -> str:
        return mask_account(self.bank_account)


class Source(models.TextChoices):
    HONOUR = "honour", _("荣誉记录")
    MANUAL = "manual", _("人工认定")


@scope.rule(org="profile__person__union__", view="talent.view")
class TalentMembership(models.Model):
    """A profile in a category: from an honour in the register (re-derived when honours change)
    or entered by hand (kept)."""

    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="memberships")
    category = models.ForeignKey(TalentCategory, on_delete=models.PROTECT, related_name="memberships")
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.HONOUR)

    class Meta:
        verbose_name = _("人才类别归属")
        verbose_name_plural = _("人才类别归属")
        constraints = [models.UniqueConstraint(fields=["profile", "category"], name="talent_membership_unique")]
        indexes = [models.Index(fields=["category", "profile"], name="talent_membership_category")]

    def __str__(self) -> str:
        return f"{self.profile} {self.category}"


def mask_account(value: str) -> str:
    """`6217 **** **** 1234`-style: the first four and the last four digits."""
    value = (value or "").replace(" ", "")
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * (len(value) - 4) + value[-4:] if len(value) > 4 else "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
