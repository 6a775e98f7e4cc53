"""The dashboard of the plan's progress and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gefeng.core import scope
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors
from gefeng.reform.models import Report, ReportState
from gefeng.reform.views._common import (
    MANAGE,
    VIEW,
    _plan_from_query,
    _today,
)

# ---------------------------------------------------------------- dashboard


@require_GET
@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """产改看板: completion by action, measure and unit; overdue and returned; timeliness; trend."""
    user = request.user
    scope.require_perm(user, VIEW)
    plan = _plan_from_query(request)
    if plan is None:
        return render(request, "reform/dashboard.html", {"plan": None})
    on = _today(request, plan)
    live = selectors.LiveFigures()
    view = selectors.plan_view(user, plan, on=on, live=live)
    progress = selectors.unit_progress(user, plan, on=on, live=live)
    stats = selectors.unit_report_stats(user, plan, until=on)
    trend = selectors.period_trend(user, plan, until=on)
    units = sorted(progress.items(), key=lambda kv: -kv[1]["completion"])
    attention = [s for s in view.states.values() if s.status in (selectors.OVERDUE, selectors.LAGGING)]
    returned = list(
        selectors.reports_for_review(user, plan).filter(state=ReportState.RETURNED)[:50]
        if scope.has_perm(user, MANAGE)
        else Report.objects.none()
    )
    if not returned:
        returned = list(
            scope.visible(user, Report)
            .filter(period__plan=plan, state=ReportState.RETURNED)
            .select_related("assignment__item", "assignment__unit", "period")[:50]
        )
    chart = {
        "actions": {"names": [a.name for a, _r in view.actions], "values": [r.percent for _a, r in view.actions]},
        "measures": {
            "names": [f"{m.action.number}.{m.number} {m.title[:12]}" for m, r in view.measures if r.items],
            "values": [r.percent for m, r in view.measures if r.items],
        },
        "units": {
            "names": [u["name"] for _id, u in units],
            "values": [round(u["completion"] * 100) for _id, u in units],
        },
        "status": [{"name": str(selectors.STATUS_LABELS[k]), "value": v} for k, v in view.total.counts.items()],
        "trend": {
            "labels": [t["label"] for t in trend],
            "on_time": [t["on_time"] for t in trend],
            "late": [t["late"] for t in trend],
            "missing": [t["missing"] for t in trend],
        },
        "unit_ids": [uid for uid, _u in units],
    }
    return render(
        request,
        "reform/dashboard.html",
        {
            "plan": plan,
            "plans": selectors.plans_for(user).order_by("-year")[:20],
            "on": on,
            "view": view,
            "units": [(uid, u, stats.get(uid, {})) for uid, u in units],
            "attention": attention,
            "returned": returned,
            "trend": trend,
            "chart": chart,
        },
    )
