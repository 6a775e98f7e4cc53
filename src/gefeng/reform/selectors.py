"""Reads of the responsibility list: what a user may see, each item's state, the roll-ups.

## The state of an item on a day `on` (`item_status`)

An item's *parts* are its milestones (together one part: the share done by `on`) and each of its
indicators (one part each: how far the current value has moved from the baseline towards the
target, clamped to 0–1). An indicator's current value is the registered figure for a live
indicator, otherwise the sum over its units of each unit's latest reported value (reports
submitted or accepted by `on`; values are year-to-date levels). Its *progress* is the mean of
its parts (0 when it has none). The rules, in order:

1. 已完成 `completed` — the county office confirmed completion on or before `on`
   (`Item.completed_on`), or the item has at least one part and every part is complete:
   every milestone done by `on` and every indicator at or above its target.
2. 逾期 `overdue` — `on` is after the deadline.
3. 滞后 `lagging` — a milestone was due before `on` and is not done; or the item has
   indicators and their mean fraction trails the share of the year elapsed (1 January to the
   deadline) by more than `GEFENG_REFORM_LAG_TOLERANCE` (default 0.25).
4. 未开始 `not_started` — progress is 0 and no report on the item was submitted by `on`.
5. 正常推进 `on_track` — otherwise.

Roll-ups to measure, action, unit and plan weight each item's progress by `Item.weight`
(completed items count 1): completion = Σ weight × progress / Σ weight.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Assignment,
    Evidence,
    Indicator,
    IndicatorValue,
    Item,
    Measure,
    Milestone,
    Notice,
    Period,
    Plan,
    Report,
    ReportState,
)

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
LAGGING = "lagging"
COMPLETED = "completed"
OVERDUE = "overdue"
STATUSES = (NOT_STARTED, ON_TRACK, LAGGING, COMPLETED, OVERDUE)
STATUS_LABELS = {
    NOT_STARTED: _("未开始"),
    ON_TRACK: _("正常推进"),
    LAGGING: _("滞后"),
    COMPLETED: _("已完成"),
    OVERDUE: _("逾期"),
}
STATUS_COLOURS = {
    NOT_STARTED: "secondary",
    ON_TRACK: "primary",
    LAGGING: "warning",
    COMPLETED: "success",
    OVERDUE: "danger",
}
COUNTED = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def lag_tolerance() -> float:
    return float(getattr(settings, "REFORM_LAG_TOLERANCE", 0.25))


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


# ---------------------------------------------------------------- what a user may see


def plans_for(actor: Any) -> QuerySet[Plan]:
    """Plans the actor may open: the county office's own, and any plan with an item assigned
    to a unit in the actor's scope."""
    own = scope.visible(actor, Plan).values("pk")
    via = scope.visible(actor, Assignment).values("item__plan_id")
    return Plan.objects.filter(Q(pk__in=own) | Q(pk__in=via)).select_related("org")


def plan_get_or_404(actor: Any, pk: Any) -> Plan:
    plan = plans_for(actor).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def sees_whole_plan(actor: Any, plan: Plan) -> bool:
    return scope.visible(actor, Plan).filter(pk=plan.pk).exists()


def assignments_visible(actor: Any, plan: Plan) -> QuerySet[Assignment]:
    return scope.visible(actor, Assignment).filter(item__plan=plan)


def items_visible(actor: Any, plan: Plan) -> QuerySet[Item]:
    """Items of `plan` with at least one assignment the actor may see, each once."""
    qs = Item.objects.filter(plan=plan)
    if not sees_whole_plan(actor, plan):
        qs = qs.filter(pk__in=scope.visible(actor, Assignment).filter(item__plan=plan).values("item_id"))
    return qs.select_related("measure__action", "lead_unit", "plan")


def item_get_or_404(actor: Any, pk: Any) -> Item:
    item = Item.objects.filter(pk=pk).select_related("plan", "measure__action", "lead_unit").first()
    if item is None or not items_visible(actor, item.plan).filter(pk=item.pk).exists():
        raise Http404
    return item


