"""Pages of the measures and items of a plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors, services
from gefeng.reform.forms import (
    IndicatorFormSet,
    ItemForm,
    MeasureForm,
    MilestoneFormSet,
)
from gefeng.reform.models import Item, Measure, Plan
from gefeng.reform.views._common import (
    MANAGE,
    _today,
)

# ---------------------------------------------------------------- measures and items


@require_http_methods(["GET", "POST"])
@login_required
def measure_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = scope.get_or_404(request.user, Plan, MANAGE, pk=pk)
    return _measure_form(request, plan, None)


@require_http_methods(["GET", "POST"])
@login_required
def measure_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = scope.get_or_404(request.user, Measure.objects.select_related("action__plan"), pk=pk)
    scope.require(request.user, measure.action.plan, MANAGE)
    return _measure_form(request, measure.action.plan, measure)


def _measure_form(request: AuthedRequest, plan: Plan, measure: Measure | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if measure is not None:
        initial = {"action": measure.action_id, "number": measure.number, "title": measure.title}
        initial["description"] = measure.description
    else:
        initial = {"number": Measure.objects.filter(action__plan=plan).count() + 1}
    form = MeasureForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        action = data.pop("action")
        try:
            services.measure_save(actor=request.user, action=action, data=data, measure=measure)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("举措已保存。"))
            return redirect("reform:plan-detail", plan.pk)
    return render(request, "reform/measure_form.html", {"form": form, "plan": plan, "measure": measure})


@require_GET
@login_required
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_or_404(request.user, pk)
    on = _today(request, item.plan)
    state = selectors.item_states([item], on=on)[item.pk]
    reports = list(selectors.item_reports(request.user, item)[:200])
    assignments = list(item.assignments.select_related("unit"))
    return render(
        request,
        "reform/item_detail.html",
        {
            "item": item,
            "plan": item.plan,
            "state": state,
            "on": on,
            "reports": reports,
            "assignments": assignments,
            "can_manage": scope.can(request.user, item.plan, MANAGE),
        },
    )


def _item_data(form: ItemForm, ms: Any, inds: Any) -> services.ItemData:
    c = form.cleaned_data
    milestones = [
        {k: f.cleaned_data.get(k) for k in ("id", "title", "due", "done_on", "delete")}
        for f in ms.forms
        if f.cleaned_data and (f.cleaned_data.get("title") or f.cleaned_data.get("id"))
    ]
    indicators = [
        {k: f.cleaned_data.get(k) for k in ("id", "name", "unit", "baseline", "target", "figure", "unit_org", "delete")}
        for f in inds.forms
        if f.cleaned_data and (f.cleaned_data.get("name") or f.cleaned_data.get("id"))
    ]
    return services.ItemData(
        measure=c["measure"],
        code=c["code"],
        title=c["title"],
        description=c["description"],
        lead_unit=c["lead_unit"],
        co_units=list(c["co_units"]),
        deadline=c["deadline"],
        weight=c["weight"],
        completed_on=c["completed_on"],
        milestones=milestones,
        indicators=indicators,
    )


def _item_form(request: AuthedRequest, plan: Plan, item: Item | None) -> HttpResponse:
    user = request.user
    if item is not None:
        initial: dict[str, Any] = {
            "measure": item.measure_id,
            "code": item.code,
            "title": item.title,
            "description": item.description,
            "lead_unit": item.lead_unit_id,
            "co_units": [a.unit_id for a in item.assignments.all() if not a.is_lead],
            "deadline": item.deadline,
            "weight": item.weight,
            "completed_on": item.completed_on,
        }
        ms_initial = [{"id": m.pk, "title": m.title, "due": m.due, "done_on": m.done_on} for m in item.milestones.all()]
        ind_initial = [
            {
                "id": i.pk,
                "name": i.name,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "figure": i.figure,
                "unit_org": i.unit_org_id,
            }
            for i in item.indicators.all()
        ]
    else:
        n = plan.items.count() + 1
        initial = {"code": f"{plan.year}-{n:02d}", "deadline": dt.date(plan.year, 12, 31), "weight": 1}
        ms_initial, ind_initial = [], []
    data = request.POST or None
    form = ItemForm(data, plan=plan, actor=user, initial=initial)
    ms = MilestoneFormSet(data, prefix="ms", initial=ms_initial)
    inds = IndicatorFormSet(data, prefix="ind", initial=ind_initial, form_kwargs={"actor": user, "plan": plan})
    if request.method == "POST" and form.is_valid() and ms.is_valid() and inds.is_valid():
        try:
            saved = services.item_save(actor=user, plan=plan, data=_item_data(form, ms, inds), item=item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("项目已保存。"))
            return redirect("reform:item-detail", saved.pk)
    return render(request, "reform/item_form.html", {"form": form, "ms": ms, "inds": inds, "plan": plan, "item": item})


@require_http_methods(["GET", "POST"])
@login_required
def item_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = scope.get_or_404(request.user, Plan, MANAGE, pk=pk)
    if not Measure.objects.filter(action__plan=plan).exists():
        messages.info(request, _g("请先添加举措，再添加项目。"))
        return redirect("reform:measure-create", plan.pk)
    return _item_form(request, plan, None)


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_or_404(request.user, pk)
    scope.require(request.user, item.plan, MANAGE)
    return _item_form(request, item.plan, item)


@require_POST
@login_required
def item_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_or_404(request.user, pk)
    return act(
        request,
        lambda: services.item_delete(actor=request.user, item=item),
        done=_g("项目已删除。"),
        back=reverse("reform:plan-detail", args=[item.plan_id]),
        failed_back=reverse("reform:item-detail", args=[item.pk]),
    )
