"""Pages of the plans: list, create, edit, copy, publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors, services
from gefeng.reform.forms import (
    PlanCopyForm,
    PlanCreateForm,
    PlanEditForm,
)
from gefeng.reform.models import Assignment, Plan
from gefeng.reform.views._common import (
    MANAGE,
    VIEW,
    _today,
)

# ---------------------------------------------------------------- plans


@require_GET
@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, VIEW)
    plans = list(selectors.plans_for(request.user).order_by("-year")[:50])
    return render(
        request,
        "reform/plan_list.html",
        {"plans": plans, "can_manage": scope.has_perm(request.user, MANAGE), "form": PlanCreateForm()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, MANAGE)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已建立计划，请添加举措和重点工作项目。"))
            return redirect("reform:plan-detail", plan.pk)
    return render(request, "reform/plan_create.html", {"form": form})


@require_GET
@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """责任清单: the items the user may see, grouped by action and measure, with their state."""
    plan = selectors.plan_get_or_404(request.user, pk)
    on = _today(request, plan)
    view = selectors.plan_view(request.user, plan, on=on)
    status = request.GET.get("status", "")
    unit_id = request.GET.get("unit", "")
    wanted_items = None
    if unit_id.isdigit():
        wanted_items = set(
            selectors.assignments_visible(request.user, plan)
            .filter(unit_id=int(unit_id))
            .values_list("item_id", flat=True)
        )
    groups = []
    for measure, roll in view.measures:
        rows = [
            s
            for s in view.states.values()
            if s.item.measure_id == measure.pk
            and (not status or s.status == status)
            and (wanted_items is None or s.item.pk in wanted_items)
        ]
        if rows or (not status and wanted_items is None and view.total.items == 0):
            groups.append({"measure": measure, "roll": roll, "rows": rows})
    return render(
        request,
        "reform/plan_detail.html",
        {
            "plan": plan,
            "view": view,
            "groups": groups,
            "on": on,
            "status": status,
            "unit_id": unit_id,
            "units": selectors.units_in_plan(request.user, plan),
            "statuses": selectors.STATUS_LABELS,
            "can_manage": scope.can(request.user, plan, MANAGE),
            "copy_form": PlanCopyForm(initial={"year": plan.year + 1}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = scope.get_or_404(request.user, Plan, MANAGE, pk=pk)
    initial = {"title": plan.title, "calendar": plan.calendar, "status": plan.status}
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("计划已保存。"))
            return redirect("reform:plan-detail", plan.pk)
    return render(request, "reform/plan_edit.html", {"form": form, "plan": plan})


@require_POST
@login_required
def plan_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = scope.get_or_404(request.user, Plan, MANAGE, pk=pk)
    form = PlanCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请填写有效的年度。"))
        return redirect("reform:plan-detail", plan.pk)
    return act(
        request,
        lambda: services.plan_copy(actor=request.user, plan=plan, year=form.cleaned_data["year"]),
        done=lambda new: _g("已复制为 %(year)s 年计划（草拟中），请调整后发布。") % {"year": new.year},
        back=lambda new: reverse("reform:plan-detail", args=[new.pk]),
        failed_back=reverse("reform:plan-detail", args=[plan.pk]),
    )


def _item_rows(view: selectors.PlanView):
    co: dict[int, list[str]] = {}
    for a in Assignment.objects.filter(item_id__in=list(view.states), is_lead=False).select_related("unit"):
        co.setdefault(a.item_id, []).append(a.unit.short_name or a.unit.name)
    for s in view.states.values():
        item = s.item
        units = co.get(item.pk, [])
        yield (
            item.measure.action.name,
            f"{item.measure.number}. {item.measure.title}",
            item.code,
            item.title,
            item.lead_unit.short_name or item.lead_unit.name,
            "、".join(units),
            item.deadline,
            float(item.weight),
            str(s.label),
            round(s.progress, 4),
            "；".join(
                f"{i.indicator.name} {i.current if i.current is not None else '—'}/{i.indicator.target}"
                for i in s.indicators
            ),
        )


@require_GET
@login_required
def plan_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The item list as the user sees it, to Excel."""
    plan = selectors.plan_get_or_404(request.user, pk)
    on = _today(request, plan)
    view = selectors.plan_view(request.user, plan, on=on)
    headers = [
        "行动",
        "举措",
        "编号",
        "项目名称",
        "牵头单位",
        "责任单位",
        "完成时限",
        "权重",
        "状态",
        "完成度",
        "指标（当前/目标）",
    ]
    return exports.download(
        actor=request.user,
        action="reform.plan.exported",
        filename=f"{plan.year}年重点工作项目",
        headers=headers,
        rows=_item_rows(view),
        sheet_name="责任清单",
        obj=plan,
        changes={"on": on.isoformat()},
    )


@require_GET
@login_required
def unit_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Unit progress and reporting timeliness, to Excel."""
    plan = selectors.plan_get_or_404(request.user, pk)
    on = _today(request, plan)
    progress = selectors.unit_progress(request.user, plan, on=on)
    stats = selectors.unit_report_stats(request.user, plan, until=on)
    headers = [
        "单位",
        "项目数",
        "已完成",
        "正常推进",
        "未开始",
        "滞后",
        "逾期",
        "加权完成度",
        "应报",
        "按时",
        "迟报",
        "未报",
        "退回",
        "通过",
    ]

    def rows():
        for uid, p in sorted(progress.items(), key=lambda kv: -kv[1]["completion"]):
            s = stats.get(uid, {})
            yield (
                p["name"],
                p["items"],
                p["completed"],
                p["on_track"],
                p["not_started"],
                p["lagging"],
                p["overdue"],
                p["completion"],
                *(s.get(k, 0) for k in ("due", "on_time", "late", "missing", "returned", "accepted")),
            )

    return exports.download(
        actor=request.user,
        action="reform.plan.units_exported",
        filename=f"{plan.year}年成员单位推进情况",
        headers=headers,
        rows=rows(),
        sheet_name="单位推进",
        obj=plan,
        changes={"on": on.isoformat()},
    )
