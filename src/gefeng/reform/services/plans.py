"""Plans: create, edit, copy to a new year, and their reporting periods."""

from __future__ import annotations

import calendar as cal
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import (
    ACTION_NAMES,
    Action,
    Assignment,
    Calendar,
    Indicator,
    Item,
    Measure,
    Milestone,
    Period,
    Plan,
    PlanStatus,
    Report,
)
from gefeng.reform.services._common import (
    MANAGE,
    _text,
    due_days,
)

# ---------------------------------------------------------------- plan


def make_periods(plan: Plan) -> list[Period]:
    """The plan's reporting periods on its calendar, each due `due_days()` after it ends.

    Source: 徐政发〔2020〕3号 (月分析、季研判): monthly or quarterly periods.
    """
    out = []
    year = plan.year
    if plan.calendar == Calendar.MONTHLY:
        spans = [(m, m) for m in range(1, 13)]
    else:
        spans = [(3 * q - 2, 3 * q) for q in range(1, 5)]
    for first, last in spans:
        start = dt.date(year, first, 1)
        end = dt.date(year, last, cal.monthrange(year, last)[1])
        label = f"{year}年{first}月" if first == last else f"{year}年第{(first + 2) // 3}季度"
        out.append(Period(plan=plan, label=label, start=start, end=end, due=end + dt.timedelta(days=due_days())))
    return Period.objects.bulk_create(out)


def _check_plan_fields(year: Any, title: str, calendar: str) -> dict[str, str]:
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = "年度应在 2000 至 2100 之间。"
    if not title:
        errors["title"] = "请填写计划标题。"
    if calendar not in Calendar.values:
        errors["calendar"] = "报送周期只能是按月或按季度。"
    return errors


def _county_of(actor: Any) -> OrgNode:
    node = getattr(actor, "org", None)
    while node is not None and node.kind != Kind.COUNTY and node.parent_id:
        node = node.parent
    if node is None:
        node = OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
    if node is None:
        raise ValidationError({"year": "尚未建立组织架构，无法编制计划。"})
    return node


@actors.accepts_system
@transaction.atomic
def plan_create(
    *, actor: Any, year: int, title: str, calendar: str = Calendar.QUARTERLY, org: OrgNode | None = None
) -> Plan:
    """A new year's plan with the four actions and its reporting periods."""
    actors.require_perm(actor, MANAGE)
    title = _text(title, 120)
    errors = _check_plan_fields(year, title, calendar)
    if not errors and Plan.objects.filter(year=year).exists():
        errors["year"] = f"{year}年的计划已经存在。"
    if errors:
        raise ValidationError(errors)
    org = org or _county_of(actor)
    plan = Plan(org=org, year=year, title=title, calendar=calendar)
    plan.save()
    actors.require(actor, plan, MANAGE)
    Action.objects.bulk_create([Action(plan=plan, number=n, name=name) for n, name in ACTION_NAMES.items()])
    make_periods(plan)
    audit.record(actor=actor, action="reform.plan.created", obj=plan, changes={"year": year, "calendar": calendar})
    return plan


@actors.accepts_system
@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, title: str, calendar: str, status: str) -> Plan:
    actors.require(actor, plan, MANAGE)
    title = _text(title, 120)
    errors = _check_plan_fields(plan.year, title, calendar)
    if status not in PlanStatus.values:
        errors["status"] = "状态无效。"
    if calendar != plan.calendar and Report.objects.filter(period__plan=plan).exists():
        errors["calendar"] = "已有单位报送进展，不能再改报送周期。"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(plan, ("title", "calendar", "status"))
    regenerate = calendar != plan.calendar
    plan.title, plan.calendar, plan.status = title, calendar, status
    plan.save()
    if regenerate:
        plan.periods.all().delete()
        make_periods(plan)
    audit.record(
        actor=actor, action="reform.plan.updated", obj=plan, changes=audit.diff(before, audit.snapshot(plan, before))
    )
    return plan


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@actors.accepts_system
@transaction.atomic
def plan_copy(*, actor: Any, plan: Plan, year: int) -> Plan:
    """Copy a plan to another year: actions, measures, items with their units, milestones and
    indicators, every date shifted by the difference in years; reports, confirmations of
    completion and milestones' completion dates are not copied. The copy starts as a draft."""
    actors.require(actor, plan, MANAGE)
    if not isinstance(year, int) or year == plan.year:
        raise ValidationError({"year": "请选择另一个年度。"})
    years = year - plan.year
    title = plan.title.replace(str(plan.year), str(year)) if str(plan.year) in plan.title else f"{year}年{plan.title}"
    new = plan_create(actor=actor, year=year, title=title, calendar=plan.calendar, org=plan.org)
    actions = {a.number: a for a in new.actions.all()}
    measure_map: dict[int, Measure] = {}
    for m in Measure.objects.filter(action__plan=plan).select_related("action").order_by("action__number", "number"):
        measure_map[m.pk] = Measure.objects.create(
            action=actions[m.action.number],
            number=m.number,
            title=m.title,
            description=m.description,
            is_demo_content=m.is_demo_content,
        )
    count = 0
    for item in plan.items.order_by("code").prefetch_related("assignments", "milestones", "indicators"):
        code = item.code.replace(str(plan.year), str(year), 1)
        copy = Item.objects.create(
            plan=new,
            measure=measure_map[item.measure_id],
            code=code,
            title=item.title,
            description=item.description,
            lead_unit=item.lead_unit,
            deadline=_shift(item.deadline, years),
            weight=item.weight,
        )
        Assignment.objects.bulk_create(
            [Assignment(item=copy, unit_id=a.unit_id, is_lead=a.is_lead) for a in item.assignments.all()]
        )
        Milestone.objects.bulk_create(
            [Milestone(item=copy, title=m.title, due=_shift(m.due, years)) for m in item.milestones.all()]
        )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    item=copy,
                    name=i.name,
                    unit=i.unit,
                    baseline=i.baseline,
                    target=i.target,
                    figure=i.figure,
                    unit_org_id=i.unit_org_id,
                )
                for i in item.indicators.all()
            ]
        )
        count += 1
    audit.record(actor=actor, action="reform.plan.copied", obj=new, changes={"from_year": plan.year, "items": count})
    return new
