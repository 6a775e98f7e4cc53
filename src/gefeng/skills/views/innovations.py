"""Pages of 五小 and rationalisation proposals, the reward table and patents."""

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
from gefeng.skills import selectors, services
from gefeng.skills.forms import PatentForm, ProposalUnionForm
from gefeng.skills.models import Patent, Proposal, ProposalKind, ProposalStatus
from gefeng.skills.views._common import officials

MANAGE = services.MANAGE
FLAGS = ("gov_funded", "gov_rewarded", "secret", "ip_dispute")


def team_of(actor: Any, text: str) -> list[tuple[Any, Any]]:
    """Lines "身份证号 份额" → (member, share), members looked up within the actor's scope."""
    out = []
    for n, line in enumerate((text or "").splitlines()[:20], start=1):
        parts = line.replace("%", " ").replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationError({"team": [f"第 {n} 行应为“身份证号 份额”。"]})
        out.append((selectors.member_in_scope(actor, parts[0], "team"), parts[1]))
    return out


@require_GET
@login_required
def proposal_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in ProposalStatus.values else ""
    kind = g.get("kind", "") if g.get("kind", "") in ProposalKind.values else ""
    county = g.get("county") == "1"
    page = paginate(request, selectors.proposals(user, status=status, kind=kind, county=county))
    return render(
        request,
        "skills/proposal_list.html",
        {
            "page": page,
            "statuses": ProposalStatus.choices,
            "kinds": ProposalKind.choices,
            "status": status,
            "kind": kind,
            "county": county,
            "root": selectors.manage_root(user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_create(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    if selectors.manage_root(user) is None:
        raise Http404
    form = ProposalUnionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposer = selectors.member_in_scope(user, d["proposer"], "proposer")
            item = services.proposal_submit(
                actor=user,
                proposer=proposer,
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                team=team_of(user, d["team"]),
                attachment=d.get("attachment"),
                **{f: d[f] for f in FLAGS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记，待评审委员会评审。")
            return redirect("skills:proposal-detail", pk=item.pk)
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": "登记五小项目", "back": reverse("skills:proposal-list"), "multipart": True},
    )


def _proposal(user: Any, pk: int, perm: str | None = None) -> Proposal:
    return scope.get_or_404(user, Proposal.objects.select_related("org", "proposer"), perm, pk=pk)


@require_GET
@login_required
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    item = _proposal(user, pk)
    return render(
        request,
        "skills/proposal_detail.html",
        {
            "p": item,
            "can_manage": scope.can(user, item, MANAGE),
            "can_review": scope.can(user, item, services.REVIEW),
            "team": list(item.contributors.all()),
            "patents": list(scope.visible(user, Patent).filter(proposal=item)),
            "grades": services.grades_for(item.org),
        },
    )


def _act(request: AuthedRequest, pk: int, do: Any, done: str, perm: str = MANAGE) -> HttpResponse:
    user = officials(request.user)
    item = _proposal(user, pk, perm)
    return actions.act(
        request, lambda: do(user, item), done=done, back=reverse("skills:proposal-detail", args=[item.pk])
    )


@require_POST
@login_required
def proposal_review(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, i: services.proposal_review(
            actor=u,
            proposal=i,
            adopt=p.get("adopt") == "1",
            committee=p.get("committee", ""),
            union_member=p.get("union_member", ""),
            reason=p.get("reason", ""),
        ),
        "已记录评审结果。",
    )


@require_POST
@login_required
def proposal_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    on = request.POST.get("applied_on", "")
    return _act(request, pk, lambda u, i: services.proposal_apply(actor=u, proposal=i, applied_on=on), "已登记实施。")


@require_POST
@login_required
def proposal_benefit(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, i: services.proposal_benefit(
            actor=u,
            proposal=i,
            benefit_yuan=p.get("benefit_yuan", ""),
            benefit_to=p.get("benefit_to", ""),
            finance_confirmed_by=p.get("finance_confirmed_by", ""),
        ),
        "已核定效益。",
    )


@require_POST
@login_required
def proposal_reward(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, i: services.proposal_reward(actor=u, proposal=i), "已评定奖励并按贡献份额分配。")


@require_POST
@login_required
def proposal_paid(request: AuthedRequest, pk: int) -> HttpResponse:
    on = request.POST.get("paid_on", "")
    return _act(request, pk, lambda u, i: services.proposal_mark_paid(actor=u, proposal=i, paid_on=on), "已登记发放。")


@require_POST
@login_required
def proposal_select(request: AuthedRequest, pk: int) -> HttpResponse:
    year = request.POST.get("year", "")
    return _act(
        request,
        pk,
        lambda u, i: services.proposal_select(actor=u, proposal=i, year=year),
        "已评为县级优秀五小成果。",
        services.REVIEW,
    )


@require_http_methods(["GET", "POST"])
@login_required
def grade_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    root = selectors.review_root(user)
    if request.method == "POST":
        if root is None:
            raise Http404
        p = request.POST
        return actions.act(
            request,
            lambda: services.reward_grade_save(
                actor=user, org=root, grade=p.get("grade"), min_benefit=p.get("min_benefit"), amount=p.get("amount")
            ),
            done="已保存奖励等级。",
            back=reverse("skills:grade-list"),
        )
    return render(request, "skills/grade_list.html", {"rows": list(selectors.grades(user)[:100]), "root": root})


@require_GET
@login_required
def patent_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    qs = selectors.patents(user)
    due = request.GET.get("due") == "1"
    if due:
        qs = qs.filter(granted_on__isnull=False, reward_paid_on__isnull=True)
    page = paginate(request, qs)
    for patent in page.rows:
        patent.due = services.reward_due(patent)
        patent.minimum = services.PATENT_MINIMUM.get(patent.kind)
    return render(request, "skills/patent_list.html", {"page": page, "due": due, "root": selectors.manage_root(user)})


@require_http_methods(["GET", "POST"])
@login_required
def patent_create(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    root = selectors.manage_root(user)
    if root is None:
        raise Http404
    form = PatentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.patent_record(actor=user, org=root, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记专利。")
            return redirect("skills:patent-list")
    return render(
        request, "skills/form.html", {"form": form, "title": "登记职工专利", "back": reverse("skills:patent-list")}
    )


def _patent_act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = officials(request.user)
    patent = scope.get_or_404(user, Patent, MANAGE, pk=pk)
    return actions.act(request, lambda: do(user, patent), done=done, back=reverse("skills:patent-list"))


@require_POST
@login_required
def patent_grant(request: AuthedRequest, pk: int) -> HttpResponse:
    on = request.POST.get("granted_on", "")
    return _patent_act(
        request, pk, lambda u, x: services.patent_grant(actor=u, patent=x, granted_on=on), "已登记授权。"
    )


@require_POST
@login_required
def patent_reward(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _patent_act(
        request,
        pk,
        lambda u, x: services.patent_reward(
            actor=u, patent=x, amount=p.get("amount", ""), paid_on=p.get("paid_on", "")
        ),
        "已登记发明人奖金。",
    )


@require_POST
@login_required
def patent_conversion(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _patent_act(
        request,
        pk,
        lambda u, x: services.patent_conversion(
            actor=u, patent=x, income=p.get("income", ""), inventor_share=p.get("inventor_share", "")
        ),
        "已登记成果转化收益。",
    )
