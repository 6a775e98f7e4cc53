"""Pages of 督导检查 and 联席会议: inspections with their rectifications, meetings with their decisions and files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
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
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import Item, Plan
from gefeng.supervision import selectors, services
from gefeng.supervision.forms import (
    AttachForm,
    InspectionForm,
    MeetingForm,
    PlanChoiceForm,
    TaskAddForm,
)
from gefeng.supervision.models import (
    Attachment,
    Inspection,
    Meeting,
    TaskKind,
)
from gefeng.supervision.views._common import (
    GET_POST,
    _county_level,
    _files,
    _manager,
    _plan_choice,
    _unit_qs,
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
    return act(
        request,
        lambda: services.meeting_attach(actor=user, meeting=meeting, files=_files(request)),
        done=lambda stored: _g("已上传 %(n)s 个文件。") % {"n": len(stored)},
        back=reverse("supervision:meeting-detail", kwargs={"pk": meeting.pk}),
    )


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
