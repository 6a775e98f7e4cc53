"""The congress of an enterprise (or of a region or trade for small enterprises), its
constituencies, representatives, presidium and special committees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class CongressKind(models.TextChoices):
    CONGRESS = "congress", _("职工代表大会")
    ASSEMBLY = "assembly", _("职工大会")
    REGIONAL = "regional", _("区域职工代表大会")
    SECTOR = "sector", _("行业职工代表大会")


@scope.rule(org="org__", view="democracy.view")
class Congress(models.Model):
    """One term of an enterprise's congress. The local numbers are its own settings."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("形式"), max_length=10, choices=CongressKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    session = models.PositiveSmallIntegerField(_("届次"), default=1)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))
    employee_count = models.PositiveIntegerField(_("职工人数"), default=0)
    women_staff = models.PositiveIntegerField(_("女职工人数"), null=True, blank=True)
    dispatched_staff = models.PositiveIntegerField(_("劳务派遣职工人数"), null=True, blank=True)
    # Local settings (the county pilot's values as defaults).
    ratio_per = models.PositiveSmallIntegerField(_("每多少名职工1名代表"), default=10)
    min_seats = models.PositiveSmallIntegerField(_("代表最少人数"), default=30)
    frontline_min_pct = models.PositiveSmallIntegerField(_("一线职工最低比例（%）"), default=50)
    member_meeting_months = models.PositiveSmallIntegerField(_("会员会议间隔（月）"), default=1)
    enlarged_meeting_months = models.PositiveSmallIntegerField(_("扩大会议间隔（月）"), default=3)
    congress_months = models.PositiveSmallIntegerField(_("大会间隔（月）"), default=12)
    materials_days = models.PositiveSmallIntegerField(_("材料提前送达天数"), default=7)
    cosigners_min = models.PositiveSmallIntegerField(_("提案附议人最少人数"), default=2)
    disclosure_months = models.JSONField(_("厂务公开间隔（月）"), default=dict, blank=True)
    active = models.BooleanField(_("本届有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("职代会")
        verbose_name_plural = _("职代会")
        ordering = ["org__path", "-session"]
        constraints = [
            models.UniqueConstraint(fields=["org", "session"], name="congress_org_session"),
            models.UniqueConstraint(fields=["org"], condition=Q(active=True), name="congress_one_active"),
            models.CheckConstraint(condition=Q(term_end__gt=models.F("term_start")), name="congress_term_order"),
        ]
        indexes = [models.Index(fields=["active", "kind"], name="congress_active_kind")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="congress__org__", view="democracy.view")
class Constituency(models.Model):
    """A 选区 (workshop, team): its employees and seats."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="constituencies")
    name = models.CharField(_("选区"), max_length=60)
    team = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    employees = models.PositiveIntegerField(_("职工人数"), default=0)
    seats = models.PositiveSmallIntegerField(_("名额"), default=1)

    class Meta:
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        ordering = ["congress", "id"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="constituency_name")]

    def __str__(self) -> str:
        return self.name


class RepStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    VACATED = "vacated", _("已出缺")


@scope.rule(org="congress__org__", person="member__user_id", view="democracy.view")
class Representative(models.Model):
    """A representative elected in a constituency, with the election record. Composition flags
    are taken from the registry at the election and may be corrected (managers, dispatched)."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="representatives")
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="representatives")
    member = models.ForeignKey("members.Member", verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    woman = models.BooleanField(_("女职工"), default=False)
    manager = models.BooleanField(_("中层以上管理人员"), default=False)
    frontline = models.BooleanField(_("一线职工"), default=False)
    dispatched = models.BooleanField(_("劳务派遣"), default=False)
    elected_on = models.DateField(_("当选日期"))
    voters = models.PositiveIntegerField(_("选区参选人数"), default=0)
    votes_for = models.PositiveIntegerField(_("得票"), default=0)
    by_election = models.BooleanField(_("补选"), default=False)
    presidium = models.BooleanField(_("主席团成员"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=RepStatus.choices, default=RepStatus.ACTIVE)
    vacated_on = models.DateField(_("出缺日期"), null=True, blank=True)
    vacated_reason = models.CharField(_("出缺原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("职工代表")
        verbose_name_plural = _("职工代表")
        ordering = ["congress", "constituency_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "member"], condition=Q(status="active"), name="representative_once_active"
            )
        ]
        indexes = [models.Index(fields=["congress", "status"], name="representative_status")]

    def __str__(self) -> str:
        return self.name


@scope.rule(org="congress__org__", view="democracy.view")
class Committee(models.Model):
    """A 专门委员会 (提案审查, 劳动法律监督, 女职工 …) with its members among the representatives."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("名称"), max_length=60)
    members = models.ManyToManyField(Representative, verbose_name=_("成员"), blank=True, related_name="committees")

    class Meta:
        verbose_name = _("专门委员会")
        verbose_name_plural = _("专门委员会")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="committee_name")]

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    MEMBERS = "members", _("工会会员会议")
    ENLARGED = "enlarged", _("工会扩大会议")
    CONGRESS = "congress", _("职工代表大会")
    ALL_STAFF = "all_staff", _("全体职工大会")
    EXTRA = "extra", _("临时会议")


# Meetings whose votes are the congress's: quorum and majorities of all representatives apply.
VOTING_KINDS = frozenset({MeetingKind.CONGRESS, MeetingKind.ALL_STAFF, MeetingKind.EXTRA})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    NOTIFIED = "notified", _("材料已发送")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已闭会")
    CANCELLED = "cancelled", _("已取消")


@scope.rule(org="congress__org__", view="democracy.view")
class Meeting(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("会议类型"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=120)
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    materials = models.TextField(_("会议材料"), blank=True)
    materials_sent_on = models.DateField(_("材料送达日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    checkin_token = models.CharField(max_length=32, unique=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    resolutions_published_on = models.DateField(_("决议公布日期"), null=True, blank=True)
    entitled = models.PositiveIntegerField(_("应到代表"), default=0)
    present = models.PositiveIntegerField(_("实到代表"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["congress", "date", "id"]
        indexes = [
            models.Index(fields=["congress", "date"], name="meeting_congress_date"),
            models.Index(fields=["status", "date"], name="meeting_status_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def voting(self) -> bool:
        return self.kind in VOTING_KINDS


@scope.rule(org="meeting__congress__org__", view="democracy.view")
class Attendance(models.Model):
    """A representative's sign-in (the QR code on the phone, or by the secretary)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("方式"), max_length=10, choices=[("qr", _("扫码")), ("secretary", _("秘书登记"))])
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["meeting", "representative"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.representative_id}"
