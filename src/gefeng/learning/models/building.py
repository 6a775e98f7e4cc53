"""Party-and-union building (党建带工建), positions (阵地) and safety campaigns.

Only what a union platform may hold: the party organisations attached to enterprises and teams
(党小组 on a 班组), the development stages of people in the registry with their dates, and the
党建带工建 items of an organisation's yearly plan. Whether any of it is kept is the setting
`LEARNING_PARTY_DATA`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope, uploads


class PartyKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL = "general", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


@scope.rule(org="org__", view="learning.view")
class PartyOrg(models.Model):
    """A party organisation attached to a node of the tree (an enterprise, a union) and, for a
    党小组 built on a 班组, to that team (党小组+班组)."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所建班组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=PartyKind.choices, default=PartyKind.BRANCH)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="learning_partyorg_name")]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


STAGE_ORDER = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]
STAGE_DATE = {
    Stage.APPLICANT: "applied_on",
    Stage.ACTIVIST: "activist_on",
    Stage.CANDIDATE: "candidate_on",
    Stage.PROBATIONARY: "probationary_on",
    Stage.FULL: "full_on",
}


@scope.rule(org="union__", view="learning.view")
class PartyDevelopment(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """One registry member's way into the party, stage by stage, with the date of each."""

    member = models.OneToOneField("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("培养党组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices)
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    probationary_on = models.DateField(_("接收预备党员日期"), null=True, blank=True)
    full_on = models.DateField(_("转正日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        indexes = [
            models.Index(fields=["activist_on"], name="learning_dev_activist_on"),
            models.Index(fields=["full_on"], name="learning_dev_full_on"),
        ]


@scope.rule(org="org__", view="learning.view")
class BuildingItem(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A 党建带工建 item in an organisation's yearly plan."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.CharField(_("工作内容"), max_length=200)
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("党建带工建事项")
        verbose_name_plural = _("党建带工建事项")
        ordering = ["-year", "org__path", "id"]


class PositionKind(models.TextChoices):
    BASE = "base", _("产业工人素质教育基地")
    READING = "reading", _("歌风书房 / 职工书屋")
    HOME = "home", _("职工之家")


class HomeLevel(models.TextChoices):
    NONE = "", _("—")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("全国")


@scope.rule(org="org__", view="learning.view")
class Position(models.Model):
    """One position (阵地): an education base, a reading room or a 职工之家."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=PositionKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    theme = models.CharField(
        _("教育类别"), max_length=50, blank=True, help_text=_("教育基地：红色教育、道德模范教育等")
    )
    capacity = models.PositiveIntegerField(_("容纳人数"), null=True, blank=True)
    hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    books = models.PositiveIntegerField(_("藏书（册）"), null=True, blank=True)
    level = models.CharField(_("命名级别"), max_length=12, choices=HomeLevel.choices, blank=True, default="")
    level_year = models.PositiveSmallIntegerField(_("命名年度"), null=True, blank=True)
    checklist = models.JSONField(_("四有评估"), default=dict, blank=True)
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("阵地")
        verbose_name_plural = _("阵地")
        ordering = ["kind", "org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="learning_position_name")]
        indexes = [models.Index(fields=["kind", "opened_on"], name="learning_position_kind")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="position__org__", view="learning.view")
class PositionActivity(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A visit or activity at a position (a reading activity, an education visit) with attendance."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("活动"), max_length=100)
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)

    class Meta:
        ordering = ["-held_on", "-id"]


@scope.rule(org="position__org__", view="learning.view")
class PositionPhoto(models.Model):
    """A photo of a position, stored under DATA_DIR (never a public static file) with a small
    JPEG thumbnail; both are served only through the scoped view `learning:position-photo`."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=uploads.UploadTo("learning/positions"), max_length=200)
    thumb = models.FileField(_("缩略图"), upload_to=uploads.UploadTo("learning/positions/thumbs"), max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.original_name


@scope.rule(org="position__org__", view="learning.view")
class BorrowingRecord(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A reading room's borrowing over a month: volumes lent (册次) and borrowers (人次)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="borrowings")
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    loans = models.PositiveIntegerField(_("借阅（册次）"), default=0)
    borrowers = models.PositiveIntegerField(_("借阅（人次）"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [models.UniqueConstraint(fields=["position", "month"], name="learning_borrowing_month")]


class SafetyKind(models.TextChoices):
    BAITUAN = "baituan", _("百团进百万企业安全生产宣讲")
    ANKANG = "ankang", _("安康杯竞赛")
    TRAINING = "training", _("安全生产知识培训")


@scope.rule(org="org__", view="learning.view")
class SafetyCampaign(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=SafetyKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("安全生产活动")
        verbose_name_plural = _("安全生产活动")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="enterprise__", view="learning.view")
class SafetySession(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A session at an enterprise: its trainees are the registry members recorded on it
    (`SafetyTrainee`, picked or read from a sign-in sheet) plus `trainees`, the people counted who
    are not in the registry; the two never overlap. And the materials handed out."""

    campaign = models.ForeignKey(SafetyCampaign, on_delete=models.CASCADE, related_name="sessions")
    enterprise = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=100)
    trainees = models.PositiveIntegerField(_("名册外受训人数"), default=0, help_text=_("不在会员名册中的受训人数"))
    materials = models.PositiveIntegerField(_("发放资料（份）"), default=0)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(trainees__gte=0), name="learning_session_trainees")]
        indexes = [models.Index(fields=["held_on"], name="learning_session_held_on")]


@scope.rule(org="session__enterprise__", view="learning.view")
class SafetyTrainee(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """A registry member who attended a safety session (once per session)."""

    session = models.ForeignKey(SafetySession, on_delete=models.CASCADE, related_name="registered")
    member = models.ForeignKey("members.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="learning_trainee_once")]


@scope.rule(org="session__enterprise__", view="learning.view")
class SigninImport(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    """One sign-in sheet read for a safety session: how many rows, matched, and every row not
    taken with its reason (names masked)."""

    session = models.ForeignKey(SafetySession, on_delete=models.CASCADE, related_name="signins")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
