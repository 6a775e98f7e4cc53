"""Allowance kinds and the rule table (amounts by level and year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.allowances.models import (
    LEVEL_RANK,
    AllowanceKind,
    AllowanceRule,
    Level,
    RunLine,
    RunStatus,
)
from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.orgs.models import Kind, OrgNode

VIEW = "allowances.view"
MANAGE = "allowances.manage"
LABOUR_MODEL = "labour_model"
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}
MAX_AMOUNT = Decimal("1000000")
BATCH = 500


def _require(actor: Any, obj: Any, perm: str = MANAGE) -> None:
    actors.require(actor, obj, perm)


def _kind_of_org(org: OrgNode) -> None:
    if org.kind != Kind.COUNTY:
        raise ValidationError({"org": ["劳模津贴由县级发放，发放单位应为县级组织。"]})


# ---------------------------------------------------------------- kinds and the rule table


@accepts_system
@transaction.atomic
def kind_create(
    *,
    actor: Any,
    org: OrgNode,
    name: Any,
    description: Any = "",
    order: int = 0,
    active: bool = True,
    is_demo: bool = False,
) -> AllowanceKind:
    _require(actor, org)
    _kind_of_org(org)
    name_s = clean_text(name)[:40] if name else ""
    if not name_s:
        raise ValidationError({"name": ["请填写津贴种类名称。"]})
    if AllowanceKind.objects.filter(org=org, name=name_s).exists():
        raise ValidationError({"name": [f"已有名为“{name_s}”的津贴种类。"]})
    kind = AllowanceKind.objects.create(
        org=org,
        name=name_s,
        description=clean_text(description)[:200] if description else "",
        order=max(0, min(int(order or 0), 32767)),
        active=bool(active),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action="allowances.kind.created", obj=kind, changes={"name": name_s})
    return kind


@accepts_system
@transaction.atomic
def kind_update(*, actor: Any, kind: AllowanceKind, data: dict[str, Any]) -> AllowanceKind:
    _require(actor, kind)
    kind = AllowanceKind.objects.select_for_update().get(pk=kind.pk)
    fields = ("name", "description", "order", "active")
    before = audit.snapshot(kind, fields)
    name_s = clean_text(data.get("name", kind.name))[:40]
    if not name_s:
        raise ValidationError({"name": ["请填写津贴种类名称。"]})
    if AllowanceKind.objects.filter(org_id=kind.org_id, name=name_s).exclude(pk=kind.pk).exists():
        raise ValidationError({"name": [f"已有名为“{name_s}”的津贴种类。"]})
    kind.name = name_s
    kind.description = clean_text(data.get("description", kind.description))[:200]
    kind.order = max(0, min(int(data.get("order", kind.order) or 0), 32767))
    kind.active = bool(data.get("active", kind.active))
    if name_s != before["name"]:
        kind.is_demo = False  # renamed by the county: no longer the demo's example name
    changes = audit.diff(before, audit.snapshot(kind, fields))
    if changes:
        kind.save()
        audit.record(actor=actor, action="allowances.kind.updated", obj=kind, changes=changes)
    return kind


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": ["金额应为数字（元）。"]}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": ["金额不能为负数。"]})
    if amount >= MAX_AMOUNT:
        raise ValidationError({"amount": ["金额过大，请核对（单位：元/年）。"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": ["金额最多保留两位小数。"]})
    return amount.quantize(Decimal("0.01"))


@accepts_system
@transaction.atomic
def rule_save(
    *,
    actor: Any,
    kind: AllowanceKind,
    level: str,
    amount: Any,
    effective_from: Any,
    living_only: bool = True,
    retired_only: bool = False,
    hardship_only: bool = False,
    note: Any = "",
    rule: AllowanceRule | None = None,
) -> AllowanceRule:
    """Create a rule row, or change one (`rule`) that no approved run has used yet.

    A new amount from a later year is a new row with that effective year, so the runs of earlier
    years keep the amounts they were paid under.

    Rule: allowance amounts by kind, level and year are local — set from the county's yearly notice
    on 劳模“三金一贴” (no public source fixes them; see docs/domain.md, 劳模待遇), entered here as the rule
    table, never in code.
    """
    _require(actor, kind)
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors.setdefault("level", []).append("请选择荣誉级别。")
    try:
        year = int(effective_from)
        if not 1950 <= year <= dt.date.today().year + 5:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("effective_from", []).append("起始年度应为四位年份。")
        year = 0
    try:
        value = _amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        value = Decimal(0)
    if errors:
        raise ValidationError(errors)
    clash = AllowanceRule.objects.filter(kind=kind, level=level, effective_from=year)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
        if rule.kind_id != kind.pk:
            raise ValidationError("标准不属于该津贴种类。")
        if RunLine.objects.filter(rule=rule).filter(run__status__in=(RunStatus.APPROVED, RunStatus.PAID)).exists():
            raise ValidationError("该标准已用于已审批的发放批次，不能修改；请新增一条起始年度更晚的标准。")
    if clash.exists():
        raise ValidationError({"effective_from": ["该种类、该级别、该起始年度的标准已存在，请直接修改。"]})
    values = {
        "level": level,
        "amount": value,
        "effective_from": year,
        "living_only": bool(living_only),
        "retired_only": bool(retired_only),
        "hardship_only": bool(hardship_only),
        "note": clean_text(note)[:200] if note else "",
    }
    if rule is None:
        rule = AllowanceRule.objects.create(kind=kind, **values)
        audit.record(actor=actor, action="allowances.rule.created", obj=rule, changes=values)
        return rule
    rule = AllowanceRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule, values)
    for key, v in values.items():
        setattr(rule, key, v)
    changes = audit.diff(before, audit.snapshot(rule, values))
    if changes:
        rule.save()
        audit.record(actor=actor, action="allowances.rule.updated", obj=rule, changes=changes)
    return rule


def rules_for_year(org: OrgNode, year: int) -> dict[tuple[int, str], AllowanceRule]:
    """(kind id, level) → the rule in force in `year` (latest effective year ≤ year), active kinds.

    Rule: the amount in force is the rule row with the latest effective year ≤ the run's year (the
    county notice's 自某年起执行).
    """
    out: dict[tuple[int, str], AllowanceRule] = {}
    rows = (
        AllowanceRule.objects.filter(kind__org=org, kind__active=True, effective_from__lte=year)
        .select_related("kind")
        .order_by("kind__order", "kind_id", "level", "-effective_from")
    )
    for rule in rows:
        out.setdefault((rule.kind_id, rule.level), rule)
    return out
