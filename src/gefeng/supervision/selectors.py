"""Reads of supervision, always from `scope.visible`.

Who sees what:
- tasks (督办 notices, rectification items, decisions), unit scores and their adjustments hang on
  the unit: a member unit sees its own, a town those of the units under it, the county all;
- meetings, inspections, circulars and evaluations belong to the county office (the plan's node):
  the county-wide roles see them whole; a unit sees the meeting or inspection a task of its own
  came from on that task's page (date, title, agenda), not the meeting's other decisions;
- scores: a unit sees its own total, breakdown and rank ("第 3 名 / 共 13 家"), and once the
  evaluation is final the list of advanced units (a published commendation) — never the scores
  or breakdowns of other units;
- pilot enterprises hang on the enterprise: the county sees all, a town its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gefeng.core import scope
from gefeng.reform.models import Plan
from gefeng.reform.selectors import plans_for
from gefeng.supervision.models import (
    Attachment,
    Circular,
    Evaluation,
    Inspection,
    Meeting,
    PilotEnterprise,
    Task,
    TaskKind,
    TaskState,
    TaskUpdate,
    UnitScore,
)

LIVE = (TaskState.OPEN, TaskState.SUBMITTED)


def tasks(actor: Any, *, kind: str = "", state: str = "", plan: Plan | None = None, q: str = "") -> QuerySet[Task]:
    qs = scope.visible(actor, Task).select_related("unit", "item", "plan", "meeting", "inspection")
    if kind in TaskKind.values:
        qs = qs.filter(kind=kind)
    if plan is not None:
        qs = qs.filter(plan=plan)
    today = timezone.localdate()
    if state == "overdue":
        qs = qs.filter(state=TaskState.OPEN, deadline__lt=today)
    elif state == "live":
        qs = qs.filter(state__in=LIVE)
    elif state in TaskState.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__contains=q) | Q(unit__name__contains=q))
    return qs.order_by("-issued_on", "-pk")


def task_counts(actor: Any, plan: Plan | None = None) -> dict[str, int]:
    """Live tasks in the actor's sight by kind, and how many are past their deadline unanswered."""
    qs = scope.visible(actor, Task).filter(state__in=LIVE)
    if plan is not None:
        qs = qs.filter(plan=plan)
    today = timezone.localdate()
    out = {k: qs.filter(kind=k).count() for k in TaskKind.values}
    out["overdue"] = qs.filter(state=TaskState.OPEN, deadline__lt=today).count()
    out["submitted"] = qs.filter(state=TaskState.SUBMITTED).count()
    return out


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    return task.state == TaskState.OPEN and task.deadline < (today or timezone.localdate())


def task_history(actor: Any, task: Task) -> list[TaskUpdate]:
    updates = list(scope.visible(actor, TaskUpdate).filter(task=task).select_related("created_by"))
    files = scope.visible(actor, Attachment).filter(update__in=updates).order_by("pk")
    by_update: dict[int, list[Attachment]] = {}
    for f in files:
        by_update.setdefault(f.update_id or 0, []).append(f)
    for u in updates:
        u.attachments = by_update.get(u.pk, [])  # type: ignore[attr-defined]
    return updates


def meetings(actor: Any, plan: Plan | None = None) -> QuerySet[Meeting]:
    qs = scope.visible(actor, Meeting).select_related("plan")
    return qs.filter(plan=plan) if plan is not None else qs


def meeting_decisions(actor: Any, meeting: Meeting) -> QuerySet[Task]:
    return scope.visible(actor, Task).filter(meeting=meeting).select_related("unit").order_by("seq")


def inspections(actor: Any, plan: Plan | None = None) -> QuerySet[Inspection]:
    qs = scope.visible(actor, Inspection).select_related("plan")
    return qs.filter(plan=plan) if plan is not None else qs


def inspection_rectifications(actor: Any, inspection: Inspection) -> QuerySet[Task]:
    return scope.visible(actor, Task).filter(inspection=inspection).select_related("unit").order_by("seq")


def circulars(actor: Any) -> QuerySet[Circular]:
    return scope.visible(actor, Circular).select_related("plan")


def evaluations(actor: Any) -> QuerySet[Evaluation]:
    return scope.visible(actor, Evaluation).select_related("plan")


def own_scores(actor: Any) -> QuerySet[UnitScore]:
    """The scores the actor may see (a unit: its own), newest evaluation first."""
    return scope.visible(actor, UnitScore).select_related("evaluation__plan", "unit").order_by("-evaluation__as_of")


def ranking(actor: Any, evaluation: Evaluation) -> QuerySet[UnitScore]:
    return (
        scope.visible(actor, UnitScore)
        .filter(evaluation=evaluation)
        .select_related("unit")
        .order_by("rank", "unit__path")
    )


def units_ranked(evaluation: Evaluation) -> int:
    """How many units the evaluation ranks (shown beside a unit's own rank)."""
    return UnitScore.objects.filter(evaluation=evaluation).count()


def advanced_units(evaluation: Evaluation) -> list[str]:
    """The names of the advanced units of a final evaluation — a published list, shown to every
    unit that took part; empty while the evaluation is being scored."""
    if not evaluation.is_final:
        return []
    rows = (
        UnitScore.objects.filter(evaluation=evaluation, advanced=True)
        .select_related("unit")
        .order_by("rank", "unit__path")
    )
    return [r.unit.name for r in rows]


def pilots(actor: Any, *, q: str = "", level: str = "", active: str = "") -> QuerySet[PilotEnterprise]:
    qs = scope.visible(actor, PilotEnterprise).select_related("enterprise", "enterprise__parent")
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(enterprise__short_name__contains=q))
    if level:
        qs = qs.filter(level=level)
    if active in ("1", "0"):
        qs = qs.filter(active=active == "1")
    return qs.order_by("enterprise__path")


def supervisable_plans(actor: Any) -> QuerySet[Plan]:
    """Plans the actor may run supervision on (the county office's plans)."""
    return scope.permitted(actor, Plan, "reform.manage").order_by("-year")


def visible_plans(actor: Any) -> QuerySet[Plan]:
    return plans_for(actor).order_by("-year")
