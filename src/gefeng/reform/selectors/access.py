"""What a user may see of the responsibility list: plans, items, assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gefeng.core import scope
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Assignment,
    Item,
    Period,
    Plan,
)

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
