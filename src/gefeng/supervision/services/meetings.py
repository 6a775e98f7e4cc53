"""Joint meetings (联席会议) and inspections (督查检查)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import Plan
from gefeng.supervision.models import (
    Attachment,
    Inspection,
    Meeting,
)
from gefeng.supervision.services._common import (
    Errors,
    _date,
    _next_seq,
    _require_manage,
    _store,
    _text,
    check_files,
)

# ---------------------------------------------------------------- meetings and inspections


def _units(actor: Any, units: Iterable[OrgNode], errors: Errors, field: str, *, required: bool) -> list[OrgNode]:
    chosen = list(units)
    if required and not chosen:
        errors.add(field, "请至少选择一个单位。")
    for u in chosen:
        if not scope.can(actor, u, "reform.manage"):
            errors.add(field, f"无权选择单位“{u}”。")
    return chosen


MEETING_FIELDS = ("title", "held_on", "place", "host", "attendees", "agenda", "minutes")


def _meeting_values(actor: Any, data: dict[str, Any], units: Iterable[OrgNode]) -> tuple[dict[str, Any], list]:
    errors = Errors()
    values = {
        "title": _text(errors, data, "title", "会议名称", max_len=200),
        "held_on": _date(errors, data, "held_on", "会议日期"),
        "place": _text(errors, data, "place", "地点", max_len=100, required=False),
        "host": _text(errors, data, "host", "主持人", max_len=50, required=False),
        "attendees": _text(errors, data, "attendees", "参会人员", required=False),
        "agenda": _text(errors, data, "agenda", "会议议程"),
        "minutes": _text(errors, data, "minutes", "会议纪要", max_len=20000, required=False),
    }
    chosen = _units(actor, units, errors, "units", required=True)
    errors.raise_if_any()
    return values, chosen


def meeting_create(*, actor: Any, plan: Plan, data: dict[str, Any], units: Iterable[OrgNode]) -> Meeting:
    _require_manage(actor, plan)
    values, chosen = _meeting_values(actor, data, units)
    with transaction.atomic():
        seq = _next_seq(Meeting.objects.select_for_update().filter(plan=plan))
        meeting = Meeting.objects.create(plan=plan, seq=seq, created_by=actors.user_of(actor), **values)
        meeting.units.set(chosen)
        audit.record(
            actor=actor,
            action="supervision.meeting.created",
            obj=meeting,
            changes=values | {"units": [str(u) for u in chosen]},
        )
    return meeting


def meeting_update(*, actor: Any, meeting: Meeting, data: dict[str, Any], units: Iterable[OrgNode]) -> Meeting:
    _require_manage(actor, meeting)
    values, chosen = _meeting_values(actor, data, units)
    with transaction.atomic():
        before = audit.snapshot(meeting, MEETING_FIELDS)
        old_units = sorted(str(u) for u in meeting.units.all())
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.save()
        meeting.units.set(chosen)
        changes: dict[str, Any] = audit.diff(before, values)
        new_units = sorted(str(u) for u in chosen)
        if new_units != old_units:
            changes["units"] = audit.changed(old_units, new_units)
        audit.record(actor=actor, action="supervision.meeting.updated", obj=meeting, changes=changes)
    return meeting


def meeting_attach(*, actor: Any, meeting: Meeting, files: Sequence[Any]) -> list[Attachment]:
    _require_manage(actor, meeting)
    if not files:
        raise ValidationError({"attachments": ["请选择要上传的文件。"]})
    checked = check_files(files)
    with transaction.atomic():
        stored = _store(checked, actor=actor, org=meeting.plan.org, meeting=meeting)
        audit.record(
            actor=actor,
            action="supervision.meeting.attached",
            obj=meeting,
            changes={"files": [a.original_name for a in stored]},
        )
    return stored


def inspection_create(*, actor: Any, plan: Plan, data: dict[str, Any], units: Iterable[OrgNode]) -> Inspection:
    _require_manage(actor, plan)
    errors = Errors()
    values = {
        "title": _text(errors, data, "title", "检查名称", max_len=200),
        "visited_on": (visited_on := _date(errors, data, "visited_on", "检查日期")),
        "inspectors": _text(errors, data, "inspectors", "检查组成员"),
        "methods": _text(errors, data, "methods", "检查方式", max_len=200, required=False),
        "findings": _text(errors, data, "findings", "发现的问题", max_len=20000),
    }
    if visited_on and visited_on > timezone.localdate():
        errors.add("visited_on", "检查日期不能晚于今天。")
    chosen = _units(actor, units, errors, "units", required=True)
    errors.raise_if_any()
    with transaction.atomic():
        inspection = Inspection.objects.create(plan=plan, created_by=actors.user_of(actor), **values)
        inspection.units.set(chosen)
        audit.record(
            actor=actor,
            action="supervision.inspection.created",
            obj=inspection,
            changes=values | {"units": [str(u) for u in chosen]},
        )
    return inspection