def units_in_plan(actor: Any, plan: Plan) -> list[OrgNode]:
    ids = assignments_visible(actor, plan).values("unit_id")
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def reportable_units(actor: Any, plan: Plan) -> list[OrgNode]:
    ids = scope.permitted(actor, Assignment, "reform.report").filter(item__plan=plan).values("unit_id")
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def current_plan(actor: Any, today: dt.date | None = None) -> Plan | None:
    """This year's plan if the actor may see it, else the latest one it may."""
    today = today or timezone.localdate()
    plans = plans_for(actor)
    return plans.filter(year=today.year).first() or plans.order_by("-year").first()


def current_period(plan: Plan, today: dt.date | None = None) -> Period | None:
    """The period being reported on: the earliest one already begun whose due date has not
    passed; after the last due date, the last period; before the first, the first."""
    today = today or timezone.localdate()
    periods = plan.periods.order_by("start")
    return (
        periods.filter(start__lte=today, due__gte=today).first()
        or periods.filter(start__lte=today).order_by("-start").first()
        or periods.first()
    )


# ---------------------------------------------------------------- live indicators


class LiveFigures:
    """Computes registered figures for indicators, once per (figure, node, year) — keep one
    instance for a page or a command."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int], Decimal | None] = {}
        self._nodes: dict[int, OrgNode] = {}

    def value(self, indicator: Indicator, plan: Plan) -> Decimal | None:
        root_id = indicator.unit_org_id or plan.org_id
        key = (indicator.figure, root_id, plan.year)
        if key not in self._cache:
            fn = figures.get(indicator.figure)
            if fn is None:
                self._cache[key] = None
            else:
                root = self._nodes.get(root_id) or OrgNode.objects.get(pk=root_id)
                self._nodes[root_id] = root
                self._cache[key] = Decimal(fn(root, plan.year) or 0)
        return self._cache[key]


def figure_choices() -> list[tuple[str, str]]:
    """Registered figures, offered when binding an indicator (a newly registered figure appears
    here): grouped by the figure's section, each as its Chinese label with its unit, e.g.
    "工会组织（个）"."""
    out: list[tuple[str, str]] = [("", str(_("（由单位填报）")))]
    for figure in sorted(figures.registered(), key=lambda f: (f.section, f.label)):
        label = f"{figure.label}（{figure.unit}）" if figure.unit else figure.label
        out.append((figure.name, f"{figure.section} · {label}" if figure.section else label))
    return out


# ---------------------------------------------------------------- item state


@dataclass
class IndicatorState:
    indicator: Indicator
    current: Decimal | None
    fraction: float


@dataclass
class ItemState:
    item: Item
    status: str
    progress: float
    milestones: list[Milestone] = field(default_factory=list)
    indicators: list[IndicatorState] = field(default_factory=list)
    reported: bool = False

    @property
    def label(self) -> Any:
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def weight(self) -> float:
        return float(self.item.weight)


def indicator_fraction(ind: Indicator, current: Decimal | None) -> float:
    if current is None:
        return 0.0
    span = ind.target - ind.baseline
    if span == 0:
        return 1.0 if current >= ind.target else 0.0
    return max(0.0, min(1.0, float((current - ind.baseline) / span)))


def decide(
    item: Item, *, on: dt.date, milestones: list[Milestone], fractions: list[float], reported: bool
) -> tuple[str, float]:
    """The rule (module docstring) on facts already gathered: (status, progress)."""
    parts: list[float] = []
    if milestones:
        parts.append(sum(1 for m in milestones if m.done_on and m.done_on <= on) / len(milestones))
    parts.extend(fractions)
    if item.completed_on and item.completed_on <= on:
        return COMPLETED, 1.0
    if parts and all(p >= 1 for p in parts):
        return COMPLETED, 1.0
    progress = sum(parts) / len(parts) if parts else 0.0
    if on > item.deadline:
        return OVERDUE, progress
    if any(m.due < on and not (m.done_on and m.done_on <= on) for m in milestones):
        return LAGGING, progress
    if fractions:
        start = dt.date(item.deadline.year, 1, 1) if item.plan_id is None else dt.date(item.plan.year, 1, 1)
        span = max((item.deadline - start).days, 1)
        elapsed = min(1.0, max(0.0, (on - start).days / span))
        if sum(fractions) / len(fractions) < elapsed - lag_tolerance():
            return LAGGING, progress
    if progress == 0 and not reported:
        return NOT_STARTED, 0.0
    return ON_TRACK, progress


def _latest_values(indicator_ids: list[int], on: dt.date) -> dict[int, Decimal]:
    """indicator id → Σ over units of each unit's latest counted value by `on`."""
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids,
            report__state__in=COUNTED,
            report__period__start__lte=on,
        )
        .values_list("indicator_id", "report__assignment_id", "report__period__start", "value")
        .order_by("indicator_id", "report__assignment_id", "report__period__start")
    )
    latest: dict[tuple[int, int], Decimal] = {}
    for ind_id, asg_id, _start, value in rows:
        latest[(ind_id, asg_id)] = value  # ordered by period: the last one wins
    out: dict[int, Decimal] = defaultdict(Decimal)
    for (ind_id, _asg), value in latest.items():
        out[ind_id] += value
    return dict(out)


