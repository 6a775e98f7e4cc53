"""参保扩面 (the pension drive with the 人社局): targets per enterprise and year, the enterprise's
reported enrolments, the 人社局's confirmation (imported from their sheet), gaps and reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.care.models import PensionTarget
from gefeng.care.services._common import MANAGE, PENSION, date, require, town_of
from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.orgs.models import Kind, OrgNode


def _count(value: Any, field: str, label: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}应为整数。"]}) from None
    if n < 0 or n > 1_000_000:
        raise ValidationError({field: [f"{label}不合理。"]})
    return n


@accepts_system
@transaction.atomic
def target_set(*, actor: Any, enterprise: OrgNode, year: Any, target: Any, due_on: Any = None) -> PensionTarget:
    require(actor, enterprise, MANAGE)
    if enterprise.kind != Kind.ENTERPRISE:
        raise ValidationError({"enterprise": ["请选择企业。"]})
    y = _count(year, "year", "年度")
    n = _count(target, "target", "目标人数")
    due = date(due_on, "due_on", "完成期限", required=False) or dt.date(y, 12, 31)
    row, _created = PensionTarget.objects.update_or_create(
        year=y, enterprise=enterprise, defaults={"target": n, "due_on": due, "town": town_of(enterprise)}
    )
    audit.record(actor=actor, action="care.pension.target_set", obj=row, changes={"target": n, "year": y})
    return row


@accepts_system
@transaction.atomic
def report(*, actor: Any, target: PensionTarget, reported: Any, on: Any = None) -> PensionTarget:
    """The enterprise (its union) reports how many workers it has enrolled."""
    require(actor, target, PENSION)
    row = PensionTarget.objects.select_for_update().get(pk=target.pk)
    row.reported = _count(reported, "reported", "参保人数")
    row.reported_on = date(on, "on", "报告日期", required=False) or timezone.localdate()
    row.save()
    audit.record(actor=actor, action="care.pension.reported", obj=row, changes={"reported": row.reported})
    return row


HEADERS = ("年度", "企业名称", "统一社会信用代码", "确认参保人数", "确认日期")


@accepts_system
@transaction.atomic
def confirm_import(
    *, actor: Any, rows: list[list[Any]], year: Any, row_numbers: list[int] | None = None
) -> dict[str, Any]:
    """Import the 人社局's confirmation sheet (columns: 企业名称 or 统一社会信用代码, 确认参保人数,
    确认日期). Every row is checked first; one bad row refuses the whole sheet with its line
    (`row_numbers`: each row's line in the file, as the reader gives it; else counted from 2)."""
    y = _count(year, "year", "年度")
    actors.require_perm(actor, MANAGE)
    base = PensionTarget.objects.all() if actors.is_system(actor) else scope.permitted(actor, PensionTarget, MANAGE)
    base = base.filter(year=y).select_related("enterprise")
    by_code = {t.enterprise.code: t for t in base if t.enterprise.code}
    by_name = {t.enterprise.name: t for t in base}
    errors: list[str] = []
    plan: list[tuple[PensionTarget, int, dt.date]] = []
    numbers = row_numbers if row_numbers is not None else range(2, len(rows) + 2)
    for i, row in zip(numbers, rows, strict=True):
        cells = [clean_text(c) if c is not None else "" for c in [*list(row), "", "", "", ""]]
        name, code, count, day = cells[0], cells[1], cells[2], cells[3]
        if not (name or code or count):
            continue
        t = by_code.get(code) if code else None
        t = t or by_name.get(name)
        if t is None:
            errors.append(f"第 {i} 行：找不到 {y} 年有参保目标的企业“{name or code}”。")
            continue
        try:
            n = _count(count, "confirmed", "确认参保人数")
        except ValidationError:
            errors.append(f"第 {i} 行：确认参保人数“{count}”应为整数。")
            continue
        try:
            when = dt.date.fromisoformat(day[:10]) if day else timezone.localdate()
        except ValueError:
            errors.append(f"第 {i} 行：确认日期“{day}”格式应为 年-月-日。")
            continue
        plan.append((t, n, when))
    if errors:
        raise ValidationError({"upload": errors[:20]})
    if not plan:
        raise ValidationError({"upload": ["表格中没有数据行。"]})
    for t, n, when in plan:
        PensionTarget.objects.filter(pk=t.pk).update(confirmed=n, confirmed_on=when)
    audit.record(
        actor=actor,
        action="care.pension.confirmed",
        object_type="care.pensiontarget",
        object_repr=f"{y}年人社局参保确认",
        changes={"rows": len(plan), "year": y},
    )
    return {"rows": len(plan)}
