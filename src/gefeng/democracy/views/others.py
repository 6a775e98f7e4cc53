"""The office's pages of 提案, 厂务公开 and the charter and rules."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.democracy import rules, selectors, services
from gefeng.democracy.forms import CATEGORY_CHOICES, DisclosureForm, DocumentForm
from gefeng.democracy.models import Congress, Document, Proposal, ProposalStatus
from gefeng.democracy.views._common import MANAGE, act, office
from gefeng.orgs.models import Kind, OrgNode


@require_GET
@login_required
def proposal_list(request: AuthedRequest) -> HttpResponse:
    user = office(request)
    status = request.GET.get("status", "")
    status = status if status in ProposalStatus.values else ""
    overdue = request.GET.get("overdue") == "1"
    page = paginate(request, selectors.proposals(user, status=status, overdue=overdue))
    return render(
        request,
        "democracy/proposal_list.html",
        {
            "page": page,
            "statuses": ProposalStatus.choices,
            "status": status,
            "overdue": overdue,
            "today": dt.date.today(),
        },
    )


def _proposal(request: AuthedRequest, pk: int, perm: str | None = None) -> Proposal:
    user = office(request)
    qs = Proposal.objects.select_related("congress", "congress__org", "proposer", "meeting")
    return scope.get_or_404(user, qs, perm, pk=pk)


@require_GET
@login_required
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return render(
        request,
        "democracy/proposal_detail.html",
        {
            "p": p,
            "cosigners": list(p.cosigners.all()),
            "can_manage": scope.can(request.user, p, MANAGE),
            "overdue": p.status == "assigned" and p.deadline and p.deadline < dt.date.today(),
        },
    )


def _p_act(request: AuthedRequest, pk: int, do, done: str) -> HttpResponse:
    p = _proposal(request, pk, MANAGE)
    return act(request, lambda: do(request.user, p), done, reverse("democracy:proposal-detail", args=[pk]))


@require_POST
@login_required
def proposal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    register = request.POST.get("decision") == "register"
    reason = request.POST.get("reason", "")
    return _p_act(
        request,
        pk,
        lambda u, p: services.proposal_decide(actor=u, proposal=p, register=register, reason=reason),
        "已立案。" if register else "已转为意见建议。",
    )


@require_POST
@login_required
def proposal_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    d, dl = request.POST.get("department", ""), request.POST.get("deadline", "")
    return _p_act(
        request, pk, lambda u, p: services.proposal_assign(actor=u, proposal=p, department=d, deadline=dl), "已交办。"
    )


@require_POST
@login_required
def proposal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    reply = request.POST.get("reply", "")
    return _p_act(request, pk, lambda u, p: services.proposal_answer(actor=u, proposal=p, reply=reply), "已答复。")


# ---------------------------------------------------------------- 厂务公开


@require_GET
@login_required
def disclosure_list(request: AuthedRequest) -> HttpResponse:
    user = office(request)
    category = request.GET.get("category", "")
    category = category if category in rules.DISCLOSURE_CATEGORIES else ""
    page = paginate(request, selectors.disclosures(user, category=category))
    congress_rows = list(selectors.congresses(user)[:200])
    gaps = selectors.disclosure_gaps(congress_rows)
    gap_rows = [(c, gaps[c.pk]) for c in congress_rows if gaps.get(c.pk)]
    return render(
        request,
        "democracy/disclosure_list.html",
        {
            "page": page,
            "categories": CATEGORY_CHOICES,
            "labels": dict(CATEGORY_CHOICES),
            "category": category,
            "gap_rows": gap_rows,
            "can_publish": scope.has_perm(user, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def disclosure_create(request: AuthedRequest) -> HttpResponse:
    user = office(request)
    scope.require_perm(user, MANAGE)
    orgs = list(scope.permitted(user, OrgNode, MANAGE).filter(kind=Kind.ENTERPRISE).order_by("path")[:500])
    form = DisclosureForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = next((o for o in orgs if str(o.pk) == data.pop("org")), None)
        if org is None:
            raise Http404
        try:
            services.disclosure_publish(actor=user, org=org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已发布，职工可在手机上查看。")
            return redirect("democracy:disclosure-list")
    return render(request, "democracy/disclosure_form.html", {"form": form})


# ---------------------------------------------------------------- charter and rules


@require_http_methods(["GET", "POST"])
@login_required
def document_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = office(request)
    congress = scope.get_or_404(user, Congress, MANAGE, pk=pk)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_create(actor=user, congress=congress, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记。")
            return redirect("democracy:document-detail", pk=doc.pk)
    return render(request, "democracy/document_form.html", {"form": form, "congress": congress})


@require_GET
@login_required
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = office(request)
    doc = scope.get_or_404(user, Document.objects.select_related("congress"), pk=pk)
    versions = list(doc.versions.select_related("motion", "motion__meeting").order_by("-number")[:50])
    pairs = []
    for i, v in enumerate(versions):
        older = versions[i + 1] if i + 1 < len(versions) else None
        pairs.append((v, services.diff_lines(older.text, v.text) if older else []))
    return render(
        request,
        "democracy/document_detail.html",
        {
            "doc": doc,
            "pairs": pairs,
            "flagged": doc in services.statutory_flags(doc.congress),
            "item": rules.STATUTORY_ITEMS.get(doc.statutory_item, ""),
            "source": rules.STATUTORY_SOURCE,
        },
    )
