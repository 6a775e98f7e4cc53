"""Shared by the modules of `gefeng.reform.views`."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors
from gefeng.reform.models import Plan

VIEW, REPORT, MANAGE = "reform.view", "reform.report", "reform.manage"


def _today(request: AuthedRequest, plan: Plan | None = None) -> dt.date:
    """`?on=YYYY-MM-DD` to look at the plan as it stood on a day; by default today, or
    31 December for a past year's plan (its year-end state)."""
    today = timezone.localdate()
    if plan is not None and plan.year < today.year:
        today = dt.date(plan.year, 12, 31)
    raw = request.GET.get("on", "")
    try:
        return dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today


def _plan_from_query(request: AuthedRequest) -> Plan | None:
    pk = request.GET.get("plan", "")
    if pk:
        if not pk.isdigit():
            raise Http404
        return selectors.plan_get_or_404(request.user, int(pk))
    return selectors.current_plan(request.user)
