"""Writes to the responsibility list: the plan and its items (county office, `reform.manage`),
progress reports and evidence (the responsible units, `reform.report`), review (county office),
reminders. Each checks the scope, validates with Chinese messages, runs in a transaction and
writes the audit log.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.core import actors, audit, figures, scope, uploads
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import (
    ACTION_NAMES,
    Action,
    Assignment,
    Calendar,
    Evidence,
    Indicator,
    IndicatorValue,
    Item,
    Measure,
    Milestone,
    Notice,
    Period,
    Plan,
    PlanStatus,
    Report,
    ReportState,
)

MANAGE = "reform.manage"
REPORT = "reform.report"
UNIT_KINDS = {Kind.MEMBER_UNIT, Kind.TOWN, Kind.COUNTY, Kind.ENTERPRISE}


def due_days() -> int:
    """Days after a period's end by which its reports are due (a county setting)."""
    return int(getattr(settings, "REFORM_DUE_DAYS", 5))


def max_evidence_bytes() -> int:
    return EVIDENCE.max_bytes()


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10))


def _text(value: Any, limit: int) -> str:
    """Trimmed text with Windows line ends and control characters removed (spaces kept)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROL).strip()[:limit]


# ---------------------------------------------------------------- plan


def make_periods(plan: Plan) -> list[Period]:
    """The plan's reporting periods on its calendar, each due `due_days()` after it ends."""
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


# ---------------------------------------------------------------- evidence files

# What a unit may attach to a report (by content): images, PDF, Word/WPS, Excel/WPS 表格.
EVIDENCE = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf", *uploads.OFFICE),
    folder="reform/evidence",
    size_setting="REFORM_EVIDENCE_MAX_MB",
)


def _check_upload(upload: UploadedFile) -> uploads.Checked:
    try:
        return uploads.check(upload, EVIDENCE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None


def _require_report(actor: Any, assignment: Assignment) -> None:
    if not actors.can(actor, assignment, REPORT):
        raise PermissionDenied


def _add_evidence(actor: Any, report: Report, upload: UploadedFile) -> Evidence:
    checked = _check_upload(upload)
    ev = Evidence(
        report=report,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actors.user_of(actor),
    )
    ev.file.save(checked.name, upload, save=False)
    ev.save()
    return ev


@actors.accepts_system
@transaction.atomic
def evidence_add(*, actor: Any, report: Report, upload: UploadedFile) -> Evidence:
    _require_report(actor, report.assignment)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError({"file": "报告已报送，不能再添加材料。"})
    ev = _add_evidence(actor, report, upload)
    audit.record(actor=actor, action="reform.evidence.added", obj=report, changes={"file": ev.original_name})
    return ev


@actors.accepts_system
@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    report = evidence.report
    _require_report(actor, report.assignment)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError({"file": "报告已报送，不能再删除材料。"})
    audit.record(actor=actor, action="reform.evidence.deleted", obj=report, changes={"file": evidence.original_name})
    stored = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: Evidence.file.field.storage.delete(stored))


# ---------------------------------------------------------------- reports


@dataclass
class Entry:
    """What a unit enters for one assignment on the 本期待报 page."""

    assignment: Assignment
    narrative: str = ""
    values: dict[int, Any] = field(default_factory=dict)  # indicator id → text or Decimal
    files: list[UploadedFile] = field(default_factory=list)
    milestones_done: set[int] = field(default_factory=set)


def _is_late(period: Period, when: dt.datetime) -> bool:
    return timezone.localtime(when).date() > period.due


@actors.accepts_system
@transaction.atomic
def reports_save(
    *, actor: Any, period: Period, entries: Iterable[Entry], submit: bool, now: dt.datetime | None = None
) -> list[Report]:
    """Save (and with `submit`, submit) a unit's reports for a period, all or nothing.

    Errors are keyed "<assignment id>-<field>" so the page can show them on the right row.
    A report already submitted or accepted is left alone; a returned one is resubmitted.
    `late` is set at the first submission when it comes after the period's due date and kept.
    """
    now = now or timezone.now()
    errors: dict[str, str] = {}
    plan: list[tuple[Entry, Report | None, str, dict[int, Decimal]]] = []
    for e in entries:  # first pass: check everything, write nothing
        a = e.assignment
        _require_report(actor, a)
        if a.item.plan_id != period.plan_id or period.start > a.item.deadline:
            raise ValidationError({"period": "该项目在这个报送期无需报送。"})
        key = str(a.pk)
        report = Report.objects.select_for_update().filter(assignment=a, period=period).first()
        if report is not None and report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            continue
        narrative = _text(e.narrative, 4000)
        inds = {i.pk: i for i in a.item.indicators.all()}
        values: dict[int, Decimal] = {}
        for ind_id, raw in e.values.items():
            if ind_id not in inds or inds[ind_id].figure or raw in (None, ""):
                continue
            d = _dec(raw)
            if d is None or d < 0 or d >= Decimal("1e12"):
                errors[f"{key}-value-{ind_id}"] = f"“{inds[ind_id].name}”应填写不小于 0 的数字。"
            else:
                values[ind_id] = d
        if submit and not narrative:
            errors[f"{key}-narrative"] = f"请填写“{a.item.title}”的进展情况。"
        if submit:
            missing = [i.name for i in inds.values() if not i.figure and i.pk not in values]
            if missing:
                errors[f"{key}-values"] = "请填写指标：" + "、".join(missing) + "。"
        for f in e.files:
            try:
                _check_upload(f)
            except ValidationError as exc:
                errors[f"{key}-files"] = exc.message_dict["file"][0]
        plan.append((e, report, narrative, values))
    if errors:
        raise ValidationError(errors)
    saved: list[Report] = []
    for e, found, narrative, values in plan:  # second pass: write
        a = e.assignment
        report = found or Report(assignment=a, period=period)
        before = report.state
        report.narrative = narrative
        if submit:
            report.state = ReportState.SUBMITTED
            if report.submitted_at is None:
                report.late = _is_late(period, now)
            report.submitted_at = now
            report.submitted_by = actors.user_of(actor)
        report.save()
        for ind_id, d in values.items():
            IndicatorValue.objects.update_or_create(report=report, indicator_id=ind_id, defaults={"value": d})
        report.values.exclude(indicator_id__in=list(values)).delete()
        for f in e.files:
            _add_evidence(actor, report, f)
        for m in a.item.milestones.filter(pk__in=e.milestones_done, done_on__isnull=True):
            m.done_on = timezone.localtime(now).date()
            m.save(update_fields=["done_on"])
        audit.record(
            actor=actor,
            action="reform.report.submitted" if submit else "reform.report.saved",
            obj=report,
            changes={"state": audit.changed(before, report.state), "late": report.late, "values": len(values)},
        )
        saved.append(report)
    return saved


