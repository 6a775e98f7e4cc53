"""督办 notices, rectifications and decisions: issue, report, review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Assignment, Plan
from gefeng.supervision import circular
from gefeng.supervision.models import (
    Inspection,
    Meeting,
    Task,
    TaskKind,
    TaskState,
    TaskUpdate,
    UpdateKind,
)
from gefeng.supervision.services._common import (
    SUPERVISED,
    Errors,
    _date,
    _local,
    _next_seq,
    _now,
    _require_manage,
    _store,
    _text,
    check_files,
)

# ---------------------------------------------------------------- tasks


def notice_candidates(actor: Any, plan: Plan, *, on: dt.date) -> list[tuple[Assignment, str]]:
    """Assignments of lagging or overdue items that the actor may supervise, with no live notice."""
    assignments = list(
        scope.permitted(actor, Assignment, "reform.manage")
        .filter(item__plan=plan)
        .select_related("item__plan", "unit")
        .order_by("item__code", "-is_lead", "unit__path")
    )
    states = reform_selectors.item_states({a.item for a in assignments}, on=on)
    live = set(
        Task.objects.filter(
            plan=plan, kind=TaskKind.NOTICE, state__in=[TaskState.OPEN, TaskState.SUBMITTED]
        ).values_list("item_id", "unit_id")
    )
    return [
        (a, states[a.item_id].status)
        for a in assignments
        if states[a.item_id].status in SUPERVISED and (a.item_id, a.unit_id) not in live
    ]


def notice_issue(
    *,
    actor: Any,
    assignment: Assignment,
    content: str,
    deadline: Any,
    on: dt.date | None = None,
) -> Task:
    """A 督办 notice to the unit of `assignment`, for an item lagging or overdue on `on`.

    Rule: 督办 only what lags or is overdue (`reform.selectors.status.decide`), one live notice per unit and
    item, numbered 〈`GEFENG_SUPERVISION_DOC_PREFIX`〉督〔年〕n号 (GB/T 9704-2012 发文字号) — source: 徐政发〔2020〕3号
    督查、责任化.
    """
    scope.require(actor, assignment, "reform.manage")
    on = on or timezone.localdate()
    item = assignment.item
    errors = Errors()
    text = _text(errors, {"content": content}, "content", "督办要求")
    due = _date(errors, {"deadline": deadline}, "deadline", "回复时限")
    if due is not None and due <= on:
        errors.add("deadline", "回复时限应晚于下达日期。")
    status = reform_selectors.item_status(item, on=on)
    if status not in SUPERVISED:
        label = reform_selectors.STATUS_LABELS[status]
        errors.add("__all__", f"项目“{item.code} {item.title}”当前为“{label}”，只能对滞后或逾期的项目发督办。")
    errors.raise_if_any()
    assert due is not None
    with transaction.atomic():
        if (
            Task.objects.select_for_update()
            .filter(
                kind=TaskKind.NOTICE, item=item, unit=assignment.unit, state__in=[TaskState.OPEN, TaskState.SUBMITTED]
            )
            .exists()
        ):
            raise ValidationError({"__all__": ["该单位在这个项目上已有未办结的督办通知。"]})
        plan = item.plan
        seq = _next_seq(Task.objects.filter(plan=plan, kind=TaskKind.NOTICE))
        task = Task.objects.create(
            kind=TaskKind.NOTICE,
            plan=plan,
            unit=assignment.unit,
            item=item,
            item_status=status,
            seq=seq,
            number=f"{circular.doc_prefix()}督〔{plan.year}〕{seq}号",
            title=f"关于加快推进“{item.title}”的督办通知"[:200],
            content=text,
            deadline=due,
            issued_on=on,
            issued_by=actors.user_of(actor),
        )
        audit.record(
            actor=actor,
            action="supervision.notice.issued",
            obj=task,
            changes={"unit": str(task.unit), "item": item.code, "item_status": status, "deadline": due},
        )
    return task


def _tracked_add(
    *,
    actor: Any,
    kind: str,
    plan: Plan,
    unit: OrgNode | None,
    data: dict[str, Any],
    allowed_units: Iterable[int] | None,
    on: dt.date,
    **links: Any,
) -> Task:
    errors = Errors()
    title = _text(errors, data, "title", "事项", max_len=200)
    content = _text(errors, data, "content", "具体要求", required=False)
    due = _date(errors, data, "deadline", "完成时限")
    if unit is None:
        errors.add("unit", "请选择责任单位。")
    elif allowed_units is not None and unit.pk not in set(allowed_units):
        errors.add("unit", "责任单位应是本次检查的被检查单位。")
    elif unit.kind not in (Kind.MEMBER_UNIT, Kind.TOWN, Kind.ENTERPRISE):
        errors.add("unit", "责任单位应是成员单位、镇（街道、园区）或企业。")
    elif not scope.can(actor, unit, "reform.manage"):
        errors.add("unit", "无权向该单位交办事项。")
    if due is not None and due < on:
        errors.add("deadline", "完成时限不能早于交办日期。")
    item = data.get("item")
    if item is not None and item.plan_id != plan.pk:
        errors.add("item", "关联项目应属于同一年度计划。")
    errors.raise_if_any()
    assert unit is not None and due is not None
    with transaction.atomic():
        seq = _next_seq(Task.objects.select_for_update().filter(plan=plan, kind=kind))
        task = Task.objects.create(
            kind=kind,
            plan=plan,
            unit=unit,
            item=item,
            seq=seq,
            title=title,
            content=content,
            deadline=due,
            issued_on=on,
            issued_by=actors.user_of(actor),
            **links,
        )
        audit.record(
            actor=actor,
            action=f"supervision.{kind}.added",
            obj=task,
            changes={"unit": str(unit), "title": title, "deadline": due},
        )
    return task


def rectification_add(*, actor: Any, inspection: Inspection, unit: OrgNode | None, data: dict[str, Any]) -> Task:
    """A rectification item (整改) from an inspection, for one of the units visited.

    Rule: 整改 goes to a unit the inspection visited, with a deadline not before it is issued — source: 常州
    2023 督导检查 (书面整改要求), 淮安 2023 整改措施.
    """
    _require_manage(actor, inspection)
    allowed = list(inspection.units.values_list("pk", flat=True))
    on = data.get("issued_on") or max(inspection.visited_on, timezone.localdate())
    return _tracked_add(
        actor=actor,
        kind=TaskKind.RECTIFICATION,
        plan=inspection.plan,
        unit=unit,
        data=data,
        allowed_units=allowed,
        on=on,
        inspection=inspection,
    )


def decision_add(*, actor: Any, meeting: Meeting, unit: OrgNode | None, data: dict[str, Any]) -> Task:
    """A decision of a joint meeting (议定事项), owned by one unit with a deadline.

    Rule: each 议定事项 has one responsible unit and a deadline — source: 沛县 县政府与县总工会联席会议制度.
    """
    _require_manage(actor, meeting)
    on = data.get("issued_on") or meeting.held_on
    return _tracked_add(
        actor=actor,
        kind=TaskKind.DECISION,
        plan=meeting.plan,
        unit=unit,
        data=data,
        allowed_units=None,
        on=on,
        meeting=meeting,
    )


def task_report(
    *,
    actor: Any,
    task: Task,
    kind: str,
    text: str,
    files: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> TaskUpdate:
    """The unit's progress (`progress`) or its reply / report of completion (`submit`).

    Rule: a reply after the deadline is marked late (counts against 及时率) — source: 徐政发〔2020〕3号 节点化、责任化.
    """
    scope.require(actor, task, "reform.report")
    errors = Errors()
    body = _text(errors, {"text": text}, "text", "回复内容" if task.kind == TaskKind.NOTICE else "办理情况")
    if kind not in (UpdateKind.PROGRESS, UpdateKind.SUBMIT):
        errors.add("kind", "请选择报送类型。")
    if task.state != TaskState.OPEN:
        errors.add("__all__", f"该事项当前为“{task.state_label}”，不能再报送。")
    checked = []
    try:
        checked = check_files(files)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("attachments", message)
    errors.raise_if_any()
    at = _now(now)
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.state != TaskState.OPEN:
            raise ValidationError({"__all__": ["该事项已被处理，请刷新页面。"]})
        update = TaskUpdate.objects.create(
            task=locked, kind=kind, text=body, created_by=actors.user_of(actor), created_at=at
        )
        stored = _store(checked, actor=actor, org=locked.unit, update=update)
        changes: dict[str, Any] = {"kind": kind, "files": [a.original_name for a in stored]}
        if kind == UpdateKind.SUBMIT:
            late = _local(at) > locked.deadline
            changes |= {"state": audit.changed(locked.state, TaskState.SUBMITTED), "late": late}
            locked.state = TaskState.SUBMITTED
            locked.reply = body
            locked.submitted_at = at
            locked.submitted_late = late
            locked.save(update_fields=["state", "reply", "submitted_at", "submitted_late", "updated_at"])
        audit.record(actor=actor, action=f"supervision.task.{kind}", obj=locked, changes=changes)
    task.refresh_from_db()
    return update


def task_review(*, actor: Any, task: Task, decision: str, comment: str, now: dt.datetime | None = None) -> TaskUpdate:
    """The office closes a replied task, returns it with comments, or cancels a live one.

    Rule: only a replied task is closed or returned; cancelling needs a reason — source: 徐政发〔2020〕3号 督查闭环.
    """
    scope.require(actor, task, "reform.manage")
    errors = Errors()
    text = _text(errors, {"comment": comment}, "comment", "核验意见", required=decision != UpdateKind.CLOSE)
    allowed: dict[str, tuple[str, ...]] = {
        UpdateKind.CLOSE: (TaskState.SUBMITTED,),
        UpdateKind.RETURN: (TaskState.SUBMITTED,),
        UpdateKind.CANCEL: (TaskState.OPEN, TaskState.SUBMITTED),
    }
    if decision not in allowed:
        errors.add("decision", "请选择办结、退回或撤销。")
    elif task.state not in allowed[decision]:
        verb = {"close": "办结", "return": "退回", "cancel": "撤销"}[decision]
        errors.add("__all__", f"该事项当前为“{task.state_label}”，不能{verb}。")
    errors.raise_if_any()
    at = _now(now)
    targets: dict[str, str] = {
        UpdateKind.CLOSE: TaskState.CLOSED,
        UpdateKind.RETURN: TaskState.OPEN,
        UpdateKind.CANCEL: TaskState.CANCELLED,
    }
    new_state = targets[decision]
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.state != task.state:
            raise ValidationError({"__all__": ["该事项已被处理，请刷新页面。"]})
        update = TaskUpdate.objects.create(
            task=locked, kind=decision, text=text or "同意办结。", created_by=actors.user_of(actor), created_at=at
        )
        old = locked.state
        locked.state = new_state
        locked.review_comment = text
        if new_state in (TaskState.CLOSED, TaskState.CANCELLED):
            locked.closed_at = at
            locked.closed_by = actors.user_of(actor)
        locked.save(update_fields=["state", "review_comment", "closed_at", "closed_by", "updated_at"])
        audit.record(
            actor=actor,
            action=f"supervision.task.{decision}",
            obj=locked,
            changes={"state": audit.changed(old, new_state), "comment": text},
        )
    task.refresh_from_db()
    return update
