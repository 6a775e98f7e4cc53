"""The state of an item on a day, with its live indicators, and the roll-ups (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gefeng.core import figures
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Assignment,
    Indicator,
    IndicatorValue,
    Item,
    Measure,
    Milestone,
    Period,
    Plan,
    Report,
    ReportState,
)
from gefeng.reform.selectors._common import (
    COMPLETED,
    COUNTED,
    LAGGING,
    NOT_STARTED,
    ON_TRACK,
    OVERDUE,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    lag_tolerance,
)
from gefeng.reform.selectors.access import (
    assignments_visible,
    items_visible,
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
    """The rule (module docstring) on facts already gathered: (status, progress).

    Source: 徐政发〔2020〕3号 节点化 (milestones); the lag tolerance is local (`GEFENG_REFORM_LAG_TOLERANCE`).
    """
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
