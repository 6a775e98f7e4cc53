"""Writes of supervision: each checks the scope, validates with Chinese messages keyed by field,
runs in one transaction and writes the audit log.

Permissions: `reform.manage` (the county office) issues notices, records inspections and
meetings, reviews and closes tasks, issues circulars, scores and registers pilot enterprises;
`reform.report` (the unit) reports progress on and replies to its own tasks, and a town updates
the measures and results of its own pilot enterprises.

A task runs:  open ──report progress──▶ open ──reply / report done──▶ submitted
              submitted ──close──▶ closed      submitted ──return (with comments)──▶ open
              open | submitted ──cancel (with reason)──▶ cancelled
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Assignment, Item, Plan
from gefeng.supervision import circular, scoring
from gefeng.supervision.models import (
    Adjustment,
    Attachment,
    Circular,
    Evaluation,
    EvaluationState,
    Inspection,
    Meeting,
    PilotEnterprise,
    PilotLevel,
    RuleKind,
    ScoreRule,
    Task,
    TaskKind,
    TaskState,
    TaskUpdate,
    UnitScore,
    UpdateKind,
)

SUPERVISED = (reform_selectors.LAGGING, reform_selectors.OVERDUE)
# Files a unit may attach: images, PDF, Word/WPS, Excel/WPS 表格, PowerPoint — checked by content.
ALLOWED_TYPES = {"jpg", "png", "gif", "bmp", "webp", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file header of .doc/.xls/.wps/.et files
_OLE_EXTENSIONS = {".doc", ".xls", ".ppt", ".wps", ".et", ".dps"}
TEXT_MAX = 5000


def upload_max_bytes() -> int:
    return int(getattr(settings, "SUPERVISION_UPLOAD_MAX_MB", 20)) * 1024 * 1024


def upload_max_files() -> int:
    return int(getattr(settings, "SUPERVISION_UPLOAD_MAX_FILES", 10))


def laggard_min_on_time() -> Decimal:
    """A unit whose reports are on time less often than this is named in a circular."""
    return Decimal(str(getattr(settings, "SUPERVISION_LAGGARD_ON_TIME", "0.8")))


def advanced_default() -> int:
    return int(getattr(settings, "SUPERVISION_ADVANCED_UNITS", 8))


# ---------------------------------------------------------------- validation helpers


class Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.by_field[field].append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def _text(
    errors: Errors, data: dict[str, Any], field: str, label: str, *, max_len: int = TEXT_MAX, required: bool = True
) -> str:
    value = str(data.get(field) or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, f"请填写{label}。")
    elif len(value) > max_len:
        errors.add(field, f"{label}不能超过 {max_len} 个字（现 {len(value)} 个）。")
    return value


def _date(errors: Errors, data: dict[str, Any], field: str, label: str, *, required: bool = True) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}。")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, f"{label}“{value}”不是有效日期（格式：2021-06-29）。")
        return None


def _decimal(
    errors: Errors,
    data: dict[str, Any],
    field: str,
    label: str,
    *,
    low: Decimal,
    high: Decimal | None,
    required: bool = True,
) -> Decimal | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}。")
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, f"{label}“{value}”不是数字。")
        return None
    if not number.is_finite() or number < low or (high is not None and number > high):
        span = f"{low}–{high}" if high is not None else f"不小于 {low}"
        errors.add(field, f"{label}应在 {span} 之间。" if high is not None else f"{label}应{span}。")
        return None
    if number != number.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留两位小数。")
        return None
    return number


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _local(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _require_manage(actor: Any, obj: Any) -> None:
    scope.require(actor, obj, "reform.manage")


# ---------------------------------------------------------------- files


@dataclass
class CheckedFile:
    upload: Any
    name: str
    content_type: str
    size: int


def check_files(files: Sequence[Any], field: str = "attachments") -> list[CheckedFile]:
    """Validate uploads by size and by content (not by name); raise one ValidationError for all."""
    errors = Errors()
    if len(files) > upload_max_files():
        errors.add(field, f"一次最多上传 {upload_max_files()} 个文件。")
        errors.raise_if_any()
    limit = upload_max_bytes()
    out = []
    for f in files:
        name = str(getattr(f, "name", "") or "附件")[-200:]
        size = int(getattr(f, "size", 0) or 0)
        if size == 0:
            errors.add(field, f"文件“{name}”是空文件。")
            continue
        if size > limit:
            errors.add(field, f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的上限。")
            continue
        f.seek(0)
        head = f.read(8192)
        f.seek(0)
        kind = filetype.guess(head)
        if kind is not None and kind.extension in ALLOWED_TYPES:
            out.append(CheckedFile(f, name, kind.mime, size))
        elif head.startswith(_OLE) and any(name.lower().endswith(ext) for ext in _OLE_EXTENSIONS):
            out.append(CheckedFile(f, name, "application/x-ole-storage", size))
        else:
            errors.add(field, f"文件“{name}”不是允许的类型（图片、PDF、Word/WPS、Excel、PPT）。")
    errors.raise_if_any()
    return out


def _store(
    checked: Iterable[CheckedFile], *, actor: Any, org: OrgNode, update: Any = None, meeting: Any = None
) -> list[Attachment]:
    out = []
    for c in checked:
        att = Attachment(
            org=org,
            update=update,
            meeting=meeting,
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        att.file.save(c.name, c.upload, save=False)
        att.save()
        out.append(att)
    return out


def _who(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _next_seq(qs: Any) -> int:
    return int(qs.aggregate(m=Max("seq"))["m"] or 0) + 1


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
    """A 督办 notice to the unit of `assignment`, for an item lagging or overdue on `on`."""
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
            issued_by=_who(actor),
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
            issued_by=_who(actor),
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
    """A rectification item (整改) from an inspection, for one of the units visited."""
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
    """A decision of a joint meeting (议定事项), owned by one unit with a deadline."""
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
    """The unit's progress (`progress`) or its reply / report of completion (`submit`)."""
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
        update = TaskUpdate.objects.create(task=locked, kind=kind, text=body, created_by=_who(actor), created_at=at)
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
    """The office closes a replied task, returns it with comments, or cancels a live one."""
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
            task=locked, kind=decision, text=text or "同意办结。", created_by=_who(actor), created_at=at
        )
        old = locked.state
        locked.state = new_state
        locked.review_comment = text
        if new_state in (TaskState.CLOSED, TaskState.CANCELLED):
            locked.closed_at = at
            locked.closed_by = _who(actor)
        locked.save(update_fields=["state", "review_comment", "closed_at", "closed_by", "updated_at"])
        audit.record(
            actor=actor,
            action=f"supervision.task.{decision}",
            obj=locked,
            changes={"state": audit.changed(old, new_state), "comment": text},
        )
    task.refresh_from_db()
    return update


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
        meeting = Meeting.objects.create(plan=plan, seq=seq, created_by=_who(actor), **values)
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
        inspection = Inspection.objects.create(plan=plan, created_by=_who(actor), **values)
        inspection.units.set(chosen)
        audit.record(
            actor=actor,
            action="supervision.inspection.created",
            obj=inspection,
            changes=values | {"units": [str(u) for u in chosen]},
        )
    return inspection


