"""Pages of the collective contracts register: the list (with the clock filters the workbench links
to), a new 要约, the contract's page with its clocks and the next step's form, and the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind
from gefeng.rights import clocks, selectors, services
from gefeng.rights.forms import ContractForm
from gefeng.rights.models import Contract, ContractKind, ContractStatus, Coverage, Negotiator, Role, Side
from gefeng.rights.services.common import today
from gefeng.rights.views.common import Step, require_officer, run_step

VIEW, MANAGE = services.VIEW, services.MANAGE

STEPS: dict[str, Step] = {
    "reply": (services.contract_reply, ("reply_on", "reply_text"), ("agrees",), "已登记书面回应。"),
    "negotiator": (services.negotiator_add, ("side", "name", "role", "post", "joined_on"), (), "已添加协商代表。"),
    "recorder": (services.contract_set_recorder, ("recorder",), (), "已指定记录员。"),
    "talk": (services.talk_add, ("held_on", "place", "minutes", "data_provided_on"), (), "已登记协商会议。"),
    "draft": (
        services.contract_draft,
        ("draft_agreed_on", "term_months", "draft_text", "wage_growth_pct", "min_wage", "weekly_hours", "terms_note"),
        (),
        "已登记合同草案。",
    ),
    "vote": (services.contract_vote, ("congress_on", "total", "present", "votes_for", "ref"), (), "已登记职代会表决。"),
    "sign": (services.contract_sign, ("signed_on", "start_on", "witnesses"), (), "已登记签字，请在10日内报送。"),
    "file": (services.contract_file, ("filed_on", "receipt"), (), "已登记报送。"),
    "review": (services.contract_review, ("review_on", "note"), ("passed",), "已登记审查结果。"),
    "deem": (services.contract_deem_effective, (), (), "审查期满无异议，合同已生效。"),
    "publish": (services.contract_publish, ("published_on",), (), "已登记向全体职工公布。"),
    "renew": (services.contract_renew, ("offer_on", "offer_text"), (), "已提出续订要约。"),
}


def _filters(request: AuthedRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("clock", "status", "kind", "q")}


@require_GET
@login_required
def contract_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, VIEW)
    filters = _filters(request)
    page = paginate(request, selectors.contracts(user, filters))
    return render(
        request,
        "rights/contract_list.html",
        {
            "page": page,
            "filters": filters,
            "clocks": selectors.CLOCK_FILTERS,
            "statuses": ContractStatus.choices,
            "kinds": ContractKind.choices,
            "can_manage": selectors.officer(user, MANAGE),
            "today": today(),
        },
    )


@require_GET
@login_required
def contract_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    require_officer(user, VIEW)
    qs = selectors.contracts(user, _filters(request))[: exports.MAX_EXPORT_ROWS]
    headers = [
        "合同名称",
        "签约单位",
        "类型",
        "种类",
        "状态",
        "要约日期",
        "回应期限",
        "签字日期",
        "报送日期",
        "生效日期",
        "终止日期",
        "覆盖企业",
        "覆盖职工",
        "工资增长%",
    ]
    rows = (
        [
            c.title,
            c.org.name,
            c.get_coverage_display(),
            c.get_kind_display(),
            c.get_status_display(),
            c.offer_on,
            c.reply_due,
            c.signed_on,
            c.filed_on,
            c.effective_on,
            c.end_on,
            c.enterprise_count,
            c.employees,
            c.wage_growth_pct,
        ]
        for c in qs.iterator(chunk_size=500)
    )
    return exports.download(
        actor=user, action="rights.contract.exported", filename="集体合同登记", headers=headers, rows=rows
    )


def _units(user, text: str, kinds: tuple[str, ...]) -> list:
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            node = selectors.find_unit(user, line, kinds)
            if node is None:
                raise ValidationError({"covered": [f"找不到“{line.strip()[:40]}”，或不在您的管理范围内。"]})
            out.append(node)
    return out


@require_http_methods(["GET", "POST"])
@login_required
def contract_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, MANAGE)
    own = selectors.units_for(user, (Kind.ENTERPRISE,), limit=2)
    initial = {"offer_on": today(), "unit": own[0].name if len(own) == 1 else ""}
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kinds = (Kind.ENTERPRISE,) if data["coverage"] == Coverage.ENTERPRISE else (Kind.TOWN, Kind.COUNTY)
        org = selectors.find_unit(user, data["unit"], kinds)
        try:
            if org is None:
                raise ValidationError({"unit": ["找不到该签约单位，或不在您的管理范围内。"]})
            contract = services.contract_offer(
                actor=user,
                org=org,
                kind=data["kind"],
                coverage=data["coverage"],
                title=data["title"],
                offer_side=data["offer_side"],
                offer_on=data["offer_on"],
                offer_text=data["offer_text"],
                enterprises=_units(user, data["covered"], (Kind.ENTERPRISE,)),
                employees=data["employees"],
                sector=data["sector"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记要约，对方应在 {contract.reply_due:%Y-%m-%d} 前书面回应。")
            return redirect("rights:contract-detail", pk=contract.pk)
    return render(
        request,
        "rights/form.html",
        {
            "form": form,
            "title": "登记集体协商要约",
            "section": "集体合同",
            "back": reverse("rights:contract-list"),
            "intro": f"对方应在收到要约书之日起20日内书面回应（{clocks.REPLY.article}）；"
            f"区域性、行业性集体合同在县级以下区域内签订（{clocks.REGIONAL_ARTICLE}）。",
        },
    )


@require_GET
@login_required
def contract_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_officer(user, VIEW)
    contract = scope.get_or_404(user, Contract.objects.select_related("org", "previous"), pk=pk)
    day = today()
    negotiators = list(contract.negotiators.all())
    return render(
        request,
        "rights/contract_detail.html",
        {
            "contract": contract,
            "clocks": clocks.present(contract.clocks(), day),
            "worker_side": [n for n in negotiators if n.side == Side.WORKER],
            "employer_side": [n for n in negotiators if n.side == Side.EMPLOYER],
            "team_problems": services.team_problems(contract),
            "talks": list(contract.talks.all()),
            "targets": list(contract.targets.select_related("campaign")[:5]),
            "covered": list(contract.enterprises.order_by("path")[:50]),
            "renewals": list(contract.renewals.order_by("offer_on")[:5]),
            "can_manage": scope.can(user, contract, MANAGE),
            "sides": Side.choices,
            "roles": Role.choices,
            "S": ContractStatus,
            "today": day,
            "deem_due": contract.status == ContractStatus.FILED and contract.review_due and day > contract.review_due,
            "article": {
                "reply": clocks.REPLY.article,
                "team": clocks.SIDE_ARTICLE,
                "vote": clocks.VOTE_ARTICLE,
                "term": clocks.TERM_ARTICLE,
                "filing": clocks.FILING.article,
                "review": clocks.REVIEW.article,
            },
        },
    )


@require_POST
@login_required
def contract_step(request: AuthedRequest, pk: int, step: str) -> HttpResponseBase:
    user = request.user
    contract = scope.get_or_404(user, Contract, MANAGE, pk=pk)
    return run_step(request, STEPS, step, {"contract": contract}, reverse("rights:contract-detail", args=[pk]))


@require_POST
@login_required
def negotiator_leave(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    negotiator = scope.get_or_404(user, Negotiator.objects.select_related("contract"), MANAGE, pk=pk)
    steps: dict[str, Step] = {
        "leave": (services.negotiator_leave, ("left_on",), (), "已登记离任，请在15日内补充代表。")
    }
    back = reverse("rights:contract-detail", args=[negotiator.contract_id])
    return run_step(request, steps, "leave", {"negotiator": negotiator}, back)
