"""Pages of 名师高徒: the pairs, a pair with its assessments, 出师 and rewards, the agreement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.skills import documents, selectors, services
from gefeng.skills.forms import PairForm
from gefeng.skills.models import Pair, PairStatus
from gefeng.skills.views._common import DOCX, document_response, officials

MANAGE = services.MANAGE


@require_GET
@login_required
def pair_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    status = request.GET.get("status", "")
    status = status if status in PairStatus.values else ""
    page = paginate(request, selectors.pairs(user, status=status))
    return render(
        request,
        "skills/pair_list.html",
        {"page": page, "statuses": PairStatus.choices, "status": status, "root": selectors.manage_root(user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def pair_create(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    if selectors.manage_root(user) is None:
        raise Http404
    form = PairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            master = selectors.member_in_scope(user, data.pop("master"), "master")
            apprentice = selectors.member_in_scope(user, data.pop("apprentice"), "apprentice")
            pair = services.pair_create(actor=user, master=master, apprentice=apprentice, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已结对，可下载师徒协议书。")
            return redirect("skills:pair-detail", pk=pair.pk)
    return render(
        request, "skills/form.html", {"form": form, "title": "新建师徒结对", "back": reverse("skills:pair-list")}
    )


def _pair(user: Any, pk: int, perm: str | None = None) -> Pair:
    return scope.get_or_404(user, Pair.objects.select_related("org", "master", "apprentice"), perm, pk=pk)


@require_GET
@login_required
def pair_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    pair = _pair(user, pk)
    return render(
        request,
        "skills/pair_detail.html",
        {
            "p": pair,
            "can_manage": scope.can(user, pair, MANAGE),
            "assessments": list(pair.assessments.all()),
            "rewards": list(pair.rewards.all()),
            "grounds": services.reward_grounds(pair),
            "history": selectors.master_history(user, pair),
        },
    )


@require_GET
@login_required
def pair_agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    pair = _pair(user, pk)
    return document_response(
        documents.agreement_docx(pair), f"师徒协议书-{pair.master_name}-{pair.apprentice_name}.docx", DOCX
    )


def _act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = officials(request.user)
    pair = _pair(user, pk, MANAGE)
    return actions.act(request, lambda: do(user, pair), done=done, back=reverse("skills:pair-detail", args=[pair.pk]))


@require_POST
@login_required
def pair_assess(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, pair: services.assessment_add(
            actor=u, pair=pair, on=p.get("on"), score=p.get("score"), note=p.get("note", "")
        ),
        "已登记考核。",
    )


@require_POST
@login_required
def pair_finish(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, pair: services.pair_finish(
            actor=u, pair=pair, qualified=p.get("qualified") == "1", result=p.get("result", ""), on=p.get("on")
        ),
        "已登记出师结果。",
    )


@require_POST
@login_required
def pair_reward(request: AuthedRequest, pk: int) -> HttpResponse:
    basis = request.POST.get("basis", "")
    return _act(request, pk, lambda u, pair: services.master_reward(actor=u, pair=pair, basis=basis), "已奖励师傅。")