# ---------------------------------------------------------------- circulars


def circular_rows(actor: Any, plan: Plan, *, as_of: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every unit's progress and reporting timeliness on `as_of`, and the laggards with reasons.

    A unit is named a laggard when it has an overdue item, a report owed and never sent, or
    fewer reports on time than `GEFENG_SUPERVISION_LAGGARD_ON_TIME` (default 80 %)."""
    progress = reform_selectors.unit_progress(actor, plan, on=as_of)
    stats = reform_selectors.unit_report_stats(actor, plan, until=as_of)
    units = {u.pk: u for u in OrgNode.objects.filter(pk__in=set(progress) | set(stats)).order_by("path")}
    threshold = laggard_min_on_time()
    rows: list[dict[str, Any]] = []
    laggards: list[dict[str, Any]] = []
    for no, (pk, unit) in enumerate(units.items(), start=1):
        p = progress.get(pk, {})
        s = stats.get(pk, {})
        due, on_time = int(s.get("due", 0)), int(s.get("on_time", 0))
        rate = on_time / due if due else None
        row = {
            "no": no,
            "unit_id": pk,
            "name": unit.short_name or unit.name,
            "n_items": int(p.get("items", 0)),
            "completed": int(p.get("completed", 0)),
            "lagging": int(p.get("lagging", 0)),
            "overdue": int(p.get("overdue", 0)),
            "completion": circular.percent(float(p.get("completion", 0.0))),
            "due": due,
            "on_time": on_time,
            "late": int(s.get("late", 0)),
            "missing": int(s.get("missing", 0)),
            "timeliness": circular.percent(rate),
        }
        rows.append(row)
        reasons = []
        if row["overdue"]:
            reasons.append(f"{row['overdue']} 个项目逾期未完成")
        if row["lagging"]:
            reasons.append(f"{row['lagging']} 个项目进度滞后")
        if row["missing"]:
            reasons.append(f"{row['missing']} 次应报未报")
        if rate is not None and Decimal(str(rate)) < threshold:
            reasons.append(f"按时报送率 {circular.percent(rate)}")
        if row["overdue"] or row["missing"] or (rate is not None and Decimal(str(rate)) < threshold):
            laggards.append({"unit_id": pk, "name": row["name"], "reasons": "，".join(reasons)})
    return rows, laggards


def circular_context(circ: Circular) -> dict[str, Any]:
    laggard_text = [f"{lag['name']}：{lag['reasons']}。" for lag in circ.laggards] or [
        "截至统计日，各成员单位均按时报送，未发现逾期和漏报情况。"
    ]
    if circ.laggards:
        names = "、".join(lag["name"] for lag in circ.laggards)
        laggard_text.insert(0, f"以下 {len(circ.laggards)} 家单位进度滞后或报送不及时，予以通报：{names}。")
    return {
        "office": circular.office_name(),
        "number": circ.number,
        "title": circ.title,
        "addressee": "各成员单位：",
        "intro": circular.paragraphs(circ.intro),
        "table_note": f"截至{circular.chinese_date(circ.as_of)}，各成员单位承担的重点工作项目推进和进展报送情况如下：",
        "rows": circ.rows,
        "laggard_text": laggard_text,
        "requirements": circular.paragraphs(circ.requirements),
        "date": circular.chinese_date(circ.issued_on),
    }


def circular_create(*, actor: Any, plan: Plan, data: dict[str, Any]) -> Circular:
    """Issue a circular: number it, compute the table, name the laggards, store the .docx."""
    _require_manage(actor, plan)
    errors = Errors()
    title = _text(errors, data, "title", "标题", max_len=200)
    as_of = _date(errors, data, "as_of", "统计截至日期")
    issued_on = _date(errors, data, "issued_on", "成文日期")
    intro = _text(errors, data, "intro", "导语", required=False)
    requirements = _text(errors, data, "requirements", "工作要求", required=False)
    if as_of and issued_on and as_of > issued_on:
        errors.add("as_of", "统计截至日期不能晚于成文日期。")
    if as_of and as_of.year != plan.year:
        errors.add("as_of", f"统计截至日期应在 {plan.year} 年内。")
    errors.raise_if_any()
    assert as_of is not None and issued_on is not None
    rows, laggards = circular_rows(actor, plan, as_of=as_of)
    if not rows:
        raise ValidationError({"__all__": ["该年度计划还没有分工到单位的项目，无法生成通报。"]})
    with transaction.atomic():
        seq = _next_seq(Circular.objects.select_for_update().filter(plan=plan))
        circ = Circular(
            plan=plan,
            seq=seq,
            number=f"{circular.doc_prefix()}〔{plan.year}〕{seq}号",
            title=title,
            as_of=as_of,
            issued_on=issued_on,
            intro=intro,
            requirements=requirements,
            rows=rows,
            laggards=laggards,
            created_by=_who(actor),
        )
        content = circular.render(circular_context(circ))
        circ.file.save(f"{plan.year}-{seq}.docx", ContentFile(content), save=False)
        circ.save()
        audit.record(
            actor=actor,
            action="supervision.circular.issued",
            obj=circ,
            changes={"number": circ.number, "as_of": as_of, "laggards": [lag["name"] for lag in laggards]},
        )
    return circ


# ---------------------------------------------------------------- year-end evaluation

DEFAULT_RULES = (
    (RuleKind.BONUS, "工作经验被省、市推广或作典型发言", Decimal("1"), Decimal("3")),
    (RuleKind.BONUS, "获得市级以上表彰或试点命名", Decimal("1"), Decimal("2")),
    (RuleKind.DEDUCTION, "督办通知逾期未回复", Decimal("1"), Decimal("3")),
    (RuleKind.DEDUCTION, "整改事项逾期未完成", Decimal("1"), Decimal("3")),
)
EVALUATION_FIELDS = (
    "title",
    "as_of",
    "weight_completion",
    "weight_timeliness",
    "weight_quality",
    "late_credit",
    "bonus_cap",
    "deduction_cap",
    "advanced_count",
)


def _evaluation_values(data: dict[str, Any], plan: Plan) -> dict[str, Any]:
    errors = Errors()
    hundred = Decimal("100")
    values: dict[str, Any] = {
        "title": _text(errors, data, "title", "名称", max_len=200),
        "as_of": _date(errors, data, "as_of", "考评截至日期"),
        "weight_completion": _decimal(errors, data, "weight_completion", "完成率权重", low=Decimal(0), high=hundred),
        "weight_timeliness": _decimal(errors, data, "weight_timeliness", "及时率权重", low=Decimal(0), high=hundred),
        "weight_quality": _decimal(errors, data, "weight_quality", "工作质量权重", low=Decimal(0), high=hundred),
        "late_credit": _decimal(errors, data, "late_credit", "迟报折算", low=Decimal(0), high=Decimal(1)),
        "bonus_cap": _decimal(errors, data, "bonus_cap", "加分上限", low=Decimal(0), high=hundred),
        "deduction_cap": _decimal(errors, data, "deduction_cap", "扣分上限", low=Decimal(0), high=hundred),
    }
    weights = [values[k] for k in ("weight_completion", "weight_timeliness", "weight_quality")]
    if all(w is not None for w in weights) and sum(weights) != hundred:
        errors.add("weight_quality", f"三项权重之和应为 100（现为 {sum(weights)}）。")
    try:
        count = int(str(data.get("advanced_count", "")).strip())
    except ValueError:
        count = 0
    if not 1 <= count <= 100:
        errors.add("advanced_count", "先进单位名额应为 1–100 的整数。")
    values["advanced_count"] = count
    if values["as_of"] and values["as_of"].year != plan.year:
        errors.add("as_of", f"考评截至日期应在 {plan.year} 年内。")
    errors.raise_if_any()
    return values


def evaluation_create(*, actor: Any, plan: Plan, data: dict[str, Any]) -> Evaluation:
    """The year's evaluation with its rules; the usual bonus and deduction items come as rows to edit."""
    _require_manage(actor, plan)
    values = _evaluation_values(data, plan)
    with transaction.atomic():
        if Evaluation.objects.select_for_update().filter(plan=plan).exists():
            raise ValidationError({"__all__": [f"{plan.year} 年度已有考评。"]})
        evaluation = Evaluation.objects.create(plan=plan, created_by=_who(actor), **values)
        for kind, name, points, cap in DEFAULT_RULES:
            ScoreRule.objects.create(evaluation=evaluation, kind=kind, name=name, points=points, max_points=cap)
        audit.record(actor=actor, action="supervision.evaluation.created", obj=evaluation, changes=values)
    return evaluation


def _require_draft(evaluation: Evaluation) -> None:
    if evaluation.is_final:
        raise ValidationError({"__all__": ["考评已定稿，不能再修改；如需调整，请先撤销定稿。"]})


def evaluation_update(*, actor: Any, evaluation: Evaluation, data: dict[str, Any]) -> Evaluation:
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    values = _evaluation_values(data, evaluation.plan)
    with transaction.atomic():
        before = audit.snapshot(evaluation, EVALUATION_FIELDS)
        for key, value in values.items():
            setattr(evaluation, key, value)
        evaluation.save()
        _retotal(evaluation)
        audit.record(
            actor=actor, action="supervision.evaluation.updated", obj=evaluation, changes=audit.diff(before, values)
        )
    return evaluation


def rule_add(*, actor: Any, evaluation: Evaluation, data: dict[str, Any]) -> ScoreRule:
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    errors = Errors()
    kind = data.get("kind")
    if kind not in RuleKind.values:
        errors.add("kind", "请选择加分或扣分。")
    name = _text(errors, data, "name", "项目名称", max_len=100)
    points = _decimal(errors, data, "points", "每次分值", low=Decimal("0.01"), high=Decimal(100))
    cap = _decimal(errors, data, "max_points", "本项上限", low=Decimal("0.01"), high=Decimal(100), required=False)
    if points is not None and cap is not None and cap < points:
        errors.add("max_points", "本项上限不能小于每次分值。")
    if name and evaluation.rules.filter(kind=kind, name=name).exists():
        errors.add("name", "已有同名的项目。")
    errors.raise_if_any()
    assert kind is not None and points is not None
    with transaction.atomic():
        rule = ScoreRule.objects.create(evaluation=evaluation, kind=kind, name=name, points=points, max_points=cap)
        audit.record(
            actor=actor,
            action="supervision.rule.added",
            obj=rule,
            changes={"kind": kind, "name": name, "points": points, "max_points": cap},
        )
    return rule


def rule_delete(*, actor: Any, rule: ScoreRule) -> None:
    _require_manage(actor, rule)
    _require_draft(rule.evaluation)
    if rule.adjustments.exists():
        raise ValidationError({"__all__": [f"“{rule.name}”已有加减分记录，不能删除。"]})
    with transaction.atomic():
        audit.record(actor=actor, action="supervision.rule.deleted", obj=rule, changes={"name": rule.name})
        rule.delete()


def apply_totals(
    evaluation: Evaluation,
    scores: Sequence[UnitScore],
    given: Callable[[UnitScore], Iterable[tuple[Decimal, ScoreRule]]],
) -> None:
    """Timeliness, bonus, deduction, total, rank and the advanced flag of every score, in memory.

    `given(score)` yields (points given under a rule, the rule) for one unit; see `scoring`."""
    for score in scores:
        score.timeliness = scoring.timeliness(
            due=score.reports_due,
            on_time=score.reports_on_time,
            late=score.reports_late,
            late_credit=evaluation.late_credit,
        )
        parts = list(given(score))
        bonus = [(p, r.max_points) for p, r in parts if r.kind == RuleKind.BONUS]
        minus = [(p, r.max_points) for p, r in parts if r.kind == RuleKind.DEDUCTION]
        score.bonus = scoring.capped_sum(bonus, evaluation.bonus_cap)
        score.deduction = scoring.capped_sum(minus, evaluation.deduction_cap)
        score.total = scoring.total(
            weight_completion=evaluation.weight_completion,
            weight_timeliness=evaluation.weight_timeliness,
            weight_quality=evaluation.weight_quality,
            completion=score.completion,
            timeliness=score.timeliness,
            quality=score.quality,
            bonus=score.bonus,
            deduction=score.deduction,
        )
    ranked = scoring.rank([scoring.Ranked(s, s.total, s.completion, s.timeliness) for s in scores])
    scoring.select_advanced(ranked, evaluation.advanced_count)
    for r in ranked:
        key = r.key
        assert isinstance(key, UnitScore)
        key.rank, key.advanced = r.rank, r.advanced


def _retotal(evaluation: Evaluation) -> None:
    """Recompute every unit's total from stored parts, then the ranks and the advanced units."""
    scores = list(UnitScore.objects.filter(evaluation=evaluation).select_for_update())
    rules = {r.pk: r for r in ScoreRule.objects.filter(evaluation=evaluation)}
    given: dict[int, list[tuple[Decimal, ScoreRule]]] = defaultdict(list)
    for row in (
        Adjustment.objects.filter(score__evaluation=evaluation).values("score_id", "rule_id").annotate(s=Sum("points"))
    ):
        given[row["score_id"]].append((row["s"], rules[row["rule_id"]]))
    apply_totals(evaluation, scores, lambda s: given[s.pk])
    UnitScore.objects.bulk_update(scores, ["timeliness", "bonus", "deduction", "total", "rank", "advanced"])


def evaluation_compute(*, actor: Any, evaluation: Evaluation, now: dt.datetime | None = None) -> int:
    """Take completion and timeliness of every unit of the plan from the reform data on `as_of`."""
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    plan = evaluation.plan
    progress = reform_selectors.unit_progress(actor, plan, on=evaluation.as_of)
    stats = reform_selectors.unit_report_stats(actor, plan, until=evaluation.as_of)
    unit_ids = sorted(set(progress) | set(stats))
    if not unit_ids:
        raise ValidationError({"__all__": ["该年度计划还没有分工到单位的项目，无法计算得分。"]})
    at = _now(now)
    with transaction.atomic():
        existing = {s.unit_id: s for s in UnitScore.objects.select_for_update().filter(evaluation=evaluation)}
        for pk in unit_ids:
            p, s = progress.get(pk, {}), stats.get(pk, {})
            score = existing.get(pk) or UnitScore(evaluation=evaluation, unit_id=pk)
            score.items = int(p.get("items", 0))
            score.items_completed = int(p.get("completed", 0))
            score.completion = scoring.q4(p.get("completion", 0.0))
            score.reports_due = int(s.get("due", 0))
            score.reports_on_time = int(s.get("on_time", 0))
            score.reports_late = int(s.get("late", 0))
            score.reports_missing = int(s.get("missing", 0))
            score.computed_at = at
            score.save()
        stale = [pk for pk in existing if pk not in set(unit_ids)]
        UnitScore.objects.filter(evaluation=evaluation, unit_id__in=stale, adjustments__isnull=True).delete()
        evaluation.computed_at = at
        evaluation.save(update_fields=["computed_at"])
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action="supervision.evaluation.computed",
            obj=evaluation,
            changes={"units": len(unit_ids), "as_of": evaluation.as_of},
        )
    return len(unit_ids)