@actors.accepts_system
@transaction.atomic
def report_review(*, actor: Any, report: Report, accept: bool, comment: str = "") -> Report:
    """The county office accepts a submitted report, or returns it with a comment."""
    actors.require(actor, report, MANAGE)
    comment = _text(comment, 2000)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError({"state": "只有已报送、待审核的报告可以审核。"})
    if not accept and not comment:
        raise ValidationError({"comment": "退回时请写明意见。"})
    before = report.state
    report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
    report.reviewer = actors.user_of(actor)
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="reform.report.accepted" if accept else "reform.report.returned",
        obj=report,
        changes={"state": audit.changed(before, report.state), "comment": comment},
    )
    return report


# ---------------------------------------------------------------- reminders


@dataclass
class Reminder:
    unit: OrgNode
    period: Period
    owed: int


@actors.accepts_system
def remind(*, actor: Any, days: int, today: dt.date | None = None) -> list[Reminder]:
    """Units with reports still unsubmitted for a period due within `days` days: each gets (or
    has refreshed) one in-app notice per period, and each of the unit's own reporters (its users
    with reform.report) one notification in the notification centre, refreshed, not repeated,
    when run again. Run daily (`gefeng reform_remind`)."""
    today = today or timezone.localdate()
    actors.require_perm(actor, MANAGE)
    if days < 0 or days > 60:
        raise ValidationError({"days": "提前天数应在 0 至 60 之间。"})
    periods = Period.objects.filter(
        due__gte=today, due__lte=today + dt.timedelta(days=days), plan__status=PlanStatus.PUBLISHED
    ).select_related("plan")
    out: list[Reminder] = []
    with transaction.atomic():
        for p in periods.order_by("due"):
            assignments = Assignment.objects.filter(item__plan=p.plan, item__deadline__gte=p.start)
            if not actors.is_system(actor):
                assignments = scope.visible(actor, assignments)
            done = Report.objects.filter(period=p, submitted_at__isnull=False).exclude(state=ReportState.RETURNED)
            owed: dict[int, int] = {}
            for unit_id in assignments.exclude(pk__in=done.values("assignment_id")).values_list("unit_id", flat=True):
                owed[unit_id] = owed.get(unit_id, 0) + 1
            units = OrgNode.objects.in_bulk(list(owed))
            for unit_id, n in sorted(owed.items()):
                text = f"{p.label}的进展报送将于{p.due.month}月{p.due.day}日截止，本单位还有 {n} 项未报送。"
                Notice.objects.update_or_create(unit_id=unit_id, period=p, defaults={"text": text, "read_at": None})
                out.append(Reminder(units[unit_id], p, n))
            _notify_reporters(p, owed)
        audit.record(
            actor=actor,
            action="reform.remind",
            object_type="reform.notice",
            object_repr=f"{today} 提前{days}天",
            changes={"units": len(out)},
        )
    return out


def reporters(unit_ids: list[int]) -> dict[int, list[Any]]:
    """unit id → the active users at that unit whose confirmed roles include reform.report."""
    from gefeng.accounts.selectors import holders

    users = holders(REPORT, unit_ids)
    out: dict[int, list[Any]] = {}
    for u in users:
        if u.org_id is not None:
            out.setdefault(u.org_id, []).append(u)
    return out


def _notify_reporters(period: Period, owed: dict[int, int]) -> None:
    from gefeng.core import notifications

    link = reverse("reform:report-due")
    for unit_id, users in reporters(sorted(owed)).items():
        n = owed[unit_id]
        notifications.send_many(
            users,
            title=f"{period.label}进展报送将于{period.due.month}月{period.due.day}日截止",
            body=f"本单位还有 {n} 项未报送。",
            link=f"{link}?plan={period.plan_id}&unit={unit_id}&period={period.pk}",
            key=f"reform.remind:{period.pk}:{unit_id}",
        )


@transaction.atomic
def notice_read(*, actor: Any, notice: Notice) -> None:
    if not scope.can(actor, notice, REPORT):
        raise PermissionDenied
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
