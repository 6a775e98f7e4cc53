"""The county office's review of reports, and evidence downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors, services
from gefeng.reform.forms import (
    ReviewForm,
)
from gefeng.reform.models import Evidence, Report, ReportState
from gefeng.reform.views._common import (
    MANAGE,
    _plan_from_query,
)

# ---------------------------------------------------------------- review


@require_GET
@login_required
def review_list(request: AuthedRequest) -> HttpResponse:
    """报送审核: reports of the plan, submitted ones first, filtered by period and state."""
    scope.require_perm(request.user, MANAGE)
    plan = _plan_from_query(request)
    if plan is None:
        return render(request, "reform/review_list.html", {"plan": None})
    state = request.GET.get("state", ReportState.SUBMITTED)
    qs = selectors.reports_for_review(request.user, plan)
    if state in ReportState.values:
        qs = qs.filter(state=state)
    period = request.GET.get("period", "")
    if period.isdigit():
        qs = qs.filter(period_id=int(period))
    page = paginate(request, qs.order_by("-submitted_at", "pk"))
    return render(
        request,
        "reform/review_list.html",
        {
            "plan": plan,
            "page": page,
            "state": state,
            "period": period,
            "states": ReportState.choices,
            "periods": plan.periods.order_by("start"),
        },
    )


@require_GET
@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scope.get_or_404(
        request.user, Report.objects.select_related("assignment__item__plan", "assignment__unit", "period"), pk=pk
    )
    return render(
        request,
        "reform/report_detail.html",
        {
            "report": report,
            "item": report.assignment.item,
            "values": report.values.select_related("indicator"),
            "evidence": report.evidence.all(),
            "can_review": report.state == ReportState.SUBMITTED and scope.can(request.user, report, MANAGE),
            "form": ReviewForm(),
        },
    )


@require_POST
@login_required
def report_review(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scope.get_or_404(request.user, Report, MANAGE, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请选择审核结果。"))
        return redirect("reform:report-detail", report.pk)
    return act(
        request,
        lambda: services.report_review(
            actor=request.user,
            report=report,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        ),
        done=lambda done: _g("已通过。") if done.state == ReportState.ACCEPTED else _g("已退回，单位修改后重新报送。"),
        back=reverse("reform:report-detail", args=[report.pk]),
    )


# ---------------------------------------------------------------- evidence


@require_GET
@login_required
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    ev = scope.get_or_404(request.user, Evidence, pk=pk)
    try:
        handle = ev.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=ev.original_name, content_type=ev.content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def evidence_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    ev = scope.get_or_404(request.user, Evidence.objects.select_related("report__assignment", "report__period"), pk=pk)
    report = ev.report
    url = (
        reverse("reform:report-due")
        + f"?plan={report.period.plan_id}&unit={report.assignment.unit_id}&period={report.period_id}"
    )
    return act(
        request,
        lambda: services.evidence_delete(actor=request.user, evidence=ev),
        done=_g("已删除材料。"),
        back=url,
    )
