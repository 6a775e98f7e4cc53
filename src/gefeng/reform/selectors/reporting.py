"""Reporting: periods owed, reports by unit and their timeliness."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gefeng.core import scope
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Assignment,
    Evidence,
    IndicatorValue,
    Item,
    Notice,
    Period,
    Plan,
    Report,
    ReportState,
)
from gefeng.reform.selectors.status import (
    ItemState,
    item_states,
    owed_pairs,
)

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
