"""本期待报: a unit's reports owed this period, filled in and submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors, services
from gefeng.reform.models import Notice
from gefeng.reform.views._common import (
    REPORT,
    _plan_from_query,
)

# ---------------------------------------------------------------- 本期待报


def _entries(request: AuthedRequest, rows: list[selectors.DueRow]) -> list[services.Entry]:
    out = []
    for row in rows:
        if not row.editable:
            continue
        a = row.assignment
        values = {}
        for key, raw in request.POST.items():
            prefix = f"v-{a.pk}-"
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                values[int(key[len(prefix) :])] = raw
        done = {int(v) for v in request.POST.getlist(f"m-{a.pk}") if v.isdigit()}
        out.append(
            services.Entry(
                assignment=a,
                narrative=request.POST.get(f"n-{a.pk}", ""),
                values=values,
                files=request.FILES.getlist(f"f-{a.pk}"),
                milestones_done=done,
            )
        )
    return out


@require_http_methods(["GET", "POST"])
@login_required
def report_due(request: AuthedRequest) -> HttpResponse:
    """本期待报: everything a unit owes for a period, filled and submitted in one form."""
    user = request.user
    scope.require_perm(user, REPORT)
    today = timezone.localdate()
    plan = _plan_from_query(request)
    context: dict[str, Any] = {"plan": plan, "today": today, "notices": selectors.notices_for(user)}
    if plan is None:
        return render(request, "reform/report_due.html", context)
    units = selectors.reportable_units(user, plan)
    unit = None
    raw_unit = request.GET.get("unit", "")
    if raw_unit.isdigit():
        unit = next((u for u in units if u.pk == int(raw_unit)), None)
        if unit is None:
            raise Http404
    elif len(units) == 1 or (user.org_id and any(u.pk == user.org_id for u in units)):
        unit = next((u for u in units if u.pk == user.org_id), units[0])
    periods = list(plan.periods.order_by("start"))
    period = None
    raw_period = request.GET.get("period", "")
    if raw_period.isdigit():
        period = next((p for p in periods if p.pk == int(raw_period)), None)
        if period is None:
            raise Http404
    else:
        period = selectors.current_period(plan, today)
    context |= {"units": units, "unit": unit, "periods": periods, "period": period, "errors": {}}
    if unit is None or period is None:
        return render(request, "reform/report_due.html", context)
    rows = selectors.due_rows(user, unit, period, on=min(today, dt.date(plan.year, 12, 31)))
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        try:
            saved = services.reports_save(actor=user, period=period, entries=_entries(request, rows), submit=submit)
        except ValidationError as exc:
            context["errors"] = exc.message_dict
            context["posted"] = request.POST
            messages.error(request, _g("有 %(n)s 处需要修改，未保存任何内容。") % {"n": len(exc.message_dict)})
        else:
            if submit:
                messages.success(request, _g("已报送 %(n)s 项。") % {"n": len(saved)})
            else:
                messages.success(request, _g("已暂存 %(n)s 项，尚未报送。") % {"n": len(saved)})
            url = reverse("reform:report-due") + f"?plan={plan.pk}&unit={unit.pk}&period={period.pk}"
            return redirect(url)
    context |= {
        "rows": rows,
        "editable": any(r.editable for r in rows),
        "outstanding": [o for o in selectors.outstanding(user, unit, plan, today=today) if o[0].pk != period.pk],
        "max_mb": services.max_evidence_bytes() // (1024 * 1024),
        "late_now": today > period.due,
    }
    return render(request, "reform/report_due.html", context)


@require_POST
@login_required
def notice_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = scope.get_or_404(request.user, Notice, REPORT, pk=pk)
    services.notice_read(actor=request.user, notice=notice)
    return redirect("reform:report-due")
