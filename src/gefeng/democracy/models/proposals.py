"""提案 (proposals), 厂务公开 (disclosure) and the charter and rules with their versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.democracy.models.congress import Congress, Meeting, Representative


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审查")
    REGISTERED = "registered", _("已立案")
    OPINION = "opinion", _("转为意见建议")
    ASSIGNED = "assigned", _("办理中")
    ANSWERED = "answered", _("已答复")
    RATED = "rated", _("已评价")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


@scope.rule(org="congress__org__", person="proposer__member__user_id", view="democracy.view")
class Proposal(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="proposals")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    number = models.PositiveIntegerField(_("编号"))
    proposer = models.ForeignKey(Representative, verbose_name=_("提案人"), on_delete=models.PROTECT, related_name="+")
    cosigners = models.ManyToManyField(Representative, verbose_name=_("附议人"), blank=True, related_name="+")
    title = models.CharField(_("案由"), max_length=150)
    content = models.TextField(_("理由与建议"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    decision_reason = models.CharField(_("审查意见"), max_length=300, blank=True)
    department = models.CharField(_("承办部门"), max_length=60, blank=True)
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    rating = models.CharField(_("提案人评价"), max_length=12, choices=Rating.choices, blank=True)
    submitted_on = models.DateField(_("提交日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["congress", "-number"]
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="proposal_number")]
        indexes = [models.Index(fields=["status", "deadline"], name="proposal_status_deadline")]

    def __str__(self) -> str:
        return f"第{self.number}号 {self.title}"


@scope.rule(org="org__", view="democracy.view")
class DisclosureItem(models.Model):
    """One 厂务公开 publication of an enterprise, shown on its workers' phones."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("公开类别"), max_length=10)
    title = models.CharField(_("标题"), max_length=150)
    content = models.TextField(_("内容"))
    period = models.CharField(_("所属期间"), max_length=30, blank=True)
    published_on = models.DateField(_("公开日期"))
    reads = models.PositiveIntegerField(_("阅读人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("厂务公开")
        verbose_name_plural = _("厂务公开")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["org", "category", "published_on"], name="disclosure_org_cat")]

    def __str__(self) -> str:
        return self.title


@scope.rule(org="item__org__", person="user_id", view="democracy.view")
class DisclosureRead(models.Model):
    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="disclosureread_once")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.user_id}"


class DocKind(models.TextChoices):
    CHARTER = "charter", _("公司章程")
    RULE = "rule", _("规章制度")


@scope.rule(org="congress__org__", view="democracy.view")
class Document(models.Model):
    """The charter or a work rule, whose versions are adopted by the congress."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("类型"), max_length=8, choices=DocKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    statutory_item = models.CharField(_("劳动合同法第四条事项"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("章程与制度")
        verbose_name_plural = _("章程与制度")
        ordering = ["congress", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["congress", "title"], name="document_title")]

    def __str__(self) -> str:
        return self.title


@scope.rule(org="document__congress__org__", view="democracy.view")
class DocumentVersion(models.Model):
    """One version: adopted by a motion of the congress, or entered without one (then a rule on a
    劳动合同法 §4 matter is flagged)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("全文"))
    adopted_on = models.DateField(_("施行日期"))
    motion = models.OneToOneField(
        "democracy.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="adopted_version"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="documentversion_number")]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}版"