def item_states(items: Iterable[Item], *, on: dt.date, live: LiveFigures | None = None) -> dict[int, ItemState]:
    """States of many items in a few queries (items should come with `plan` selected)."""
    items = list(items)
    ids = [i.pk for i in items]
    live = live or LiveFigures()
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(item_id__in=ids).order_by("due", "pk"):
        milestones[m.item_id].append(m)
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for ind in Indicator.objects.filter(item_id__in=ids).order_by("pk"):
        indicators[ind.item_id].append(ind)
    reported_values = _latest_values([i.pk for lst in indicators.values() for i in lst if not i.figure], on)
    end_of_day = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    reported = set(
        Report.objects.filter(
            assignment__item_id__in=ids, submitted_at__lt=end_of_day, state__in=[*COUNTED, ReportState.RETURNED]
        ).values_list("assignment__item_id", flat=True)
    )
    out: dict[int, ItemState] = {}
    for item in items:
        ind_states = []
        for ind in indicators[item.pk]:
            current = live.value(ind, item.plan) if ind.figure else reported_values.get(ind.pk)
            ind_states.append(IndicatorState(ind, current, indicator_fraction(ind, current)))
        status, progress = decide(
            item,
            on=on,
            milestones=milestones[item.pk],
            fractions=[s.fraction for s in ind_states],
            reported=item.pk in reported,
        )
        out[item.pk] = ItemState(item, status, progress, milestones[item.pk], ind_states, item.pk in reported)
    return out


def item_status(item: Item, *, on: dt.date) -> str:
    """One of not_started, on_track, lagging, completed, overdue (see the module docstring)."""
    return item_states([item], on=on)[item.pk].status


@dataclass
class Rollup:
    items: int = 0
    weight: float = 0.0
    weighted: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, state: ItemState) -> None:
        self.items += 1
        self.weight += state.weight
        self.weighted += state.weight * state.progress
        self.counts[state.status] += 1

    @property
    def completion(self) -> float:
        return self.weighted / self.weight if self.weight else 0.0

    @property
    def percent(self) -> int:
        return round(self.completion * 100)

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, **self.counts, "completion": round(self.completion, 4)}


def rollup(states: Iterable[ItemState]) -> Rollup:
    r = Rollup()
    for s in states:
        r.add(s)
    return r


@dataclass
class PlanView:
    plan: Plan
    on: dt.date
    states: dict[int, ItemState]
    total: Rollup
    actions: list[tuple[Any, Rollup]]
    measures: list[tuple[Measure, Rollup]]


