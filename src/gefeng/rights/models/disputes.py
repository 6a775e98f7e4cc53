"""Labour disputes: mediation committees (劳动争议调解仲裁法 §10), cases with their claims,
sessions, agreement or failure and the hand-off to the 人社局's arbitration (§27–§47), and the
early-warning register of enterprises at risk.

Case details (facts, session notes, the agreement, the applicant's phone and ID number) are
sealed at rest (`EncryptedCharField`); a case is visible under `rights.cases` to the enterprise
it is against, its town and the county (法工部), and to the worker who applied (本人)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_phone


class CommitteeLevel(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业劳动争议调解委员会")
    TOWN = "town", _("乡镇（街道）劳动争议调解组织")
    PEOPLE = "people", _("基层人民调解组织")


@scope.rule(org="org__", view="rights.cases")
class Committee(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("类型"), max_length=12, choices=CommitteeLevel.choices)
    name = models.CharField(_("名称"), max_length=100)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    problems = models.JSONField(_("组成问题"), default=list, blank=True)

    class Meta:
        verbose_name = _("调解委员会")
        verbose_name_plural = _("调解委员会")
        ordering = ["org__path", "id"]

    def __str__(self) -> str:
        return self.name


class MemberSide(models.TextChoices):
    WORKER = "worker", _("职工代表")
    EMPLOYER = "employer", _("企业代表")
    NEUTRAL = "neutral", _("双方推举")


@scope.rule(org="committee__org__", view="rights.cases")
class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    side = models.CharField(_("代表方"), max_length=10, choices=MemberSide.choices)
    union_member = models.BooleanField(_("工会会员"), default=False)
    elected = models.BooleanField(_("由全体职工推举"), default=False)
    chair = models.BooleanField(_("主任"), default=False)

    class Meta:
        verbose_name = _("调解委员")
        verbose_name_plural = _("调解委员")
        ordering = ["committee", "-chair", "side", "id"]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解不成")
    ARBITRATION = "arbitration", _("已转仲裁")
    AWARDED = "awarded", _("已裁决")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (CaseStatus.APPLIED, CaseStatus.MEDIATING)


@scope.rule(org="org__", person="applicant_user", view="rights.cases")
class Case(models.Model):
    number = models.CharField(_("案号"), max_length=30, unique=True)
    org = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("组织树中的企业；不在组织树中的用人单位挂在所在镇街"),
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=120)
    committee = models.ForeignKey(
        Committee, verbose_name=_("调解组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    applicant_name = models.CharField(_("申请人"), max_length=50)
    applicant_phone = EncryptedCharField(_("联系电话"), blank=True)
    applicant_member = models.ForeignKey(
        "members.Member", verbose_name=_("会员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    oral = models.BooleanField(_("口头申请（当场记录）"), default=False)
    applied_on = models.DateField(_("申请日期"), db_index=True)
    facts = EncryptedCharField(_("争议事实与请求"), blank=True)
    claim_total = models.DecimalField(_("请求金额（元）"), max_digits=12, decimal_places=2, default=0)
    is_group = models.BooleanField(_("集体争议"), default=False)
    worker_count = models.PositiveIntegerField(_("涉及职工人数"), default=1)
    representatives = models.CharField(_("推举的代表"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.APPLIED)
    mediation_due = models.DateField(_("调解期限"), db_index=True)
    closed_on = models.DateField(_("调解结束日期"), null=True, blank=True)
    agreement_text = EncryptedCharField(_("调解协议内容"), blank=True)
    agreement_amount = models.DecimalField(_("协议金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    signed_by_parties = models.BooleanField(_("双方当事人已签名"), default=False)
    signed_by_mediator = models.BooleanField(_("调解员已签名"), default=False)
    sealed = models.BooleanField(_("已加盖调解委员会印章"), default=False)
    fail_reason = models.CharField(_("调解不成原因"), max_length=200, blank=True)
    recovered = models.DecimalField(_("追回金额（元）"), max_digits=12, decimal_places=2, default=0)
    # 时效 (§27)
    knew_on = models.DateField(_("知道或应当知道权利被侵害之日"), null=True, blank=True)
    wage_arrears = models.BooleanField(_("劳动关系存续期间拖欠劳动报酬"), default=False)
    employment_ended_on = models.DateField(_("劳动关系终止日期"), null=True, blank=True)
    limitation_until = models.DateField(_("仲裁时效届满日"), null=True, blank=True)
    # 仲裁 (§29, §43, §47)
    referred_on = models.DateField(_("申请仲裁日期"), null=True, blank=True)
    arb_case_no = models.CharField(_("仲裁案号"), max_length=40, blank=True)
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True, db_index=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    hearing_on = models.DateField(_("开庭日期"), null=True, blank=True)
    award_due = models.DateField(_("裁决期限"), null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    award_on = models.DateField(_("裁决日期"), null=True, blank=True)
    award_amount = models.DecimalField(_("裁决金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    award_final = models.BooleanField(_("终局裁决"), null=True, blank=True)
    award_note = models.CharField(_("裁决结果"), max_length=200, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("劳动争议案件")
        verbose_name_plural = _("劳动争议案件")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["status", "mediation_due"], name="case_status_due"),
            models.Index(fields=["org", "status"], name="case_org_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.applicant_phone or "")


class ClaimKind(models.TextChoices):
    WAGES = "wages", _("拖欠工资")
    OVERTIME = "overtime", _("加班费")
    COMPENSATION = "compensation", _("经济补偿金")
    INJURY = "injury", _("工伤待遇")
    INSURANCE = "insurance", _("社会保险")
    OTHER = "other", _("其他")


@scope.rule(org="case__org__", person="case__applicant_user", view="rights.cases")
class Claim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(_("请求事项"), max_length=12, choices=ClaimKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("仲裁请求")
        verbose_name_plural = _("仲裁请求")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


@scope.rule(org="case__org__", view="rights.cases")
class Session(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"))
    mediator = models.CharField(_("调解员"), max_length=50, blank=True)
    notes = EncryptedCharField(_("调解记录"), blank=True)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["case", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"


class LimitationKind(models.TextChoices):
    INTERRUPT = "interrupt", _("时效中断（重新计算）")
    SUSPEND = "suspend", _("时效中止开始")
    RESUME = "resume", _("中止原因消除")


@scope.rule(org="case__org__", view="rights.cases")
class LimitationEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="limitation_events")
    kind = models.CharField(_("事由"), max_length=10, choices=LimitationKind.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("时效中断中止")
        verbose_name_plural = _("时效中断中止")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"


class WarningKind(models.TextChoices):
    ARREARS = "arrears", _("拖欠工资")
    CLOSURE = "closure", _("停产、关闭")
    LAYOFF = "layoff", _("大规模裁员")
    OTHER = "other", _("其他风险")


@scope.rule(org="org__", view="rights.cases")
class EarlyWarning(models.Model):
    """预警: an enterprise at risk, reported and handled (the county's 预防、预警、调处 mechanism)."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("风险类型"), max_length=10, choices=WarningKind.choices)
    reported_on = models.DateField(_("发现日期"))
    workers = models.PositiveIntegerField(_("涉及职工人数"), default=0)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=12, decimal_places=2, default=0)
    description = models.TextField(_("情况"), blank=True)
    handling = models.TextField(_("处置情况"), blank=True)
    handled_on = models.DateField(_("处置完毕日期"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["org", "handled_on"], name="warning_org_handled")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reported_on:%Y-%m-%d}"
