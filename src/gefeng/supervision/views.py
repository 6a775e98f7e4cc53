"""Pages of 同频聚效: 督办事项, 督导检查, 联席会议, 通报, 年终考评, 试点企业.

Reads go through `supervision.selectors` (within the user's scope), writes through
`supervision.services`; an object outside the user's sight is a 404, one seen without the right
a 403. Files are served only through `attachment_download` and `circular_download`, which check
the same scope as the pages that list them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Assignment, Item, Plan
from gefeng.supervision import scoring, selectors, services
from gefeng.supervision.forms import (
    AdjustmentForm,
    AttachForm,
    CircularForm,
    EvaluationForm,
    InspectionForm,
    MeetingForm,
    NoticeForm,
    PilotForm,
    PlanChoiceForm,
    QualityForm,
    ReasonForm,
    RuleForm,
    TaskAddForm,
    TaskReportForm,
    TaskReviewForm,
)
from gefeng.supervision.models import (
    Adjustment,
    Attachment,
    Circular,
    Evaluation,
    Inspection,
    Meeting,
    PilotEnterprise,
    PilotLevel,
    ScoreRule,
    Task,
    TaskKind,
    TaskState,
    UnitScore,
)

GET_POST = ["GET", "POST"]
MAX_PK = 2**62
UNIT_KINDS = (Kind.MEMBER_UNIT, Kind.TOWN)
UNIT_CHOICES = 300  # member units and towns offered as attendees / visited units


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < MAX_PK else None


def _manager(user: Any) -> bool:
    return scope.has_perm(user, "reform.manage")


def _county_level(user: Any) -> bool:
    """Whether the user sees the county office's own records (meetings, inspections …)."""
    return scope.visible(user, Plan).exists()


def _plan_choice(request: AuthedRequest, plans: QuerySet[Plan]) -> Plan | None:
    """The plan named by ?plan=, else this year's, else the latest (None when there is none)."""
    pk = _int(request.GET.get("plan"))
    if pk:
        plan = plans.filter(pk=pk).first()
        if plan is not None:
            return plan
    today = timezone.localdate()
    return plans.filter(year=today.year).first() or plans.order_by("-year").first()


def _units_for(user: Any) -> QuerySet[OrgNode]:
    """Member units and towns the office may address (attendees, visited units, task owners)."""
    nodes = scope.permitted(user, OrgNode, "reform.manage").filter(kind__in=UNIT_KINDS)
    return nodes.valid_on(timezone.localdate()).order_by("kind", "path")[:UNIT_CHOICES]  # type: ignore[attr-defined]


def _unit_qs(user: Any) -> QuerySet[OrgNode]:
    ids = [u.pk for u in _units_for(user)]
    return OrgNode.objects.filter(pk__in=ids).order_by("kind", "path")


def _search(request: AuthedRequest) -> str:
    """The search term: at most 50 characters, without control characters (PostgreSQL refuses NUL)."""
    text = request.GET.get("q", "")[:50]
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _files(request: AuthedRequest) -> list[Any]:
    return request.FILES.getlist("attachments")


def _xlsx(request: AuthedRequest, filename: str, headers: Any, rows: Any, *, sheet_name: str) -> FileResponse:
    """A bounded list (a year's tasks, the pilots, one evaluation) as an audited xlsx download."""
    return exports.download(
        actor=request.user,
        action="supervision.exported",
        object_type="supervision.export",
        filename=filename,
        headers=headers,
        rows=rows,
        sheet_name=sheet_name,
        changes={"query": request.GET.urlencode()},
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
    try:
        services.task_review(
            actor=user, task=task, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _g("已处理。"))
    return redirect("supervision:task-detail", pk=task.pk)


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


# ---------------------------------------------------------------- inspections


@require_GET
@login_required
def inspection_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    page = paginate(request, selectors.inspections(user).prefetch_related("units"))
    own = None
    if not _county_level(user):
        own = selectors.tasks(user, kind=TaskKind.RECTIFICATION)[:100]
    return render(
        request,
        "supervision/inspection_list.html",
        {"page": page, "own": own, "can_manage": _manager(user)},
    )


@require_http_methods(GET_POST)
@login_required
def inspection_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    plans = selectors.supervisable_plans(user)
    plan_form = PlanChoiceForm(request.POST or None, plans=plans, initial={"plan": _plan_choice(request, plans)})
    form = InspectionForm(request.POST or None, units=_unit_qs(user))
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            inspection = services.inspection_create(
                actor=user, plan=plan_form.cleaned_data["plan"], data=data, units=units
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已登记督导检查，请逐项添加整改事项。"))
            return redirect("supervision:inspection-detail", pk=inspection.pk)
    return render(request, "supervision/inspection_form.html", {"form": form, "plan_form": plan_form})


@require_GET
@login_required
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = scope.get_or_404(user, Inspection.objects.select_related("plan"), pk=pk)
    rectifications = list(selectors.inspection_rectifications(user, inspection))
    today = timezone.localdate()
    for t in rectifications:
        t.overdue = selectors.is_overdue(t, today)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "units": inspection.units.order_by("kind", "path"),
            "rectifications": rectifications,
            "can_manage": scope.can(user, inspection, "reform.manage"),
        },
    )


