"""Pages of dispute mediation: cases (list, new, page with clocks and the next step, agreement
.docx, revealing the phone), mediation committees, and the early-warning register.

A case page is case data: only for the roles handling it (`rights.cases`), and every opening is
written to the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, audit, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind
from gefeng.rights import clocks, conf, documents, selectors, services
from gefeng.rights.forms import CaseForm, CommitteeForm, WarningForm
from gefeng.rights.models import Case, CaseStatus, Committee, CommitteeLevel, EarlyWarning, LimitationKind, MemberSide
from gefeng.rights.services.common import today
from gefeng.rights.views.common import Step, require_officer, run_step

CASES, REVEAL = services.CASES, services.REVEAL

CASE_STEPS: dict[str, Step] = {
    "session": (services.session_add, ("held_on", "mediator", "notes"), (), "已登记调解记录。"),
    "agree": (
        services.case_agree,
        ("closed_on", "agreement_text", "amount", "recovered"),
        ("signed_by_parties", "signed_by_mediator", "sealed"),
        "已登记调解协议。",
    ),
    "fail": (services.case_fail, ("closed_on", "reason"), (), "已登记调解不成，可转仲裁。"),
    "limitation": (services.limitation_add, ("kind", "on", "note"), (), "已登记，仲裁时效已重新计算。"),
    "refer": (services.case_refer, ("referred_on", "arb_case_no"), (), "已转劳动人事争议仲裁委员会。"),
    "accept": (services.case_accept, ("accepted_on", "hearing_on", "arb_case_no"), (), "已登记仲裁受理。"),
    "extend": (services.case_extend, ("days",), (), "已延长审理期限。"),
    "award": (services.case_award, ("award_on", "amount", "note", "recovered"), (), "已登记裁决。"),
    "withdraw": (services.case_withdraw, ("on",), (), "已登记撤回。"),
}


def _case(request: AuthedRequest, pk: int, perm: str | None = None) -> Case:
    require_officer(request.user, CASES)
    return scope.get_or_404(request.user, Case.objects.select_related("org", "committee"), perm, pk=pk)


@require_GET
@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    filters = {k: request.GET.get(k, "") for k in ("state", "status", "group")}
    page = paginate(request, selectors.cases(user, filters))
    return render(
        request,
        "rights/case_list.html",
        {
            "page": page,
            "filters": filters,
            "states": selectors.CASE_FILTERS,
            "statuses": CaseStatus.choices,
            "today": today(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    own = selectors.units_for(user, (Kind.ENTERPRISE,), perm=CASES, limit=2)
    form = CaseForm(request.POST or None, initial={"applied_on": today(), "unit": own[0].name if len(own) == 1 else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.find_unit(user, data.pop("unit"), (Kind.ENTERPRISE, Kind.TOWN), perm=CASES)
        kind, amount = data.pop("claim_kind"), data.pop("claim_amount")
        try:
            if org is None:
                raise ValidationError({"unit": ["找不到该用人单位，或不在您的管理范围内。"]})
            case = services.case_apply(actor=user, org=org, claims=[(kind, amount or 0)], **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已受理调解申请 {case.number}，应在 {case.mediation_due:%Y-%m-%d} 前调解结束。")
            return redirect("rights:case-detail", pk=case.pk)
    return render(
        request,
        "rights/form.html",
        {
            "form": form,
            "title": "受理调解申请",
            "section": "劳动争议调解",
            "back": reverse("rights:case-list"),
            "intro": f"调解期限15日（{clocks.MEDIATION.article}）；"
            f"{clocks.GROUP_MIN}人以上有共同请求的为集体争议，应推举代表（{clocks.GROUP_ARTICLE}）。",
        },
    )


@require_GET
@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = _case(request, pk)
    audit.record(actor=user, action="rights.case.viewed", obj=case)
    day = today()
    return render(
        request,
        "rights/case_detail.html",
        {
            "case": case,
            "clocks": clocks.present(services.case_clocks(case), day),
            "claims": list(case.claims.all()),
            "sessions": list(case.sessions.all()),
            "events": list(case.limitation_events.all()),
            "committees": selectors.committees_for(user, case) if case.status in (CaseStatus.APPLIED,) else [],
            "can_handle": scope.can(user, case, CASES),
            "can_reveal": scope.can(user, case, REVEAL),
            "S": CaseStatus,
            "limitation_kinds": LimitationKind.choices,
            "final_limit": clocks.final_award_limit(conf.get("RIGHTS_MINIMUM_WAGE_MONTHLY")),
            "today": day,
            "article": {
                "mediation": clocks.MEDIATION.article,
                "agreement": clocks.AGREEMENT_ARTICLE,
                "award": clocks.AWARD.article,
                "final": clocks.FINAL_ARTICLE,
                "group": clocks.GROUP_ARTICLE,
            },
        },
    )


@require_POST
@login_required
def case_step(request: AuthedRequest, pk: int, step: str) -> HttpResponseBase:
    case = _case(request, pk, CASES)
    return run_step(request, CASE_STEPS, step, {"case": case}, reverse("rights:case-detail", args=[pk]))


@require_POST
@login_required
def case_assign(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    case = _case(request, pk, CASES)
    back = reverse("rights:case-detail", args=[pk])

    def do():
        raw = request.POST.get("committee", "")
        found = scope.permitted(user, Committee, CASES).filter(pk=int(raw)).first() if raw.isdigit() else None
        if found is None:
            raise ValidationError({"committee": ["请选择有效的调解组织。"]})
        return services.case_assign(actor=user, case=case, committee=found)

    return actions.act(request, do, done="已指定调解组织，开始调解。", back=back)


@require_POST
@login_required
def case_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, REVEAL)
    phone = services.case_reveal_phone(actor=request.user, case=case)
    messages.info(request, f"{case.applicant_name}的联系电话：{phone or '未登记'}（本次查看已记录）")
    return redirect("rights:case-detail", pk=pk)


@require_GET
@login_required
def case_agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if case.status != CaseStatus.AGREED:
        messages.error(request, "案件尚未调解成功，没有调解协议书。")
        return redirect("rights:case-detail", pk=pk)
    audit.record(actor=request.user, action="rights.case.agreement", obj=case)
    response = HttpResponse(documents.agreement_docx(case), content_type=documents.DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"调解协议书{case.number}.docx") or "attachment"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- committees


@require_GET
@login_required
def committee_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    page = paginate(request, selectors.committees(user))
    return render(request, "rights/committee_list.html", {"page": page, "article": clocks.COMMITTEE_ARTICLE})


@require_http_methods(["GET", "POST"])
@login_required
def committee_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    own = selectors.units_for(user, (Kind.ENTERPRISE,), perm=CASES, limit=2)
    initial = {"unit": own[0].name if len(own) == 1 else "", "level": CommitteeLevel.ENTERPRISE}
    form = CommitteeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.find_unit(user, data.pop("unit"), (Kind.ENTERPRISE, Kind.TOWN, Kind.COUNTY), perm=CASES)
        try:
            if org is None:
                raise ValidationError({"unit": ["找不到该单位，或不在您的管理范围内。"]})
            committee = services.committee_create(actor=user, org=org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记调解委员会，请添加委员。")
            return redirect("rights:committee-detail", pk=committee.pk)
    return render(
        request,
        "rights/form.html",
        {
            "form": form,
            "title": "登记调解委员会",
            "section": "调解组织",
            "back": reverse("rights:committee-list"),
            "intro": "企业劳动争议调解委员会由职工代表和企业代表组成，主任由工会成员或双方推举的人员担任"
            f"（{clocks.COMMITTEE_ARTICLE}）。",
        },
    )


@require_GET
@login_required
def committee_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    committee = scope.get_or_404(user, Committee.objects.select_related("org"), pk=pk)
    return render(
        request,
        "rights/committee_detail.html",
        {
            "committee": committee,
            "members": list(committee.members.all()),
            "sides": MemberSide.choices,
            "can_handle": scope.can(user, committee, CASES),
            "article": clocks.COMMITTEE_ARTICLE,
        },
    )


@require_POST
@login_required
def committee_member_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    require_officer(user, CASES)
    committee = scope.get_or_404(user, Committee, CASES, pk=pk)
    steps: dict[str, Step] = {
        "add": (services.committee_member_add, ("name", "side"), ("union_member", "elected", "chair"), "已添加委员。")
    }
    return run_step(request, steps, "add", {"committee": committee}, reverse("rights:committee-detail", args=[pk]))


# ---------------------------------------------------------------- early warnings


@require_GET
@login_required
def warning_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    filters = {"state": request.GET.get("state", "")}
    page = paginate(request, selectors.warnings(user, filters))
    return render(request, "rights/warning_list.html", {"page": page, "filters": filters})


@require_http_methods(["GET", "POST"])
@login_required
def warning_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CASES)
    form = WarningForm(request.POST or None, initial={"reported_on": today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.find_unit(user, data.pop("unit"), (Kind.ENTERPRISE,), perm=CASES)
        try:
            if org is None:
                raise ValidationError({"unit": ["找不到该企业，或不在您的管理范围内。"]})
            services.warning_create(actor=user, org=org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记风险预警。")
            return redirect("rights:warning-list")
    return render(
        request,
        "rights/form.html",
        {"form": form, "title": "登记风险预警", "section": "风险预警", "back": reverse("rights:warning-list")},
    )


@require_POST
@login_required
def warning_handle(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    require_officer(user, CASES)
    warning = scope.get_or_404(user, EarlyWarning, CASES, pk=pk)
    steps: dict[str, Step] = {"handle": (services.warning_handle, ("handling", "handled_on"), (), "已登记处置情况。")}
    return run_step(request, steps, "handle", {"warning": warning}, reverse("rights:warning-list"))
