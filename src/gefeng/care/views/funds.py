"""Pages of the aid funds (ledger, credits, budgets, the reconciling export) and the rule table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.care import selectors, services
from gefeng.care.forms import BudgetForm, CreditForm, FundForm, RuleForm
from gefeng.care.models import AidRule, Campaign, Fund
from gefeng.care.views._common import money_columns, post_act
from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

VIEW, MANAGE = services.VIEW, services.MANAGE


@require_GET
@login_required
def fund_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    return render(
        request,
        "care/fund_list.html",
        {"page": paginate(request, selectors.funds(user)), "can_manage": selectors.county_for(user) is not None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def fund_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    county = selectors.county_for(user)
    if county is None:
        raise Http404
    form = FundForm(request.POST or None, initial={"year": dt.date.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=user, org=county, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已新增资金。"))
            return redirect("care:fund-detail", pk=fund.pk)
    return render(
        request, "care/simple_form.html", {"form": form, "title": _g("新增帮扶资金"), "back": reverse("care:fund-list")}
    )


def _fund(user: Any, pk: int, perm: str | None = None) -> Fund:
    return scope.get_or_404(user, Fund, perm, pk=pk)


@require_GET
@login_required
def fund_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    fund = _fund(user, pk)
    can_manage = scope.can(user, fund, MANAGE)
    campaigns = Campaign.objects.filter(org=fund.org).order_by("-year", "name")
    return render(
        request,
        "care/fund_detail.html",
        {
            "fund": fund,
            "page": paginate(request, selectors.ledger(user, fund), default_size=50),
            "check": services.reconcile(fund),
            "budgets": list(fund.budgets.select_related("campaign", "town")[:100]),
            "can_manage": can_manage,
            "credit_form": CreditForm(initial={"entry_on": dt.date.today()}),
            "budget_form": BudgetForm(campaigns=campaigns),
        },
    )


@require_POST
@login_required
def fund_credit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    fund = _fund(user, pk, MANAGE)
    form = CreditForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}

    def do() -> Any:
        if not data:
            raise ValidationError(_g("请填写金额、到账日期和摘要。"))
        return services.fund_credit(actor=user, fund=fund, **data)

    return post_act(request, do, _g("已登记资金拨入。"), reverse("care:fund-detail", args=[fund.pk]))


@require_POST
@login_required
def fund_budget(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    fund = _fund(user, pk, MANAGE)
    form = BudgetForm(request.POST, campaigns=Campaign.objects.filter(org=fund.org))
    data = form.cleaned_data if form.is_valid() else {}

    def do() -> Any:
        if not data:
            raise ValidationError(_g("请选择活动并填写预算。"))
        return services.budget_set(actor=user, fund=fund, campaign=data.get("campaign"), amount=data["amount"])

    return post_act(request, do, _g("已安排预算。"), reverse("care:fund-detail", args=[fund.pk]))


@require_GET
@login_required
def fund_ledger(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The fund's ledger as a workbook: income, spending and the running balance, to the cent."""
    user = request.user
    fund = _fund(user, pk)
    check = services.reconcile(fund)
    return exports.download(
        actor=user,
        action="care.fund.ledger_exported",
        filename=f"{fund}-资金台账",
        headers=selectors.LEDGER_HEADERS,
        rows=selectors.ledger_rows(selectors.ledger(user, fund)),
        sheet_name="资金台账",
        obj=fund,
        changes={"balance": fund.balance, "reconciled": check["ok"]},
        money_columns=money_columns(selectors.LEDGER_HEADERS),
    )


# ---------------------------------------------------------------- the rule table


@require_GET
@login_required
def rule_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    return render(
        request,
        "care/rule_list.html",
        {"rules": list(selectors.rules(user)[:200]), "can_manage": selectors.county_for(user) is not None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def rule_create(request: AuthedRequest) -> HttpResponse:
    return _rule_form(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = scope.get_or_404(request.user, AidRule, MANAGE, pk=pk)
    return _rule_form(request, rule)


def _rule_form(request: AuthedRequest, rule: AidRule | None) -> HttpResponse:
    user = request.user
    county = selectors.county_for(user) if rule is None else rule.org
    if county is None:
        raise Http404
    fields = ("name", "kind", "amount", "cap", "frequency", "filed_only", "note")
    initial = {f: getattr(rule, f) for f in fields} if rule else {"filed_only": True}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=user, org=county, rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存帮扶标准。"))
            return redirect("care:rule-list")
    title = _g("修改帮扶标准") if rule else _g("新增帮扶标准")
    return render(request, "care/simple_form.html", {"form": form, "title": title, "back": reverse("care:rule-list")})
