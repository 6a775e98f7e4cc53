"""Hardship files (困难职工档案): the household, its money, the home visit, documents, the trail.

A file hangs on the union of the member it is for (`union`): the officers handling hardship
(`care.handle`) in that union's subtree and the county see it; a worker sees their own file
(`care.apply`, the 本人 scope) on the phone. Income, health, case details and the bank account
are sealed (`EncryptedCharField`) and shown only to `care.handle` holders, each opening audited.

One member has at most one open file (a partial unique constraint), and one household — any of
its members' ID numbers — is open in one file only: `FamilyMember.open_hash` carries the blind
index of the ID number while the file is open and is unique.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.care import conf
from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_id_number
from gefeng.core.uploads import UploadTo


class State(models.TextChoices):
    APPLIED = "applied", _("申请")
    CHECKED = "checked", _("初审通过")
    REVIEWED = "reviewed", _("复审通过")
    NOTICE = "notice", _("公示中")
    FILED = "filed", _("已建档")
    RECOVERED = "recovered", _("脱困")
    CLOSED = "closed", _("注销")
    REJECTED = "rejected", _("未通过")


OPEN_STATES = (State.APPLIED, State.CHECKED, State.REVIEWED, State.NOTICE, State.FILED)


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("不符合")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    UNEMPLOYMENT = "unemployment", _("失业下岗")
    SCHOOLING = "schooling", _("子女就学")
    ACCIDENT = "accident", _("意外事故")
    DISASTER = "disaster", _("自然灾害")
    LOW_INCOME = "low_income", _("收入低")
    OTHER = "other", _("其他")


class Relation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class Schooling(models.TextChoices):
    NONE = "", _("未在读")
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    COLLEGE = "college", _("大学（专科、本科）")
    GRADUATE = "graduate", _("研究生")


class IncomeKind(models.TextChoices):
    WAGE = "wage", _("工资性收入")
    PENSION = "pension", _("养老金、退休金")
    BUSINESS = "business", _("经营性收入")
    FARMING = "farming", _("农业收入")
    TRANSFER = "transfer", _("转移性收入（补贴、赡养费等）")
    OTHER = "other", _("其他收入")


class SpendingKind(models.TextChoices):
    MEDICAL = "medical", _("自付医疗费用")
    EDUCATION = "education", _("子女教育费用")
    CARE = "care", _("残疾、护理费用")
    HOUSING = "housing", _("基本住房支出")
    OTHER = "other", _("其他刚性支出")


@scope.rule(org="union__", person="member__user_id", view="care.view")
class HardshipFile(models.Model):
    """One household's file. The category is computed (`category_auto`, the arithmetic sealed in
    `calc`); an officer may set another (`category`) only with a reason."""

    number = models.CharField(_("档案编号"), max_length=30, blank=True)
    member = models.ForeignKey("members.Member", verbose_name=_("职工"), on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所在镇街"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    year = models.PositiveSmallIntegerField(_("认定年度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.APPLIED)
    category_auto = models.CharField(_("测算类别"), max_length=10, choices=Category.choices, blank=True)
    category = models.CharField(_("困难类别"), max_length=10, choices=Category.choices, blank=True)
    override_reason = models.CharField(_("调整类别理由"), max_length=200, blank=True)
    calc = EncryptedCharField(_("测算过程"), blank=True)  # JSON, sealed: it holds the income
    cause_main = models.CharField(_("主要致困原因"), max_length=14, choices=Cause.choices)
    cause_secondary = models.CharField(_("次要致困原因"), max_length=14, choices=Cause.choices, blank=True)
    case_detail = EncryptedCharField(_("困难情况说明"), blank=True)
    migrant = models.BooleanField(_("农民工"), default=False)
    employed_months = models.PositiveSmallIntegerField(_("实际就业月数"), default=0)
    accident = models.BooleanField(_("遭遇重大事故、灾害或疫情致伤亡"), default=False)
    hardship_cost = EncryptedCharField(_("本年度致困支出（元）"), blank=True)
    exclusions = models.JSONField(_("排除情形"), default=list, blank=True)
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_holder = models.CharField(_("开户人"), max_length=50, blank=True)
    bank_account = EncryptedCharField(_("银行账号"), blank=True)
    on_behalf = models.BooleanField(_("工会代为申请"), default=False)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_on = models.DateField(_("申请日期"))
    visit_due = models.DateField(_("入户走访期限"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField(_("建档日期"), null=True, blank=True)
    review_due = models.DateField(_("年度复核期限"), null=True, blank=True)
    cycle = models.PositiveSmallIntegerField(_("认定次数"), default=1)
    closed_on = models.DateField(_("退档日期"), null=True, blank=True)
    close_reason = models.CharField(_("退档原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state__in=OPEN_STATES), name="care_file_one_open_per_member"
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="care_file_number_unique"),
        ]
        indexes = [
            models.Index(fields=["union", "state"], name="care_file_union_state"),
            models.Index(fields=["state", "review_due"], name="care_file_state_due"),
            models.Index(fields=["state", "visit_due"], name="care_file_state_visit"),
            models.Index(fields=["filed_on", "closed_on"], name="care_file_filed_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '申请'} {self.member.name if self.member_id else ''}".strip()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def category_label(self) -> str:
        return conf.category_label(self.category) if self.category else "—"

    @property
    def category_auto_label(self) -> str:
        return conf.category_label(self.category_auto) if self.category_auto else "—"

    @property
    def bank_masked(self) -> str:
        from gefeng.core.pii import mask

        return mask(self.bank_account)


@scope.rule(org="file__union__", person="file__member__user_id", view="care.handle")
class FamilyMember(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与申请人关系"), max_length=8, choices=Relation.choices)
    id_number = EncryptedCharField(_("身份证号"))
    id_hash = models.CharField(max_length=64, db_index=True)
    open_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    health = EncryptedCharField(_("健康状况"), blank=True)
    schooling = models.CharField(_("在读学段"), max_length=12, choices=Schooling.choices, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    work = EncryptedCharField(_("就业情况"), blank=True)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["file", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)


class Side(models.TextChoices):
    INCOME = "income", _("收入")
    SPENDING = "spending", _("刚性支出")


@scope.rule(org="file__union__", person="file__member__user_id", view="care.handle")
class MoneyItem(models.Model):
    """One yearly income or 刚性支出 item of the household; the amount is sealed."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="money")
    side = models.CharField(_("类型"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("项目"), max_length=12)
    amount = EncryptedCharField(_("年金额（元）"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("收支项目")
        verbose_name_plural = _("收支项目")
        ordering = ["file", "side", "id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.kind_label}"

    @property
    def kind_label(self) -> str:
        choices = IncomeKind if self.side == Side.INCOME else SpendingKind
        return str(dict(choices.choices).get(self.kind, self.kind))


@scope.rule(org="file__union__", view="care.handle")
class HomeVisit(models.Model):
    """入户走访 of the grassroots check: date, visitors, findings (sealed), photos (documents)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=100)
    findings = EncryptedCharField(_("走访情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["file", "-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.visitors}"


class DocKind(models.TextChoices):
    APPLICATION = "application", _("帮扶申请书")
    AUTHORISATION = "authorisation", _("家庭经济状况核对授权书")
    INCOME = "income", _("收入证明")
    MEDICAL = "medical", _("病历、诊断证明")
    PHOTO = "photo", _("走访照片")
    OTHER = "other", _("其他材料")


@scope.rule(org="file__union__", person="file__member__user_id", view="care.handle")
class Document(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="documents")
    visit = models.ForeignKey(HomeVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("材料类型"), max_length=14, choices=DocKind.choices)
    upload = models.FileField(_("文件"), upload_to=UploadTo("care/files"), max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("档案材料")
        verbose_name_plural = _("档案材料")
        ordering = ["file", "id"]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="file__union__", person="file__member__user_id", view="care.view")
class FileEvent(models.Model):
    """The file's trail: every step, who took it and why."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=40)
    state = models.CharField(_("之后状态"), max_length=10, choices=State.choices)
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=50, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("档案记录")
        verbose_name_plural = _("档案记录")
        ordering = ["file", "at", "id"]

    def __str__(self) -> str:
        return self.action


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("已结束")


@scope.rule(org="org__", view="care.view")
class Notice(models.Model):
    """公示 of the files reviewed: name, unit and category only (never income, illness, family)."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("公示单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    status = models.CharField(_("状态"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶公示")
        verbose_name_plural = _("帮扶公示")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="care_notice_org_status")]

    def __str__(self) -> str:
        return self.title


@scope.rule(org="notice__org__", view="care.view")
class NoticeEntry(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="notice_entries")
    name = models.CharField(_("姓名"), max_length=50)
    unit_name = models.CharField(_("工作单位"), max_length=120)
    category = models.CharField(_("困难类别"), max_length=10, choices=Category.choices)

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "file"], name="care_notice_entry_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def category_label(self) -> str:
        return conf.category_label(self.category)


@scope.rule(org="notice__org__", view="care.review")
class Objection(models.Model):
    """An objection received during the notice, and how it was resolved (upheld → the file is
    refused; dismissed → it goes on to 建档)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    content = EncryptedCharField(_("异议内容"))
    upheld = models.BooleanField(_("异议成立"), null=True)
    resolution = models.CharField(_("处理结果"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return f"{self.entry.name} {self.received_on}"