def plan_view(actor: Any, plan: Plan, *, on: dt.date, live: LiveFigures | None = None) -> PlanView:
    """Every visible item's state and the weighted roll-ups to measure, action and plan."""
    items = list(items_visible(actor, plan).order_by("measure__action__number", "measure__number", "code"))
    states = item_states(items, on=on, live=live)
    by_measure: dict[int, Rollup] = defaultdict(Rollup)
    by_action: dict[int, Rollup] = defaultdict(Rollup)
    for item in items:
        by_measure[item.measure_id].add(states[item.pk])
        by_action[item.measure.action_id].add(states[item.pk])
    actions = [(a, by_action[a.pk]) for a in plan.actions.order_by("number")]
    measures = [
        (m, by_measure[m.pk])
        for m in Measure.objects.filter(action__plan=plan).select_related("action").order_by("action__number", "number")
    ]
    return PlanView(plan, on, states, rollup(states.values()), actions, measures)


def unit_progress(actor: Any, plan: Plan, *, on: dt.date, live: LiveFigures | None = None) -> dict[int, dict]:
    """unit id → {name, items, completed, lagging, overdue, not_started, on_track, completion}
    over the items each unit answers for (lead or co-responsible) that the actor may see."""
    pairs = list(assignments_visible(actor, plan).values_list("unit_id", "item_id"))
    items = Item.objects.filter(pk__in={i for _u, i in pairs}).select_related("plan")
    states = item_states(items, on=on, live=live)
    per: dict[int, Rollup] = defaultdict(Rollup)
    for unit_id, item_id in pairs:
        per[unit_id].add(states[item_id])
    names = dict(OrgNode.objects.filter(pk__in=per).values_list("pk", "short_name"))
    full = dict(OrgNode.objects.filter(pk__in=per).values_list("pk", "name"))
    return {uid: {"name": names.get(uid) or full.get(uid, ""), **r.as_dict()} for uid, r in per.items()}


def owed_pairs(assignments: Iterable[Assignment], periods: Iterable[Period]) -> list[tuple[Assignment, Period]]:
    """A unit owes a report on an assignment for every period that begins by the item's deadline."""
    periods = list(periods)
    return [(a, p) for a in assignments for p in periods if p.start <= a.item.deadline]


def unit_report_stats(actor: Any, plan: Plan, *, until: dt.date) -> dict[int, dict]:
    """unit id → {name, due, on_time, late, missing, returned, accepted} for the periods due by
    `until`: `due` reports owed; `on_time`/`late` submitted ones; `missing` owed and never
    submitted; `returned` sent back and not yet resubmitted; `accepted` accepted."""
    periods = list(plan.periods.filter(due__lte=until).order_by("start"))
    assignments = list(assignments_visible(actor, plan).select_related("item", "unit"))
    reports = {
        (r.assignment_id, r.period_id): r
        for r in Report.objects.filter(assignment__in=assignments, period__in=periods).only(
            "assignment_id", "period_id", "state", "submitted_at", "late"
        )
    }
    stats: dict[int, dict] = {}
    for a in assignments:
        stats.setdefault(
            a.unit_id,
            {"name": a.unit.short_name or a.unit.name, "due": 0, "on_time": 0, "late": 0, "missing": 0}
            | {"returned": 0, "accepted": 0},
        )
    for a, p in owed_pairs(assignments, periods):
        s = stats[a.unit_id]
        s["due"] += 1
        r = reports.get((a.pk, p.pk))
        if r is None or r.submitted_at is None:
            s["missing"] += 1
            continue
        s["late" if r.late else "on_time"] += 1
        if r.state == ReportState.RETURNED:
            s["returned"] += 1
        elif r.state == ReportState.ACCEPTED:
            s["accepted"] += 1
    return stats


def period_trend(actor: Any, plan: Plan, *, until: dt.date) -> list[dict[str, Any]]:
    """Per period (begun by `until`): owed, on time, late, missing, returned — for the trend chart."""
    periods = list(plan.periods.filter(start__lte=until).order_by("start"))
    assignments = list(assignments_visible(actor, plan).select_related("item"))
    reports = {
        (r.assignment_id, r.period_id): r
        for r in Report.objects.filter(assignment__in=assignments, period__in=periods).only(
            "assignment_id", "period_id", "state", "submitted_at", "late"
        )
    }
    out = []
    for p in periods:
        row: dict[str, Any] = {"period": p, "label": p.label}
        row |= {"due": 0, "on_time": 0, "late": 0, "missing": 0, "returned": 0}
        for a, _p in owed_pairs(assignments, [p]):
            row["due"] += 1
            r = reports.get((a.pk, p.pk))
            if r is None or r.submitted_at is None:
                row["missing"] += 1
            else:
                row["late" if r.late else "on_time"] += 1
                row["returned"] += int(r.state == ReportState.RETURNED)
        out.append(row)
    return out