def score_set_quality(*, actor: Any, score: UnitScore, quality: Any, reason: str) -> UnitScore:
    """The county office's mark for the quality of a unit's work (0–100), with its reason."""
    _require_manage(actor, score)
    evaluation = score.evaluation
    _require_draft(evaluation)
    errors = Errors()
    value = _decimal(errors, {"quality": quality}, "quality", "工作质量得分", low=Decimal(0), high=Decimal(100))
    text = _text(errors, {"quality_reason": reason}, "quality_reason", "评分理由", max_len=1000)
    errors.raise_if_any()
    with transaction.atomic():
        before = {"quality": score.quality, "quality_reason": score.quality_reason}
        score.quality, score.quality_reason = value, text
        score.save(update_fields=["quality", "quality_reason"])
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action="supervision.score.quality",
            obj=score,
            changes=audit.diff(before, {"quality": value, "quality_reason": text}),
        )
    score.refresh_from_db()
    return score


def adjustment_add(*, actor: Any, score: UnitScore, rule: ScoreRule | None, times: Any, reason: str) -> Adjustment:
    """A bonus or deduction under a rule of the evaluation: rule points × times, with the reason."""
    _require_manage(actor, score)
    evaluation = score.evaluation
    _require_draft(evaluation)
    errors = Errors()
    if rule is None or rule.evaluation_id != evaluation.pk:
        errors.add("rule", "请选择本次考评的加减分项目。")
    try:
        count = int(str(times).strip())
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 100:
        errors.add("times", "次数应为 1–100 的整数。")
    text = _text(errors, {"reason": reason}, "reason", "事由", max_len=1000)
    errors.raise_if_any()
    assert rule is not None
    points = rule.points * count
    given = Adjustment.objects.filter(score=score, rule=rule).aggregate(s=Sum("points"))["s"] or Decimal(0)
    if rule.max_points is not None and given + points > rule.max_points:
        raise ValidationError(
            {"times": [f"“{rule.name}”本项上限 {rule.max_points} 分，已记 {given} 分，不能再记 {points} 分。"]}
        )
    with transaction.atomic():
        adj = Adjustment.objects.create(score=score, rule=rule, points=points, reason=text, created_by=_who(actor))
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action=f"supervision.score.{rule.kind}",
            obj=score,
            changes={"rule": rule.name, "points": points, "reason": text},
        )
    return adj


