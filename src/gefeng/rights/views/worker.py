"""The worker's 维权 pages in the phone shell: ask for legal consultation, apply for mediation,
and see the state of one's own requests (本人 only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gefeng.core import menu, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.rights import clocks, selectors, services
from gefeng.rights.forms import WorkerConsultForm, WorkerMediationForm
from gefeng.workers import selectors as worker_selectors


def _worker(request: AuthedRequest):
    user = request.user
    if not (scope.has_perm(user, "self.view") and scope.has_perm(user, "rights.consult") and menu.self_only(user)):
        raise PermissionDenied
    return user


@require_GET
@login_required
def my_rights(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    return render(
        request,
        "rights/worker_home.html",
        {
            "tab": "services",
            "own": selectors.own_requests(user),
            "bound": worker_selectors.own_member(user) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def worker_consult(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    if worker_selectors.own_member(user) is None:
        messages.info(request, "请先完成实名绑定。")
        return redirect("workers:bind")
    form = WorkerConsultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_consult(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "咨询已提交，县总工会法工部会尽快答复。")
            return redirect("rights:my")
    return render(request, "rights/worker_consult.html", {"tab": "services", "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def worker_mediation(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = worker_selectors.own_member(user)
    if member is None:
        messages.info(request, "请先完成实名绑定。")
        return redirect("workers:bind")
    form = WorkerMediationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.worker_mediation(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"调解申请已提交（{case.number}），调解组织应在 {case.mediation_due:%Y-%m-%d} 前调解结束。"
            )
            return redirect("rights:my")
    return render(
        request,
        "rights/worker_mediation.html",
        {
            "tab": "services",
            "form": form,
            "member": member,
            "days": clocks.MEDIATION.days,
            "article": clocks.MEDIATION.article,
        },
    )