# ---------------------------------------------------------------- reporting


@dataclass
class DueRow:
    assignment: Assignment
    report: Report | None
    previous: Report | None
    state: ItemState | None = None
    values: dict[int, Decimal] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.state in (ReportState.DRAFT, ReportState.RETURNED)


def due_rows(actor: Any, unit: OrgNode, period: Period, *, on: dt.date | None = None) -> list[DueRow]:
    """Everything `unit` owes for `period`: one row per assignment the actor may report on, with
    this period's report (if begun) and the previous period's (to carry its text over)."""
    assignments = list(
        scope.permitted(actor, Assignment, "reform.report")
        .filter(unit=unit, item__plan_id=period.plan_id, item__deadline__gte=period.start)
        .select_related("item__plan", "item__measure__action", "unit")
        .order_by("item__code")
    )
    previous_period = Period.objects.filter(plan_id=period.plan_id, start__lt=period.start).order_by("-start").first()
    reports = {r.assignment_id: r for r in Report.objects.filter(assignment__in=assignments, period=period)}
    previous = (
        {r.assignment_id: r for r in Report.objects.filter(assignment__in=assignments, period=previous_period)}
        if previous_period
        else {}
    )
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(report__in=reports.values()):
        values[v.report_id][v.indicator_id] = v.value
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for e in Evidence.objects.filter(report__in=reports.values()).order_by("uploaded_at", "pk"):
        evidence[e.report_id].append(e)
    states = item_states([a.item for a in assignments], on=on or timezone.localdate())
    rows = []
    for a in assignments:
        r = reports.get(a.pk)
        rows.append(
            DueRow(
                a,
                r,
                previous.get(a.pk),
                states.get(a.item_id),
                values.get(r.pk, {}) if r else {},
                evidence.get(r.pk, []) if r else [],
            )
        )
    return rows


def outstanding(actor: Any, unit: OrgNode, plan: Plan, *, today: dt.date) -> list[tuple[Period, int, int]]:
    """Past periods where `unit` still owes reports: (period, missing, returned)."""
    assignments = list(
        scope.permitted(actor, Assignment, "reform.report").filter(unit=unit, item__plan=plan).select_related("item")
    )
    periods = list(plan.periods.filter(due__lt=today).order_by("start"))
    reports = {
        (r.assignment_id, r.period_id): r for r in Report.objects.filter(assignment__in=assignments, period__in=periods)
    }
    out = []
    for p in periods:
        missing = returned = 0
        for a, _p in owed_pairs(assignments, [p]):
            r = reports.get((a.pk, p.pk))
            if r is None or r.submitted_at is None:
                missing += 1
            elif r.state == ReportState.RETURNED:
                returned += 1
        if missing or returned:
            out.append((p, missing, returned))
    return out


def reports_for_review(actor: Any, plan: Plan) -> QuerySet[Report]:
    return (
        scope.permitted(actor, Report, "reform.manage")
        .filter(period__plan=plan)
        .select_related("assignment__item", "assignment__unit", "period")
    )


def item_reports(actor: Any, item: Item) -> QuerySet[Report]:
    return (
        scope.visible(actor, Report)
        .filter(assignment__item=item)
        .select_related("assignment__unit", "period", "reviewer")
        .prefetch_related("values__indicator", "evidence")
        .order_by("-period__start", "assignment__unit__path")
    )


def notices_for(actor: Any, *, limit: int = 5) -> list[Notice]:
    """Unread reminders for the units the actor reports for (the unit's home)."""
    if not scope.has_perm(actor, "reform.report"):
        return []
    return list(
        scope.permitted(actor, Notice, "reform.report")
        .filter(read_at__isnull=True)
        .select_related("period", "unit")
        .order_by("-created_at")[:limit]
    )
