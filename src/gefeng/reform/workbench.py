"""The reform's items on the home page (`core.workbench`).

A unit (reform.report without reform.manage): the current period's reports still to send,
reports returned for rework, and past periods still owed. The county office (reform.manage):
reports waiting for review. Dates: the next reporting due dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gefeng.core import scope, workbench
from gefeng.reform import selectors
from gefeng.reform.models import Assignment, Period, Plan, PlanStatus, Report, ReportState

REPORT = "reform.report"
MANAGE = "reform.manage"


def _unit_only(user: Any) -> bool:
    return not scope.has_perm(user, MANAGE)


def _plan(user: Any) -> Plan | None:
    """The plan the unit reports on: this year's published plan, else the latest published one."""
    plans = selectors.plans_for(user).filter(status=PlanStatus.PUBLISHED)
    today = timezone.localdate()
    return plans.filter(year=today.year).first() or plans.order_by("-year").first()


def _owed(user: Any, period: Period) -> int:
    """Assignments the user reports on that owe a report for `period` (none sent, or returned)."""
    done = Report.objects.filter(period=period, submitted_at__isnull=False).exclude(state=ReportState.RETURNED)
    qs = scope.permitted(user, Assignment, REPORT).filter(
        item__plan_id=period.plan_id, item__deadline__gte=period.start
    )
    return workbench.capped(qs.exclude(pk__in=done.values("assignment_id")))


def _current(user: Any) -> Period | None:
    plan = _plan(user)
    if plan is None:
        return None
    today = timezone.localdate()
    return plan.periods.filter(start__lte=today, due__gte=today).order_by("start").first()


def due_count(user: Any) -> int:
    period = _current(user)
    return _owed(user, period) if period else 0


def due_query(user: Any) -> dict[str, Any]:
    period = _current(user)
    return {"plan": period.plan_id, "period": period.pk} if period else {}


def _past_periods(user: Any) -> list[Period]:
    plan = _plan(user)
    if plan is None:
        return []
    return list(plan.periods.filter(due__lt=timezone.localdate()).order_by("start")[:24])


def late_count(user: Any) -> int:
    """Reports of past periods still unsent (overdue): one count per past period (≤ 12 a year)."""
    return sum(_owed(user, p) for p in _past_periods(user))


def late_link(user: Any) -> str:
    periods = [p for p in _past_periods(user) if _owed(user, p)]
    url = reverse("reform:report-due")
    return url + "?" + urlencode({"plan": periods[0].plan_id, "period": periods[0].pk}) if periods else url


def _returned(user: Any):
    return scope.permitted(user, Report, REPORT).filter(state=ReportState.RETURNED)


def returned_count(user: Any) -> int:
    return workbench.capped(_returned(user))


def returned_link(user: Any) -> str:
    first = _returned(user).select_related("period").order_by("period__start", "pk").first()
    url = reverse("reform:report-due")
    if first is None:
        return url
    return url + "?" + urlencode({"plan": first.period.plan_id, "period": first.period_id})


def _review_plan(user: Any) -> Plan | None:
    return selectors.current_plan(user)


def review_count(user: Any) -> int:
    plan = _review_plan(user)
    if plan is None:
        return 0
    return workbench.capped(selectors.reports_for_review(user, plan).filter(state=ReportState.SUBMITTED))


def review_query(user: Any) -> dict[str, Any]:
    plan = _review_plan(user)
    return {"plan": plan.pk, "state": ReportState.SUBMITTED} if plan else {}


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    """The next reporting due dates of published plans the user reports on."""
    plans = selectors.plans_for(user).filter(status=PlanStatus.PUBLISHED).values("pk")
    periods = Period.objects.filter(Q(plan__in=plans), due__gte=today).order_by("due")[:limit]
    url = reverse("reform:report-due")
    return [
        workbench.Due(
            on=p.due, label=f"{p.label}进展报送", url=f"{url}?plan={p.plan_id}&period={p.pk}", what="报送截止"
        )
        for p in periods
    ]


workbench.register(
    workbench.Item(
        key="reform.due",
        label="本期待报",
        perm=REPORT,
        count=due_count,
        url_name="reform:report-due",
        query=due_query,
        show=_unit_only,
        order=10,
    ),
    workbench.Item(
        key="reform.returned",
        label="被退回待重报的进展报告",
        perm=REPORT,
        count=returned_count,
        url_name="reform:report-due",
        link=returned_link,
        show=_unit_only,
        order=11,
    ),
    workbench.Item(
        key="reform.late",
        label="逾期未报的进展报告",
        perm=REPORT,
        count=late_count,
        url_name="reform:report-due",
        link=late_link,
        kind=workbench.REMIND,
        show=_unit_only,
        order=12,
    ),
    workbench.Item(
        key="reform.review",
        label="待审核的进展报告",
        perm=MANAGE,
        count=review_count,
        url_name="reform:report-list",
        query=review_query,
        order=13,
    ),
)
workbench.register_deadline(
    workbench.Deadline(key="reform.period_due", perm=REPORT, upcoming=upcoming, show=_unit_only),
)
