"""同频聚效: supervision of the year's plan — 督办 notices, inspections (督导检查) and their
rectification items (整改), joint meetings (联席会议) and their decisions (议定事项), circulars
(通报), the year-end evaluation (年终考评) and the register of pilot enterprises (试点企业).

Notices, rectification items and decisions are one model, `Task`: each is addressed to one unit,
has a deadline, and runs the same course — the unit reports progress and then replies / reports
it done (submitted), the county office verifies and closes it or returns it with comments.

Scope: a task, a unit's score and its adjustments hang on the unit (`unit__`); a pilot
enterprise on the enterprise; meetings, inspections, circulars and evaluations belong to the
plan's node (the county office), so only the county-wide roles see them whole. Units reach the
meeting or inspection a task came from through the task's own page.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope, uploads


class TaskKind(models.TextChoices):
    NOTICE = "notice", _("督办通知")
    RECTIFICATION = "rectification", _("整改事项")
    DECISION = "decision", _("议定事项")


class TaskState(models.TextChoices):
    OPEN = "open", _("办理中")
    SUBMITTED = "submitted", _("待核验")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


# How the states read for a 督办 notice: the unit replies, the office closes.
NOTICE_STATE_LABELS = {
    TaskState.OPEN: _("待回复"),
    TaskState.SUBMITTED: _("已回复"),
    TaskState.CLOSED: _("已办结"),
    TaskState.CANCELLED: _("已撤销"),
}


@scope.rule(org="plan__org__", view="reform.view")
class Meeting(models.Model):
    """联席会议: one meeting of the joint meeting with its attendees, agenda and minutes."""

    plan = models.ForeignKey("reform.Plan", verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField(_("届次"))
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    units = models.ManyToManyField("orgs.OrgNode", verbose_name=_("参会单位"), related_name="+", blank=True)
    attendees = models.TextField(_("参会人员"), blank=True, help_text=_("每行一人：单位、姓名、职务"))
    agenda = models.TextField(_("会议议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="supervision_meeting_unique_seq")]
        verbose_name = _("联席会议")

    def __str__(self) -> str:
        return self.title


@scope.rule(org="plan__org__", view="reform.view")
class Inspection(models.Model):
    """督导检查: one visit of the county office's inspection team."""

    plan = models.ForeignKey("reform.Plan", verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("检查名称"), max_length=200)
    visited_on = models.DateField(_("检查日期"))
    units = models.ManyToManyField("orgs.OrgNode", verbose_name=_("被检查单位"), related_name="+")
    inspectors = models.TextField(_("检查组成员"), help_text=_("每行一人：单位、姓名、职务"))
    methods = models.CharField(
        _("检查方式"), max_length=200, blank=True, help_text=_("如：听取汇报、查阅资料、实地查看、座谈交流")
    )
    findings = models.TextField(_("发现的问题"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("督导检查")

    def __str__(self) -> str:
        return self.title


@scope.rule(org="unit__", view="reform.view")
class Task(models.Model):
    """A tracked item addressed to one unit: a 督办 notice, a rectification item or a decision."""

    kind = models.CharField(_("类别"), max_length=15, choices=TaskKind.choices)
    plan = models.ForeignKey("reform.Plan", verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="supervision_tasks"
    )
    item = models.ForeignKey(
        "reform.Item",
        verbose_name=_("重点工作项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_tasks",
    )
    item_status = models.CharField(_("督办时项目状态"), max_length=15, blank=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="rectifications"
    )
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("事项"), max_length=200)
    content = models.TextField(_("要求"), blank=True)
    deadline = models.DateField(_("办理时限"))
    issued_on = models.DateField(_("下达日期"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    reply = models.TextField(_("回复 / 办结情况"), blank=True)
    submitted_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    submitted_late = models.BooleanField(_("逾期回复"), default=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("核验意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "seq"], name="supervision_task_unique_seq")]
        indexes = [
            models.Index(fields=["unit", "state"], name="supervision_task_unit_state"),
            models.Index(fields=["plan", "kind", "state"], name="supervision_task_plan_kind"),
            models.Index(fields=["deadline"], name="supervision_task_deadline"),
        ]
        verbose_name = _("督办事项")

    def __str__(self) -> str:
        return f"{self.number or self.get_kind_display()} {self.title}"

    @property
    def state_label(self) -> Any:
        if self.kind == TaskKind.NOTICE:
            return NOTICE_STATE_LABELS[TaskState(self.state)]
        return self.get_state_display()

    @property
    def is_live(self) -> bool:
        return self.state in (TaskState.OPEN, TaskState.SUBMITTED)


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("进展")
    SUBMIT = "submit", _("回复 / 申请办结")
    RETURN = "return", _("退回")
    CLOSE = "close", _("办结")
    CANCEL = "cancel", _("撤销")


@scope.rule(org="task__unit__", view="reform.view")
class TaskUpdate(models.Model):
    """One step in a task's history: the unit's progress or reply, the office's return or closure."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("类型"), max_length=10, choices=UpdateKind.choices)
    text = models.TextField(_("内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["task", "created_at", "pk"]
        verbose_name = _("办理记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


def attachment_path(instance: Any, filename: str) -> str:
    """DATA_DIR/media/supervision/<random>.<ext> (kept for the first migration; the field now
    uses `uploads.UploadTo("supervision")`, which names files the same way)."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"supervision/{uuid.uuid4().hex}{suffix}"


@scope.rule(org="org__", view="reform.view")
class Attachment(models.Model):
    """A file of a task's history (reply, progress evidence) or of a meeting (minutes, slides).

    `org` is the node the file belongs to — the task's unit, or the meeting's plan node — so the
    download view checks the same scope as the page that lists the file."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    file = models.FileField(_("文件"), upload_to=uploads.UploadTo("supervision"), max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")

    def __str__(self) -> str:
        return self.original_name


@scope.rule(org="plan__org__", view="reform.view")
class Circular(models.Model):
    """通报: an issued circular on the units' reporting and progress, kept as the .docx issued."""

    plan = models.ForeignKey("reform.Plan", verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField(_("文号序号"))
    number = models.CharField(_("文号"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    as_of = models.DateField(_("统计截至"))
    issued_on = models.DateField(_("成文日期"))
    intro = models.TextField(_("导语"), blank=True)
    requirements = models.TextField(_("工作要求"), blank=True)
    rows = models.JSONField(_("通报数据"), default=list)
    laggards = models.JSONField(_("滞后单位"), default=list)
    file = models.FileField(_("文件"), upload_to="supervision/circulars/", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="supervision_circular_unique_seq")]
        verbose_name = _("通报")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("评分中")
    FINAL = "final", _("已定稿")


@scope.rule(org="plan__org__", view="reform.view")
class Evaluation(models.Model):
    """年终考评 of one plan: the scoring rules (weights, caps, number of advanced units) are data."""

    plan = models.OneToOneField("reform.Plan", verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    as_of = models.DateField(_("考评截至"), help_text=_("完成率与及时率按此日计算"))
    weight_completion = models.DecimalField(_("完成率权重"), max_digits=5, decimal_places=2, default=Decimal("50"))
    weight_timeliness = models.DecimalField(_("及时率权重"), max_digits=5, decimal_places=2, default=Decimal("30"))
    weight_quality = models.DecimalField(_("工作质量权重"), max_digits=5, decimal_places=2, default=Decimal("20"))
    late_credit = models.DecimalField(
        _("迟报折算"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        help_text=_("一次迟报按几次按时报送计（0–1）"),
    )
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=2, default=Decimal("5"))
    deduction_cap = models.DecimalField(_("扣分上限"), max_digits=5, decimal_places=2, default=Decimal("10"))
    advanced_count = models.PositiveSmallIntegerField(_("先进单位名额"), default=8)
    state = models.CharField(_("状态"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("年终考评")

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.state == EvaluationState.FINAL


class RuleKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")


@scope.rule(org="evaluation__plan__org__", view="reform.view")
class ScoreRule(models.Model):
    """A bonus or deduction item of the scoring rules (评分细则): name, points each time, cap."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("类别"), max_length=10, choices=RuleKind.choices)
    name = models.CharField(_("项目"), max_length=100)
    points = models.DecimalField(_("每次分值"), max_digits=5, decimal_places=2)
    max_points = models.DecimalField(_("本项上限"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "kind", "name"], name="supervision_rule_unique_name")
        ]
        verbose_name = _("加减分项目")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


@scope.rule(org="unit__", view="reform.view")
class UnitScore(models.Model):
    """One unit's score in an evaluation, with the breakdown it was computed from."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("orgs.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    items = models.PositiveIntegerField(_("承担项目"), default=0)
    items_completed = models.PositiveIntegerField(_("已完成项目"), default=0)
    completion = models.DecimalField(_("完成率"), max_digits=5, decimal_places=4, default=Decimal("0"))
    reports_due = models.PositiveIntegerField(_("应报"), default=0)
    reports_on_time = models.PositiveIntegerField(_("按时报送"), default=0)
    reports_late = models.PositiveIntegerField(_("迟报"), default=0)
    reports_missing = models.PositiveIntegerField(_("未报"), default=0)
    timeliness = models.DecimalField(_("及时率"), max_digits=5, decimal_places=4, default=Decimal("0"))
    quality = models.DecimalField(_("工作质量（百分制）"), max_digits=5, decimal_places=2, null=True, blank=True)
    quality_reason = models.TextField(_("质量评价说明"), blank=True)
    bonus = models.DecimalField(_("加分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    deduction = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    advanced = models.BooleanField(_("先进单位"), default=False)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "rank", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "unit"], name="supervision_score_unique_unit")]
        indexes = [models.Index(fields=["evaluation", "rank"], name="supervision_score_rank")]
        verbose_name = _("单位得分")

    def __str__(self) -> str:
        return f"{self.unit} {self.total}"


@scope.rule(org="score__unit__", view="reform.view")
class Adjustment(models.Model):
    """One bonus or deduction given to a unit under a rule, with its reason (entered, audited)."""

    score = models.ForeignKey(UnitScore, on_delete=models.CASCADE, related_name="adjustments")
    rule = models.ForeignKey(ScoreRule, on_delete=models.PROTECT, related_name="adjustments")
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("事由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["score", "rule__kind", "pk"]
        verbose_name = _("加减分")

    def __str__(self) -> str:
        return f"{self.rule.name} {self.points}"


class PilotLevel(models.TextChoices):
    COUNTY = "county", _("县级试点")
    CITY = "city", _("市级试点")
    PROVINCE = "province", _("省级试点")


@scope.rule(org="enterprise__", view="reform.view")
class PilotEnterprise(models.Model):
    """试点企业: an enterprise piloting the reform, its measures and results, linked to items."""

    enterprise = models.OneToOneField(
        "orgs.OrgNode", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="reform_pilot"
    )
    level = models.CharField(_("试点级别"), max_length=10, choices=PilotLevel.choices, default=PilotLevel.COUNTY)
    designated_on = models.DateField(_("确定日期"))
    measures = models.TextField(_("改革举措"))
    results = models.TextField(_("工作成效"), blank=True)
    items = models.ManyToManyField(
        "reform.Item", verbose_name=_("关联重点工作项目"), related_name="pilot_enterprises", blank=True
    )
    active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise__path"]
        verbose_name = _("试点企业")

    def __str__(self) -> str:
        return str(self.enterprise)
