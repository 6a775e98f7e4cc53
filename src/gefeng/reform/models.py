"""产改责任清单: the year's plan, its four actions, measures and key work items, who answers for
each item (assignments), and the periodic progress reports with their indicator values and
evidence.

Scope: an item hangs on the tree through its assignments (`Assignment.unit`): a member unit
sees the items it is assigned to, a town the items of units under it, the county all. The plan
and its actions, measures and periods belong to the county office's node (`Plan.org`); units
reach them through their items (see `selectors.plans_for`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class Calendar(models.TextChoices):
    MONTHLY = "monthly", _("按月报送")
    QUARTERLY = "quarterly", _("按季度报送")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟中")
    PUBLISHED = "published", _("已发布")


# The four actions of 《新时代徐州产业工人队伍建设改革实施方案》 (四大行动).
ACTION_NAMES = {1: "引领聚魂", 2: "成长聚能", 3: "共享聚心", 4: "同频聚效"}


@scope.rule(org="org__", view="reform.view")
class Plan(models.Model):
    """One year's 产改重点工作项目责任清单, owned by the county office's node."""

    org = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("编制单位"), on_delete=models.PROTECT, related_name="reform_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("标题"), max_length=120)
    calendar = models.CharField(_("报送周期"), max_length=10, choices=Calendar.choices, default=Calendar.QUARTERLY)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度计划")

    def __str__(self) -> str:
        return self.title or f"{self.year}年产改重点工作"


@scope.rule(org="plan__org__", view="reform.view")
class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=30)

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="reform_action_unique_number")]
        verbose_name = _("行动")

    def __str__(self) -> str:
        return f"{self.name}行动"


@scope.rule(org="action__plan__org__", view="reform.view")
class Measure(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("举措"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    is_demo_content = models.BooleanField(_("演示内容"), default=False)

    class Meta:
        ordering = ["action_id", "number"]
        constraints = [models.UniqueConstraint(fields=["action", "number"], name="reform_measure_unique_number")]
        verbose_name = _("举措")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


@scope.rule(org="assignments__unit__", view="reform.view")
class Item(models.Model):
    """重点工作项目. Visible to whoever may see any of its assignments; list selectors
    de-duplicate (`selectors.items_visible`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("工作内容"), blank=True)
    lead_unit = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="reform_led_items"
    )
    deadline = models.DateField(_("完成时限"))
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=Decimal("1"))
    completed_on = models.DateField(
        _("确认完成日期"), null=True, blank=True, help_text=_("县产改办确认项目完成之日；留空则按节点和指标判断")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_id", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="reform_item_unique_code")]
        indexes = [models.Index(fields=["plan", "deadline"], name="reform_item_plan_deadline")]
        verbose_name = _("重点工作项目")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


@scope.rule(org="unit__", view="reform.view")
class Assignment(models.Model):
    """One unit answering for one item (牵头 or 责任单位): the unit of responsibility and reporting."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="reform_assignments"
    )
    is_lead = models.BooleanField(_("牵头"), default=False)

    class Meta:
        ordering = ["item_id", "-is_lead", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="reform_assignment_unique_unit")]
        verbose_name = _("责任分工")

    def __str__(self) -> str:
        return f"{self.item.code} · {self.unit}"


@scope.rule(org="item__assignments__unit__", view="reform.view")
class Milestone(models.Model):
    """节点: a dated step of an item; done when `done_on` is set."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)

    class Meta:
        ordering = ["item_id", "due", "pk"]
        verbose_name = _("节点")

    def __str__(self) -> str:
        return self.title


@scope.rule(org="item__assignments__unit__", view="reform.view")
class Indicator(models.Model):
    """A quantitative target. With `figure` set it is live: its value is the registered figure
    (`core.figures`) for `unit_org` (else the county node) and the plan's year."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    baseline = models.DecimalField(_("基数"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    figure = models.CharField(_("自动取数"), max_length=60, blank=True, help_text=_("平台统计的数据项名称"))
    unit_org = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("统计范围"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reform_indicators",
    )

    class Meta:
        ordering = ["item_id", "pk"]
        verbose_name = _("量化指标")

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return bool(self.figure)


@scope.rule(org="plan__org__", view="reform.view")
class Period(models.Model):
    """A reporting period of a plan (a month or a quarter) with the date its reports are due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("报送期"), max_length=40)
    start = models.DateField(_("起"))
    end = models.DateField(_("止"))
    due = models.DateField(_("报送截止"))

    class Meta:
        ordering = ["plan_id", "start"]
        constraints = [models.UniqueConstraint(fields=["plan", "start"], name="reform_period_unique_start")]
        verbose_name = _("报送期")

    def __str__(self) -> str:
        return self.label


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


@scope.rule(org="assignment__unit__", view="reform.view")
class Report(models.Model):
    """One unit's progress report on one item for one period."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    narrative = models.TextField(_("进展情况"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("迟报"), default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_id", "assignment_id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="reform_report_unique_period")]
        indexes = [models.Index(fields=["period", "state"], name="reform_report_period_state")]
        verbose_name = _("进展报送")

    def __str__(self) -> str:
        return f"{self.period.label} · {self.assignment}"


@scope.rule(org="report__assignment__unit__", view="reform.view")
class IndicatorValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("完成值"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reform_value_unique")]
        verbose_name = _("指标完成值")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


def evidence_path(instance: Any, filename: str) -> str:
    """DATA_DIR/media/reform/evidence/<year>/<random>.<ext>: the original name is kept on the row."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"reform/evidence/{uuid.uuid4().hex}{suffix}"


@scope.rule(org="report__assignment__unit__", view="reform.view")
class Evidence(models.Model):
    """A supporting file of a report (图片、PDF、Word/WPS、Excel), stored outside the static root
    and served only through the scoped download view."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report_id", "uploaded_at", "pk"]
        verbose_name = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


@scope.rule(org="unit__", view="reform.view")
class Notice(models.Model):
    """An in-app notice to a unit (reminders before a due date); shown on the unit's pages."""

    unit = models.ForeignKey("orgs.OrgNode", on_delete=models.CASCADE, related_name="reform_notices")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="notices", null=True, blank=True)
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "read_at"], name="reform_notice_unit_read")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"], condition=Q(period__isnull=False), name="reform_notice_once_a_period"
            )
        ]
        verbose_name = _("提醒")

    def __str__(self) -> str:
        return self.text
