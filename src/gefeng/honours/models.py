"""选树表彰: commendation campaigns, nominations with level-by-level review, public notice
(公示) and objections, and the honours register (荣誉记录) that other modules build on.

The register (`Honour`) is the contract other apps rely on (人才库, 劳模津贴): one row per
honour held by a person (`person`) or a collective (`person` null, `org` the collective's node).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
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


@scope.rule(org="org__", person="person__user_id", view="honours.view")
class Honour(models.Model):
    """荣誉记录: one honour held by a person (`person`) or a collective (`person` null).

    `org` is, for a person, their enterprise (or union) when honoured; for a collective, the
    collective's own node. `year` is the year the honour was conferred. Written only through
    `services.honour_grant` (campaign approval, or an honour recorded from another body).
    """

    person = models.ForeignKey(
        "members.Member",
        verbose_name=_("获得者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("单位或集体"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("获得者名称"), max_length=100, blank=True, help_text=_("个人姓名或集体名称（当时）"))
    kind = models.CharField(_("荣誉类别"), max_length=24, choices=HonourKind.choices)
    title = models.CharField(_("荣誉称号"), max_length=120)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer = models.CharField(_("授予单位"), max_length=120)
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("表彰活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="honour"
    )
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("荣誉记录")
        verbose_name_plural = _("荣誉记录")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"], condition=~Q(certificate_no=""), name="honour_certificate_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "year"], name="honour_kind_year"),
            models.Index(fields=["year", "kind"], name="honour_year_kind"),
            models.Index(fields=["person", "kind"], name="honour_person_kind"),
            models.Index(fields=["org", "year"], name="honour_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.person or self.org} {self.year} {self.title}"

    @property
    def is_collective(self) -> bool:
        return self.person_id is None
