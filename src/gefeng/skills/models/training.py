"""Training courses (职工技能培训, 转岗再就业): courses, enrolment (from the registry or by ID number),
sessions and attendance, completion and placement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_id_number


class Group(models.TextChoices):
    JOBLESS = "jobless", _("下岗失业人员")
    HARDSHIP = "hardship", _("困难职工")
    FAMILY = "family", _("困难职工配偶子女")
    MIGRANT = "migrant", _("农民工")
    WORKER = "worker", _("在职职工")


@scope.rule(org="org__", view="skills.view")
class Course(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("培训班名称"), max_length=100)
    specialty = models.CharField(_("专业"), max_length=40)
    provider = models.CharField(_("承训机构"), max_length=100)
    place = models.CharField(_("培训地点"), max_length=100)
    host = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("企业内开班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("培训课堂设在企业内部时选择该企业"),
    )
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    capacity = models.PositiveIntegerField(_("计划人数"))
    funding_yuan = models.DecimalField(_("经费（元）"), max_digits=12, decimal_places=2, default=0)
    funding_source = models.CharField(_("经费来源"), max_length=100, blank=True)
    open_to_workers = models.BooleanField(_("职工可在手机上报名"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "starts_on"], name="skills_course_org_start")]

    def __str__(self) -> str:
        return self.name


class EnrolStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在训")
    COMPLETED = "completed", _("已结业")
    DROPPED = "dropped", _("中途退出")


@scope.rule(org="course__org__", person="member__user_id", view="skills.view")
class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("会员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"))
    id_hash = models.CharField(max_length=64)
    group = models.CharField(_("人员类别"), max_length=10, choices=Group.choices)
    status = models.CharField(_("状态"), max_length=10, choices=EnrolStatus.choices, default=EnrolStatus.ENROLLED)
    certificate_no = models.CharField(_("结业证书编号"), max_length=40, blank=True)
    placement = models.CharField(_("培训后就业去向"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        ordering = ["course", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "id_hash"], name="skills_enrol_once")]
        indexes = [models.Index(fields=["course", "group"], name="skills_enrol_group")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)


@scope.rule(org="course__org__", view="skills.view")
class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("日期"))
    topic = models.CharField(_("内容"), max_length=100)

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering = ["course", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.topic}"


@scope.rule(org="session__course__org__", view="skills.view")
class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    via = models.CharField(_("签到方式"), max_length=10, default="sheet")

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="skills_attend_once")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.enrolment_id}"
