"""Pilot enterprises (试点企业) register."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import Item
from gefeng.supervision.models import (
    PilotEnterprise,
    PilotLevel,
)
from gefeng.supervision.services._common import (
    Errors,
    _date,
    _text,
)

# ---------------------------------------------------------------- pilot enterprises

PILOT_FIELDS = ("level", "designated_on", "measures", "results", "active")


def _pilot_values(data: dict[str, Any], items: Iterable[Item], errors: Errors) -> tuple[dict[str, Any], list[Item]]:
    level = data.get("level") or PilotLevel.COUNTY
    if level not in PilotLevel.values:
        errors.add("level", "请选择试点级别。")
    values = {
        "level": level,
        "designated_on": (designated_on := _date(errors, data, "designated_on", "确定日期")),
        "measures": _text(errors, data, "measures", "改革举措"),
        "results": _text(errors, data, "results", "工作成效", required=False),
        "active": bool(data.get("active", True)),
    }
    if designated_on and designated_on > timezone.localdate():
        errors.add("designated_on", "确定日期不能晚于今天。")
    return values, list(items)


def pilot_create(
    *, actor: Any, enterprise: OrgNode | None, data: dict[str, Any], items: Iterable[Item] = ()
) -> PilotEnterprise:
    """Rule: a pilot is an enterprise, registered once — source: 徐州产改试点企业 (domain.md §1.3)."""
    errors = Errors()
    if enterprise is None:
        errors.add("enterprise", "请选择企业。")
    elif not scope.can(actor, enterprise, "reform.manage"):
        raise PermissionDenied
    elif enterprise.kind != Kind.ENTERPRISE:
        errors.add("enterprise", "试点单位应是企业或事业单位。")
    elif PilotEnterprise.objects.filter(enterprise=enterprise).exists():
        errors.add("enterprise", "该企业已在试点企业名册中。")
    values, chosen = _pilot_values(data, items, errors)
    errors.raise_if_any()
    assert enterprise is not None
    with transaction.atomic():
        pilot = PilotEnterprise.objects.create(enterprise=enterprise, created_by=actors.user_of(actor), **values)
        pilot.items.set(chosen)
        audit.record(
            actor=actor,
            action="supervision.pilot.created",
            obj=pilot,
            changes=values | {"items": [i.code for i in chosen]},
        )
    return pilot


def pilot_update(
    *, actor: Any, pilot: PilotEnterprise, data: dict[str, Any], items: Iterable[Item] | None = None
) -> PilotEnterprise:
    """The county office edits everything; a town (reform.report) only the measures and results."""
    manage = scope.can(actor, pilot, "reform.manage")
    if not manage:
        scope.require(actor, pilot, "reform.report")
    errors = Errors()
    if manage:
        values, chosen = _pilot_values(data, items or (), errors)
    else:
        values = {
            "measures": _text(errors, data, "measures", "改革举措"),
            "results": _text(errors, data, "results", "工作成效", required=False),
        }
        chosen = []
    errors.raise_if_any()
    with transaction.atomic():
        before = audit.snapshot(pilot, values)
        old_items = sorted(pilot.items.values_list("code", flat=True))
        for key, value in values.items():
            setattr(pilot, key, value)
        pilot.save()
        changes: dict[str, Any] = audit.diff(before, values)
        if manage:
            pilot.items.set(chosen)
            new_items = sorted(i.code for i in chosen)
            if new_items != old_items:
                changes["items"] = audit.changed(old_items, new_items)
        audit.record(actor=actor, action="supervision.pilot.updated", obj=pilot, changes=changes)
    return pilot
