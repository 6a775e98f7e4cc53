"""Pages of 督办事项: the task list and export, a task's page, report, review, new notices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Assignment
from gefeng.supervision import selectors, services
from gefeng.supervision.forms import (
    NoticeForm,
    TaskReportForm,
    TaskReviewForm,
)
from gefeng.supervision.models import (
    Task,
    TaskKind,
    TaskState,
)
from gefeng.supervision.views._common import (
    GET_POST,
    _files,
    _int,
    _manager,
    _plan_choice,
    _search,
    _xlsx,
)

# ---------------------------------------------------------------- tasks


@require_GET
@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    q = _search(request)
    qs = selectors.tasks(user, kind=kind, state=state, q=q)
    page = paginate(request, qs)
    today = timezone.localdate()
    for t in page.rows:
        t.overdue = selectors.is_overdue(t, today)
    return render(
        request,
        "supervision/task_list.html",
        {
            "page": page,
            "kind": kind,
            "state": state,
            "q": q,
            "kinds": TaskKind.choices,
            "counts": selectors.task_counts(user),
            "can_manage": _manager(user),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@login_required
def task_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    scope.require_perm(user, "reform.view")
    qs = selectors.tasks(user, kind=request.GET.get("kind", ""), state=request.GET.get("state", ""), q=_search(request))
    today = timezone.localdate()
    headers = [
        "类别",
        "编号",
        "事项",
        "责任单位",
        "关联项目",
        "下达日期",
        "办理时限",
        "状态",
        "逾期",
        "回复时间",
        "逾期回复",
        "回复 / 办结情况",
    ]

    def rows():
        for t in qs.iterator(chunk_size=2000):
            yield (
                t.get_kind_display(),
                t.number,
                t.title,
                t.unit.name,
                t.item.code if t.item else "",
                t.issued_on,
                t.deadline,
                str(t.state_label),
                selectors.is_overdue(t, today),
                t.submitted_at,
                t.submitted_late,
                t.reply,
            )

    return _xlsx(request, f"督办事项-{today:%Y%m%d}", headers, rows(), sheet_name="督办事项")


def _task(request: AuthedRequest, pk: int, perm: str | None = None) -> Task:
    qs = Task.objects.select_related("unit", "item", "plan", "meeting", "inspection", "issued_by")
    return scope.get_or_404(request.user, qs, perm, pk=pk)


@require_GET
@login_required
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(request, pk)
    can_report = scope.can(user, task, "reform.report") and task.state == TaskState.OPEN
    can_review = scope.can(user, task, "reform.manage") and task.is_live
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "history": selectors.task_history(user, task),
            "overdue": selectors.is_overdue(task),
            "can_report": can_report,
            "can_review": can_review,
            "review_form": TaskReviewForm(),
            "item_visible": task.item is not None and scope.visible(user, Assignment).filter(item=task.item).exists(),
        },
    )


@require_http_methods(GET_POST)
@login_required
def task_report(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(request, pk, "reform.report")
    form = TaskReportForm(request.POST or None, request.FILES or None)
    if task.kind == TaskKind.NOTICE:
        form.fields["text"].label = _g("回复内容")
    if request.method == "POST" and form.is_valid():
        try:
            services.task_report(
                actor=user,
                task=task,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                files=_files(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已报送。"))
            return redirect("supervision:task-detail", pk=task.pk)
    return render(request, "supervision/task_report.html", {"task": task, "form": form})


@require_POST
@login_required
def task_review(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(request, pk, "reform.manage")
    form = TaskReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请选择核验结果。"))
        return redirect("supervision:task-detail", pk=task.pk)
    return act(
        request,
        lambda: services.task_review(
            actor=user, task=task, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"]
        ),
        done=_g("已处理。"),
        back=reverse("supervision:task-detail", kwargs={"pk": task.pk}),
    )


@require_http_methods(GET_POST)
@login_required
def notice_create(request: AuthedRequest) -> HttpResponse:
    """Without ?assignment: the candidates (lagging or overdue items); with it: the notice form."""
    user = request.user
    scope.require_perm(user, "reform.manage")
    today = timezone.localdate()
    assignment_pk = _int(request.GET.get("assignment") or request.POST.get("assignment"))
    if not assignment_pk:
        plans = selectors.supervisable_plans(user)
        plan = _plan_choice(request, plans)
        candidates = services.notice_candidates(user, plan, on=today) if plan else []
        return render(
            request,
            "supervision/notice_candidates.html",
            {
                "plan": plan,
                "plans": plans,
                "candidates": [(a, reform_selectors.STATUS_LABELS[s], s) for a, s in candidates],
                "today": today,
            },
        )
    qs = Assignment.objects.select_related("item__plan", "unit")
    assignment = scope.get_or_404(user, qs, "reform.manage", pk=assignment_pk)
    status = reform_selectors.item_status(assignment.item, on=today)
    initial = {
        "deadline": today + dt.timedelta(days=7),
        "content": _g("请于回复时限前书面说明“%(title)s”滞后的原因、采取的措施和完成时间。")
        % {"title": assignment.item.title},
    }
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.notice_issue(
                actor=user,
                assignment=assignment,
                content=form.cleaned_data["content"],
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已下达督办通知 %(number)s。") % {"number": task.number})
            return redirect("supervision:task-detail", pk=task.pk)
    return render(
        request,
        "supervision/notice_form.html",
        {"assignment": assignment, "status": reform_selectors.STATUS_LABELS[status], "form": form},
    )
