"""Pages of 通报: list, issue, read, download the .docx."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.supervision import selectors, services
from gefeng.supervision.forms import (
    CircularForm,
    PlanChoiceForm,
)
from gefeng.supervision.models import (
    Circular,
)
from gefeng.supervision.views._common import (
    GET_POST,
    _manager,
    _plan_choice,
)

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