def adjustment_delete(*, actor: Any, adjustment: Adjustment) -> None:
    _require_manage(actor, adjustment)
    evaluation = adjustment.score.evaluation
    _require_draft(evaluation)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="supervision.score.adjustment_deleted",
            obj=adjustment.score,
            changes={"rule": adjustment.rule.name, "points": adjustment.points, "reason": adjustment.reason},
        )
        adjustment.delete()
        _retotal(evaluation)


def evaluation_finalize(*, actor: Any, evaluation: Evaluation, now: dt.datetime | None = None) -> list[UnitScore]:
    """Lock the scores and the advanced units (every unit must have its quality mark)."""
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    if evaluation.computed_at is None or not evaluation.scores.exists():
        raise ValidationError({"__all__": ["请先计算各单位得分。"]})
    missing = list(evaluation.scores.filter(quality__isnull=True).select_related("unit").order_by("unit__path"))
    if missing:
        names = "、".join((s.unit.short_name or s.unit.name) for s in missing[:10])
        more = f" 等 {len(missing)} 家" if len(missing) > 10 else ""
        raise ValidationError({"__all__": [f"以下单位还没有工作质量得分：{names}{more}。"]})
    at = _now(now)
    with transaction.atomic():
        _retotal(evaluation)
        evaluation.state = EvaluationState.FINAL
        evaluation.finalized_at = at
        evaluation.finalized_by = _who(actor)
        evaluation.save(update_fields=["state", "finalized_at", "finalized_by"])
        chosen = list(evaluation.scores.filter(advanced=True).select_related("unit").order_by("rank", "unit__path"))
        audit.record(
            actor=actor,
            action="supervision.evaluation.finalized",
            obj=evaluation,
            changes={"advanced": [str(s.unit) for s in chosen], "advanced_count": evaluation.advanced_count},
        )
    return chosen


def evaluation_reopen(*, actor: Any, evaluation: Evaluation, reason: str) -> Evaluation:
    _require_manage(actor, evaluation)
    errors = Errors()
    text = _text(errors, {"reason": reason}, "reason", "撤销定稿的理由", max_len=1000)
    if not evaluation.is_final:
        errors.add("__all__", "考评尚未定稿。")
    errors.raise_if_any()
    with transaction.atomic():
        evaluation.state = EvaluationState.DRAFT
        evaluation.save(update_fields=["state"])
        audit.record(actor=actor, action="supervision.evaluation.reopened", obj=evaluation, changes={"reason": text})
    return evaluation


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
        pilot = PilotEnterprise.objects.create(enterprise=enterprise, created_by=_who(actor), **values)
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
