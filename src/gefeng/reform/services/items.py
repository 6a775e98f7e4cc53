"""Measures and items of a plan, with their milestones, indicators and assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit, figures
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Action,
    Assignment,
    Indicator,
    Item,
    Measure,
    Milestone,
    Plan,
    Report,
    ReportState,
)
from gefeng.reform.services._common import (
    MANAGE,
    UNIT_KINDS,
    _text,
)

# ---------------------------------------------------------------- measures and items


@actors.accepts_system
@transaction.atomic
def measure_save(*, actor: Any, action: Action, data: dict[str, Any], measure: Measure | None = None) -> Measure:
    actors.require(actor, action.plan, MANAGE)
    title = _text(data.get("title"), 120)
    number: Any = data.get("number")
    errors = {}
    if not title:
        errors["title"] = "请填写举措名称。"
    if not isinstance(number, int) or not 1 <= number <= 99:
        errors["number"] = "序号应为 1 至 99。"
    elif (
        Measure.objects.filter(action__plan=action.plan, action=action, number=number)
        .exclude(pk=measure.pk if measure else 0)
        .exists()
    ):
        errors["number"] = "本行动下已有这个序号的举措。"
    if errors:
        raise ValidationError(errors)
    creating = measure is None
    m = measure or Measure(action=action)
    before = audit.snapshot(m, ("number", "title", "description", "action"))
    m.action, m.number, m.title = action, number, title
    m.description = _text(data.get("description"), 2000)
    m.save()
    audit.record(
        actor=actor,
        action="reform.measure.created" if creating else "reform.measure.updated",
        obj=m,
        changes=audit.diff(before, audit.snapshot(m, before)),
    )
    return m


@dataclass
class ItemData:
    """An item as the plan editor submits it; milestones and indicators are dicts with an
    optional "id" (to update) and "delete" (to remove)."""

    measure: Measure
    code: str
    title: str
    lead_unit: OrgNode
    deadline: dt.date
    weight: Decimal = Decimal("1")
    description: str = ""
    co_units: Sequence[OrgNode] = ()
    completed_on: dt.date | None = None
    milestones: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)


def _dec(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


@actors.accepts_system
@transaction.atomic
def item_save(*, actor: Any, plan: Plan, data: ItemData, item: Item | None = None) -> Item:
    """Create or change an item with its units, milestones and indicators, all or nothing."""
    actors.require(actor, plan, MANAGE)
    errors: dict[str, Any] = {}
    code = _text(data.code, 20)
    title = _text(data.title, 200)
    if not code:
        errors["code"] = "请填写编号。"
    elif Item.objects.filter(plan=plan, code=code).exclude(pk=item.pk if item else 0).exists():
        errors["code"] = "本计划已有这个编号的项目。"
    if not title:
        errors["title"] = "请填写项目名称。"
    if data.measure.action.plan_id != plan.pk:
        errors["measure"] = "举措不属于本计划。"
    if data.deadline is None or data.deadline.year != plan.year:
        errors["deadline"] = f"完成时限应在{plan.year}年内。"
    if data.weight is None or not Decimal("0") < data.weight <= Decimal("100"):
        errors["weight"] = "权重应大于 0、不超过 100。"
    units = [data.lead_unit, *[u for u in data.co_units if u.pk != data.lead_unit.pk]]
    if any(u.kind not in UNIT_KINDS for u in units):
        errors["co_units"] = "责任单位应是成员单位、镇街或企事业单位。"
    if data.completed_on and data.completed_on > timezone.localdate():
        errors["completed_on"] = "确认完成日期不能晚于今天。"
    for n, m in enumerate(data.milestones, start=1):
        if m.get("delete"):
            continue
        if not _text(m.get("title"), 200) or not isinstance(m.get("due"), dt.date):
            errors["milestones"] = f"第 {n} 个节点需要名称和计划完成日期。"
        elif m.get("done_on") and m["done_on"] > timezone.localdate():
            errors["milestones"] = f"第 {n} 个节点的实际完成日期不能晚于今天。"
    names = set(figures.names())
    for n, i in enumerate(data.indicators, start=1):
        if i.get("delete"):
            continue
        if not _text(i.get("name"), 100) or _dec(i.get("target")) is None:
            errors["indicators"] = f"第 {n} 个指标需要名称和目标值。"
        elif i.get("figure") and i["figure"] not in names:
            errors["indicators"] = f"第 {n} 个指标的自动取数项“{i['figure']}”不存在。"
    if errors:
        raise ValidationError(errors)
    creating = item is None
    obj = item or Item(plan=plan)
    fields = ("measure", "code", "title", "description", "lead_unit", "deadline", "weight", "completed_on")
    before = audit.snapshot(obj, fields) if not creating else {}
    obj.measure, obj.code, obj.title = data.measure, code, title
    obj.description = _text(data.description, 4000)
    obj.lead_unit, obj.deadline, obj.weight, obj.completed_on = (
        data.lead_unit,
        data.deadline,
        data.weight,
        data.completed_on,
    )
    obj.save()
    # Units: keep the assignments (and their reports) of units still named, drop the others.
    wanted = {u.pk: u for u in units}
    existing = {a.unit_id: a for a in obj.assignments.all()}
    dropped = [a for uid, a in existing.items() if uid not in wanted]
    if any(a.reports.exclude(state=ReportState.DRAFT).exists() for a in dropped):
        raise ValidationError({"co_units": "已报送过进展的责任单位不能移除。"})
    for a in dropped:
        a.delete()
    for uid, unit in wanted.items():
        is_lead = uid == data.lead_unit.pk
        found = existing.get(uid)
        if found is None:
            Assignment.objects.create(item=obj, unit=unit, is_lead=is_lead)
        elif found.is_lead != is_lead:
            found.is_lead = is_lead
            found.save(update_fields=["is_lead"])
    _save_children(obj, data)
    changes: dict[str, Any] = (
        dict(audit.diff(before, audit.snapshot(obj, fields))) if not creating else {"code": code, "title": title}
    )
    changes["units"] = [str(u) for u in units]
    audit.record(
        actor=actor, action="reform.item.created" if creating else "reform.item.updated", obj=obj, changes=changes
    )
    return obj


def _save_children(item: Item, data: ItemData) -> None:
    ms = {m.pk: m for m in item.milestones.all()}
    for row in data.milestones:
        m = ms.get(row.get("id") or 0)
        if row.get("delete"):
            if m:
                m.delete()
            continue
        m = m or Milestone(item=item)
        m.title, m.due, m.done_on = _text(row["title"], 200), row["due"], row.get("done_on")
        m.save()
    inds = {i.pk: i for i in item.indicators.all()}
    for row in data.indicators:
        i = inds.get(row.get("id") or 0)
        if row.get("delete"):
            if i:
                i.delete()
            continue
        i = i or Indicator(item=item)
        i.name, i.unit = _text(row["name"], 100), _text(row.get("unit"), 20)
        i.baseline = _dec(row.get("baseline")) or Decimal("0")
        i.target = _dec(row["target"]) or Decimal("0")
        i.figure = row.get("figure") or ""
        i.unit_org = row.get("unit_org")
        i.save()


@actors.accepts_system
@transaction.atomic
def item_delete(*, actor: Any, item: Item) -> None:
    actors.require(actor, item.plan, MANAGE)
    if Report.objects.filter(assignment__item=item).exclude(state=ReportState.DRAFT).exists():
        raise ValidationError({"item": "已有单位报送过进展的项目不能删除。"})
    audit.record(actor=actor, action="reform.item.deleted", obj=item)
    item.delete()
