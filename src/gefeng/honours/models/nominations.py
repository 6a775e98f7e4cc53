"""Nominations with their level-by-level review, clearances, attachments and the objections of 公示."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.honours.models.campaigns import (
    Award,
    Campaign,
)


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RETURNED = "returned", _("已退回")
    TOWN = "town", _("待镇街审核")
    COUNTY = "county", _("待县级审核")
    SHORTLISTED = "shortlisted", _("已入围")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤销")
    AWARDED = "awarded", _("已授予")


# Nominations still in the running (counted against quotas and in the compliance panel).
LIVE_STATUSES = (NominationStatus.TOWN, NominationStatus.COUNTY, NominationStatus.SHORTLISTED)
EDITABLE_STATUSES = (NominationStatus.DRAFT, NominationStatus.RETURNED)


@scope.rule(org="unit__", view="honours.view")
class Nomination(models.Model):
    """A person from the registry or a collective from the tree, nominated by a unit.

    `unit` is the nominating node (enterprise, town or system); scope hangs on it, so the chair
    sees its enterprise's nominations, the town its towns', the county all. Name, unit name and
    post are snapshots: they are what the public notice shows. The traits (front-line, leader …)
    are snapshots too, taken at nomination from the registry and the tree, and editable while the
    nomination is a draft.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    award = models.ForeignKey(Award, verbose_name=_("奖项"), on_delete=models.PROTECT, related_name="nominations")
    unit = models.ForeignKey("orgs.OrgNode", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "members.Member", verbose_name=_("被推荐人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("所在单位或集体"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("个人：所在单位；集体：集体本身"),
    )
    name = models.CharField(_("姓名或集体名称"), max_length=100)
    unit_name = models.CharField(_("工作单位"), max_length=120)
    post = models.CharField(_("职务或岗位"), max_length=60, blank=True)
    deeds = models.TextField(_("主要事迹"))
    job_category = models.CharField(_("岗位类别"), max_length=10, blank=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)
    migrant = models.BooleanField(_("农民工"), default=False)
    non_public = models.BooleanField(_("非公有制单位"), default=False)
    is_leader = models.BooleanField(_("企业负责人或领导干部"), default=False)
    is_official = models.BooleanField(_("党政机关干部"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["campaign", "award", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(person__isnull=False) & ~Q(status__in=["rejected", "withdrawn"]),
                name="nomination_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["campaign", "award", "org"],
                condition=Q(person__isnull=True) & ~Q(status__in=["rejected", "withdrawn"]),
                name="nomination_one_per_collective",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="nomination_campaign_status"),
            models.Index(fields=["unit", "campaign"], name="nomination_unit_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.award}）"

    @property
    def is_person(self) -> bool:
        return self.person_id is not None

    @property
    def frontline(self) -> bool:
        return self.job_category in ("一线工人", "技术人员")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")
    WITHDRAW = "withdraw", _("撤销")


class ReviewLevel(models.TextChoices):
    UNIT = "unit", _("推荐单位")
    TOWN = "town", _("镇街")
    COUNTY = "county", _("县级")
    NOTICE = "notice", _("公示")


@scope.rule(org="nomination__unit__", view="honours.view")
class ReviewStep(models.Model):
    """One decision on a nomination at one level, with its comment (the review trail)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="steps")
    level = models.CharField(_("层级"), max_length=8, choices=ReviewLevel.choices)
    action = models.CharField(_("意见"), max_length=10, choices=ReviewAction.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_org = models.CharField(_("审核单位"), max_length=120, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["nomination", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_action_display()}"


class ClearanceKind(models.TextChoices):
    DISCIPLINE = "discipline", _("无违法违纪（纪检监察）")
    SAFETY = "safety", _("安全生产")
    ENVIRONMENT = "environment", _("环境保护")
    TAX = "tax", _("依法纳税")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WAGES = "wages", _("劳动保障（无欠薪）")
    MARKET = "market", _("市场监管")
    OTHER = "other", _("其他")


@scope.rule(org="nomination__unit__", view="honours.view")
class Clearance(models.Model):
    """An opinion from the competent department about an enterprise leader (征求意见), with evidence."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="clearances")
    kind = models.CharField(_("审查事项"), max_length=20, choices=ClearanceKind.choices)
    issuer = models.CharField(_("出具部门"), max_length=120)
    issued_on = models.DateField(_("出具日期"))
    passed = models.BooleanField(_("审查通过"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审查意见")
        verbose_name_plural = _("审查意见")
        ordering = ["nomination", "kind"]
        constraints = [models.UniqueConstraint(fields=["nomination", "kind"], name="clearance_nomination_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


@scope.rule(org="nomination__unit__", view="honours.view")
class Attachment(models.Model):
    """A file backing a nomination (事迹材料) or a clearance (证明), stored under DATA_DIR."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    clearance = models.ForeignKey(
        Clearance, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(_("文件名"), max_length=200)
    stored = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["nomination", "id"]

    def __str__(self) -> str:
        return self.filename


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("反映属实（撤销推荐）")
    DISMISSED = "dismissed", _("反映不实（维持推荐）")


@scope.rule(org="campaign__org__", view="honours.view")
class Objection(models.Model):
    """An objection received during the public notice, and how it was resolved.

    Objections hang on the campaign's organising node: only the organisers (and the auditor) see
    them — they often name the person reporting.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("所涉人选"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(_("来源"), max_length=20, default="staff")
    content = models.TextField(_("反映内容"))
    contact = models.CharField(_("反映人及联系方式"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("核查处理意见"), blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["campaign", "-received_on", "-id"]
        indexes = [models.Index(fields=["campaign", "status"], name="objection_campaign_status")]

    def __str__(self) -> str:
        return f"{self.received_on} {self.content[:20]}"
