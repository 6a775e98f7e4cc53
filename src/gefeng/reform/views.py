"""Pages of the responsibility list: plans and items (county office), 本期待报 (units), review,
dashboard, exports and evidence downloads. Thin: selectors read, services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors, services
from gefeng.reform.forms import (
    IndicatorFormSet,
    ItemForm,
    MeasureForm,
    MilestoneFormSet,
    PlanCopyForm,
    PlanCreateForm,
    PlanEditForm,
    ReviewForm,
)
from gefeng.reform.models import Assignment, Evidence, Item, Measure, Notice, Plan, Report, ReportState

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
    if form.is_valid():
        try:
            new = services.plan_copy(actor=request.user, plan=plan, year=form.cleaned_data["year"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _g("已复制为 %(year)s 年计划（草拟中），请调整后发布。") % {"year": new.year})
            return redirect("reform:plan-detail", new.pk)
    else:
        messages.error(request, _g("请填写有效的年度。"))
    return redirect("reform:plan-detail", plan.pk)


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
    return exports.stream_xlsx(f"{plan.year}年重点工作项目", headers, _item_rows(view), sheet_name="责任清单")


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

    return exports.stream_xlsx(f"{plan.year}年成员单位推进情况", headers, rows(), sheet_name="单位推进")


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
    scope.require(request.user, item.plan, MANAGE)
    plan_pk = item.plan_id
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reform:item-detail", item.pk)
    messages.success(request, _g("项目已删除。"))
    return redirect("reform:plan-detail", plan_pk)


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
    try:
        services.report_review(
            actor=request.user,
            report=report,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, _g("已通过。") if report.state == ReportState.ACCEPTED else _g("已退回，单位修改后重新报送。")
        )
    return redirect("reform:report-detail", report.pk)


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
    try:
        services.evidence_delete(actor=request.user, evidence=ev)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _g("已删除材料。"))
    url = (
        reverse("reform:report-due")
        + f"?plan={report.period.plan_id}&unit={report.assignment.unit_id}&period={report.period_id}"
    )
    return redirect(url)


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