def _task_add(
    request: AuthedRequest, *, units: QuerySet[OrgNode], plan: Plan, template: str, context: dict[str, Any], add: Any
) -> HttpResponse:
    items = Item.objects.filter(plan=plan).order_by("code")
    form = TaskAddForm(request.POST or None, units=units, items=items)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            task = add(unit=unit, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已添加“%(title)s”。") % {"title": task.title})
            return redirect(request.path)
    return render(request, template, context | {"form": form})


@require_http_methods(GET_POST)
@login_required
def rectification_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = scope.get_or_404(user, Inspection.objects.select_related("plan"), "reform.manage", pk=pk)
    return _task_add(
        request,
        units=inspection.units.order_by("kind", "path"),
        plan=inspection.plan,
        template="supervision/rectification_form.html",
        context={"inspection": inspection, "existing": selectors.inspection_rectifications(user, inspection)},
        add=lambda unit, data: services.rectification_add(actor=user, inspection=inspection, unit=unit, data=data),
    )


# ---------------------------------------------------------------- meetings


@require_GET
@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    page = paginate(request, selectors.meetings(user).prefetch_related("units"))
    own = None
    if not _county_level(user):
        own = list(selectors.tasks(user, kind=TaskKind.DECISION)[:100])
        today = timezone.localdate()
        for t in own:
            t.overdue = selectors.is_overdue(t, today)  # type: ignore[attr-defined]
    return render(request, "supervision/meeting_list.html", {"page": page, "own": own, "can_manage": _manager(user)})


@require_http_methods(GET_POST)
@login_required
def meeting_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    plans = selectors.supervisable_plans(user)
    plan_form = PlanChoiceForm(request.POST or None, plans=plans, initial={"plan": _plan_choice(request, plans)})
    form = MeetingForm(request.POST or None, units=_unit_qs(user))
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            meeting = services.meeting_create(actor=user, plan=plan_form.cleaned_data["plan"], data=data, units=units)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已登记会议，请逐项添加议定事项。"))
            return redirect("supervision:meeting-detail", pk=meeting.pk)
    return render(request, "supervision/meeting_form.html", {"form": form, "plan_form": plan_form, "meeting": None})


@require_http_methods(GET_POST)
@login_required
def meeting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = scope.get_or_404(user, Meeting.objects.select_related("plan"), "reform.manage", pk=pk)
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS} | {"units": list(meeting.units.all())}
    form = MeetingForm(request.POST or None, units=_unit_qs(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            services.meeting_update(actor=user, meeting=meeting, data=data, units=units)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("supervision:meeting-detail", pk=meeting.pk)
    return render(request, "supervision/meeting_form.html", {"form": form, "plan_form": None, "meeting": meeting})


@require_GET
@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = scope.get_or_404(user, Meeting.objects.select_related("plan"), pk=pk)
    decisions = list(selectors.meeting_decisions(user, meeting))
    today = timezone.localdate()
    for t in decisions:
        t.overdue = selectors.is_overdue(t, today)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/meeting_detail.html",
        {
            "meeting": meeting,
            "units": meeting.units.order_by("kind", "path"),
            "decisions": decisions,
            "files": scope.visible(user, Attachment).filter(meeting=meeting),
            "can_manage": scope.can(user, meeting, "reform.manage"),
            "attach_form": AttachForm(),
        },
    )


@require_POST
@login_required
def meeting_attach(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = scope.get_or_404(user, Meeting, "reform.manage", pk=pk)
    try:
        stored = services.meeting_attach(actor=user, meeting=meeting, files=_files(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _g("已上传 %(n)s 个文件。") % {"n": len(stored)})
    return redirect("supervision:meeting-detail", pk=meeting.pk)


@require_http_methods(GET_POST)
@login_required
def decision_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = scope.get_or_404(user, Meeting.objects.select_related("plan"), "reform.manage", pk=pk)
    return _task_add(
        request,
        units=_unit_qs(user),
        plan=meeting.plan,
        template="supervision/decision_form.html",
        context={"meeting": meeting, "existing": selectors.meeting_decisions(user, meeting)},
        add=lambda unit, data: services.decision_add(actor=user, meeting=meeting, unit=unit, data=data),
    )


@require_GET
@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    att = scope.get_or_404(request.user, Attachment, pk=pk)
    try:
        handle = att.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=att.original_name, content_type=att.content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- circulars


@require_GET
@login_required
def circular_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    page = paginate(request, selectors.circulars(user))
    return render(request, "supervision/circular_list.html", {"page": page, "can_manage": _manager(user)})


@require_http_methods(GET_POST)
@login_required
def circular_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    plans = selectors.supervisable_plans(user)
    plan = _plan_choice(request, plans)
    today = timezone.localdate()
    as_of = today if plan is None or plan.year == today.year else dt.date(plan.year, 12, 31)
    initial = {
        "as_of": as_of,
        "issued_on": today,
        "title": _g("关于%(year)s年产业工人队伍建设改革重点工作推进情况的通报")
        % {"year": plan.year if plan else today.year},
        "intro": _g(
            "为推动全县产业工人队伍建设改革各项任务落地见效，"
            "县产改办对各成员单位重点工作项目推进和进展报送情况进行了梳理，现将有关情况通报如下。"
        ),
        "requirements": _g(
            "各成员单位要对照责任清单，倒排工期、压实责任，确保按时保质完成年度任务。\n"
            "进度滞后和报送不及时的单位要认真分析原因，于 10 个工作日内向县产改办书面报告整改措施。"
        ),
    }
    plan_form = PlanChoiceForm(request.POST or None, plans=plans, initial={"plan": plan})
    form = CircularForm(request.POST or None, initial=initial)
    preview = None
    if plan is not None and request.method == "GET":
        preview = services.circular_rows(user, plan, as_of=as_of)
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        try:
            circ = services.circular_create(actor=user, plan=plan_form.cleaned_data["plan"], data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已生成通报 %(number)s。") % {"number": circ.number})
            return redirect("supervision:circular-detail", pk=circ.pk)
    return render(request, "supervision/circular_form.html", {"form": form, "plan_form": plan_form, "preview": preview})


@require_GET
@login_required
def circular_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    circ = scope.get_or_404(request.user, Circular.objects.select_related("plan", "created_by"), pk=pk)
    return render(request, "supervision/circular_detail.html", {"circular": circ})


@require_GET
@login_required
def circular_download(request: AuthedRequest, pk: int) -> FileResponse:
    circ = scope.get_or_404(request.user, Circular, pk=pk)
    try:
        handle = circ.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = f"{circ.number}{circ.title}.docx".replace("/", "-")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- evaluation


@require_GET
@login_required
def evaluation_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    evaluations = list(selectors.evaluations(user)[:50])
    scores = [] if evaluations else list(selectors.own_scores(user)[:50])
    for s in scores:
        s.ranked = selectors.units_ranked(s.evaluation)  # type: ignore[attr-defined]
        s.advanced_names = selectors.advanced_units(s.evaluation)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/evaluation_list.html",
        {"evaluations": evaluations, "scores": scores, "can_manage": _manager(user)},
    )


@require_http_methods(GET_POST)
@login_required
def evaluation_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    plans = selectors.supervisable_plans(user)
    plan = _plan_choice(request, plans)
    year = plan.year if plan else timezone.localdate().year
    initial = {
        "title": _g("%(year)s年度产业工人队伍建设改革工作考评") % {"year": year},
        "as_of": dt.date(year, 12, 31),
        "advanced_count": services.advanced_default(),
    }
    plan_form = PlanChoiceForm(request.POST or None, plans=plans, initial={"plan": plan})
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                actor=user, plan=plan_form.cleaned_data["plan"], data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已建立考评，请核对评分细则后计算得分。"))
            return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    return render(
        request, "supervision/evaluation_form.html", {"form": form, "plan_form": plan_form, "evaluation": None}
    )


def _evaluation(request: AuthedRequest, pk: int, perm: str | None = None) -> Evaluation:
    return scope.get_or_404(request.user, Evaluation.objects.select_related("plan", "finalized_by"), perm, pk=pk)


@require_http_methods(GET_POST)
@login_required
def evaluation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = _evaluation(request, pk, "reform.manage")
    initial = {f: getattr(evaluation, f) for f in services.EVALUATION_FIELDS}
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(actor=user, evaluation=evaluation, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("评分规则已保存，总分和名次已重算。"))
            return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    return render(
        request, "supervision/evaluation_form.html", {"form": form, "plan_form": None, "evaluation": evaluation}
    )


@require_GET
@login_required
def evaluation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = _evaluation(request, pk)
    scores = list(selectors.ranking(user, evaluation))
    chosen = [s for s in scores if s.advanced]
    return render(
        request,
        "supervision/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "scores": scores,
            "chosen": chosen,
            "over": len(chosen) > evaluation.advanced_count,
            "unmarked": sum(1 for s in scores if s.quality is None),
            "rules": evaluation.rules.all(),
            "rule_form": RuleForm(),
            "reopen_form": ReasonForm(),
            "can_manage": scope.can(user, evaluation, "reform.manage"),
        },
    )


def _redirect_errors(request: AuthedRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_POST
@login_required
def evaluation_compute(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    try:
        n = services.evaluation_compute(actor=request.user, evaluation=evaluation)
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(
            request, _g("已按 %(day)s 的数据计算 %(n)s 家单位的得分。") % {"day": evaluation.as_of, "n": n}
        )
    return redirect("supervision:evaluation-detail", pk=evaluation.pk)


@require_POST
@login_required
def evaluation_finalize(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    try:
        chosen = services.evaluation_finalize(actor=request.user, evaluation=evaluation)
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(request, _g("考评已定稿，评出先进单位 %(n)s 家。") % {"n": len(chosen)})
    return redirect("supervision:evaluation-detail", pk=evaluation.pk)


@require_POST
@login_required
def evaluation_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    try:
        services.evaluation_reopen(actor=request.user, evaluation=evaluation, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(request, _g("已撤销定稿。"))
    return redirect("supervision:evaluation-detail", pk=evaluation.pk)


@require_GET
@login_required
def evaluation_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The ranking with every unit's breakdown, or (?only=advanced) the list of advanced units."""
    user = request.user
    evaluation = _evaluation(request, pk)
    qs = selectors.ranking(user, evaluation)
    only = request.GET.get("only") == "advanced"
    if only:
        qs = qs.filter(advanced=True)
        headers = ["序号", "单位", "总分", "名次"]

        def rows():
            for n, s in enumerate(qs.iterator(chunk_size=500), start=1):
                yield (n, s.unit.name, float(s.total), s.rank)

        name = f"{evaluation.plan.year}年度产改先进单位名单"
        return _xlsx(request, name, headers, rows(), sheet_name="先进单位")
    headers = [
        "名次", "单位", "承担项目", "已完成", "完成率", "应报", "按时", "迟报", "未报", "及时率",
        "工作质量", "质量评价说明", "加分", "扣分", "总分", "先进单位",
    ]  # fmt: skip

    def all_rows():
        for s in qs.iterator(chunk_size=500):
            yield (
                s.rank,
                s.unit.name,
                s.items,
                s.items_completed,
                float(s.completion),
                s.reports_due,
                s.reports_on_time,
                s.reports_late,
                s.reports_missing,
                float(s.timeliness),
                float(s.quality) if s.quality is not None else "",
                s.quality_reason,
                float(s.bonus),
                float(s.deduction),
                float(s.total),
                s.advanced,
            )

    return _xlsx(request, f"{evaluation.title}-得分排名", headers, all_rows(), sheet_name="得分排名")


@require_POST
@login_required
def rule_create(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    form = RuleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    try:
        services.rule_add(actor=request.user, evaluation=evaluation, data=form.cleaned_data)
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(request, _g("已添加加减分项目。"))
    return redirect("supervision:evaluation-detail", pk=evaluation.pk)


@require_POST
@login_required
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = scope.get_or_404(request.user, ScoreRule.objects.select_related("evaluation"), "reform.manage", pk=pk)
    try:
        services.rule_delete(actor=request.user, rule=rule)
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(request, _g("已删除。"))
    return redirect("supervision:evaluation-detail", pk=rule.evaluation_id)


def _score(request: AuthedRequest, pk: int, perm: str | None = None) -> UnitScore:
    qs = UnitScore.objects.select_related("evaluation__plan", "unit")
    return scope.get_or_404(request.user, qs, perm, pk=pk)


@require_GET
@login_required
def score_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    score = _score(request, pk)
    evaluation = score.evaluation
    return render(
        request,
        "supervision/score_detail.html",
        {
            "score": score,
            "evaluation": evaluation,
            "adjustments": scope.visible(user, Adjustment).filter(score=score).select_related("rule", "created_by"),
            "ranked": selectors.units_ranked(evaluation),
            "advanced_names": selectors.advanced_units(evaluation),
            "can_manage": scope.can(user, score, "reform.manage") and not evaluation.is_final,
            "sees_evaluation": scope.visible(user, Evaluation).filter(pk=evaluation.pk).exists(),
            "parts": _parts(score),
        },
    )


def _parts(score: UnitScore) -> list[tuple[str, Any, Any, Any]]:
    """(part, measure, weight, points) for the breakdown table."""
    e = score.evaluation
    q = score.quality
    two = scoring.TWO
    completion = (e.weight_completion * score.completion).quantize(two)
    timeliness = (e.weight_timeliness * score.timeliness).quantize(two)
    quality = (e.weight_quality * (q or 0) / 100).quantize(two)
    return [
        (_g("完成率"), f"{score.completion * 100:.1f}%", e.weight_completion, completion),
        (_g("及时率"), f"{score.timeliness * 100:.1f}%", e.weight_timeliness, timeliness),
        (_g("工作质量"), q if q is not None else _g("未评"), e.weight_quality, quality),
    ]


@require_http_methods(GET_POST)
@login_required
def score_quality(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk, "reform.manage")
    form = QualityForm(request.POST or None, initial={"quality": score.quality, "quality_reason": score.quality_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.score_set_quality(
                actor=request.user,
                score=score,
                quality=form.cleaned_data["quality"],
                reason=form.cleaned_data["quality_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存工作质量得分。"))
            return redirect("supervision:score-detail", pk=score.pk)
    return render(request, "supervision/score_form.html", {"score": score, "form": form, "what": _g("工作质量评分")})


@require_http_methods(GET_POST)
@login_required
def score_adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk, "reform.manage")
    form = AdjustmentForm(request.POST or None, rules=score.evaluation.rules.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.adjustment_add(
                actor=request.user,
                score=score,
                rule=form.cleaned_data["rule"],
                times=form.cleaned_data["times"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已记录加减分。"))
            return redirect("supervision:score-detail", pk=score.pk)
    return render(request, "supervision/score_form.html", {"score": score, "form": form, "what": _g("加分 / 扣分")})


@require_POST
@login_required
def adjustment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    qs = Adjustment.objects.select_related("score__evaluation", "rule")
    adj = scope.get_or_404(request.user, qs, "reform.manage", pk=pk)
    try:
        services.adjustment_delete(actor=request.user, adjustment=adj)
    except ValidationError as exc:
        _redirect_errors(request, exc)
    else:
        messages.success(request, _g("已删除该条加减分。"))
    return redirect("supervision:score-detail", pk=adj.score_id)


# ---------------------------------------------------------------- pilot enterprises


@require_GET
@login_required
def pilot_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    q = _search(request)
    level = request.GET.get("level", "")
    level = level if level in PilotLevel.values else ""
    page = paginate(request, selectors.pilots(user, q=q, level=level, active=request.GET.get("active", "")))
    return render(
        request,
        "supervision/pilot_list.html",
        {"page": page, "q": q, "level": level, "levels": PilotLevel.choices, "can_manage": _manager(user)},
    )


@require_GET
@login_required
def pilot_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    scope.require_perm(user, "reform.view")
    qs = selectors.pilots(user, q=_search(request), level=request.GET.get("level", ""))
    headers = ["企业", "所在镇街", "试点级别", "确定日期", "在册", "改革举措", "工作成效", "关联项目"]

    def rows():
        for p in qs.prefetch_related("items").iterator(chunk_size=500):
            yield (
                p.enterprise.name,
                p.enterprise.parent.name if p.enterprise.parent else "",
                p.get_level_display(),
                p.designated_on,
                p.active,
                p.measures,
                p.results,
                "、".join(i.code for i in p.items.all()),
            )

    return _xlsx(request, f"试点企业-{timezone.localdate():%Y%m%d}", headers, rows(), sheet_name="试点企业")


def _pilot_items(user: Any) -> QuerySet[Item]:
    plans = selectors.visible_plans(user)[:3]
    return Item.objects.filter(plan__in=[p.pk for p in plans]).select_related("plan").order_by("-plan__year", "code")


def _find_enterprise(user: Any, text: str) -> tuple[OrgNode | None, str]:
    text = text.strip()
    if not text:
        return None, _g("请填写企业名称或统一社会信用代码。")
    nodes = scope.permitted(user, OrgNode, "reform.manage").filter(kind=Kind.ENTERPRISE)
    found = list(nodes.filter(Q(code=text.upper()) | Q(name=text) | Q(short_name=text))[:2])
    if not found:
        return None, _g("没有找到“%(text)s”，请填写企业全称、简称或统一社会信用代码。") % {"text": text}
    if len(found) > 1:
        return None, _g("“%(text)s”对应多家企业，请填写全称或统一社会信用代码。") % {"text": text}
    return found[0], ""


@require_http_methods(GET_POST)
@login_required
def pilot_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    form = PilotForm(request.POST or None, items=_pilot_items(user), initial={"designated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise, problem = _find_enterprise(user, data.pop("enterprise"))
        if problem:
            form.add_error("enterprise", problem)
        else:
            items = data.pop("items")
            try:
                pilot = services.pilot_create(actor=user, enterprise=enterprise, data=data, items=items)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _g("已登记试点企业。"))
                return redirect("supervision:pilot-detail", pk=pilot.pk)
    return render(request, "supervision/pilot_form.html", {"form": form, "pilot": None})


@require_GET
@login_required
def pilot_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    pilot = scope.get_or_404(user, PilotEnterprise.objects.select_related("enterprise__parent"), pk=pk)
    items = list(pilot.items.select_related("plan", "lead_unit").order_by("-plan__year", "code"))
    visible_items = (
        set(reform_selectors.items_visible(user, items[0].plan).values_list("pk", flat=True)) if items else set()
    )
    for i in items:
        i.linkable = i.pk in visible_items  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/pilot_detail.html",
        {
            "pilot": pilot,
            "items": items,
            "can_edit": scope.can(user, pilot, "reform.manage") or scope.can(user, pilot, "reform.report"),
        },
    )


@require_http_methods(GET_POST)
@login_required
def pilot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    pilot = scope.get_or_404(user, PilotEnterprise.objects.select_related("enterprise"), pk=pk)
    manage = scope.can(user, pilot, "reform.manage")
    if not manage:
        scope.require(user, pilot, "reform.report")
    initial = {f: getattr(pilot, f) for f in services.PILOT_FIELDS} | {"items": list(pilot.items.all())}
    form = PilotForm(request.POST or None, items=_pilot_items(user), editing=True, manage=manage, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items", None)
        try:
            services.pilot_update(actor=user, pilot=pilot, data=data, items=items)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("supervision:pilot-detail", pk=pilot.pk)
    return render(request, "supervision/pilot_form.html", {"form": form, "pilot": pilot})
