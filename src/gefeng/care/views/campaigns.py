"""Pages of the campaigns: plan, roster (proposed by towns and enterprises, approved by the
county), delivery per person, 春送岗位 job offers, totals by town, group and fund."""

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
from gefeng.care.forms import CampaignForm, DeliverForm, OfferForm, RosterAddForm
from gefeng.care.models import AidRule, Campaign, CampaignKind, EntryStatus, Fund, RosterEntry
from gefeng.care.views._common import post_act
from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

VIEW, MANAGE, PROPOSE = services.VIEW, services.MANAGE, services.PROPOSE


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    return render(
        request,
        "care/campaign_list.html",
        {"page": paginate(request, selectors.campaigns(user)), "can_manage": selectors.county_for(user) is not None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    county = selectors.county_for(user)
    if county is None:
        raise Http404
    form = CampaignForm(request.POST or None, rules=AidRule.objects.filter(org=county, active=True))
    if request.method == "POST" and form.is_valid():
        try:
            c = services.campaign_create(actor=user, org=county, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已新建活动，请在“帮扶资金”中为其安排预算。"))
            return redirect("care:campaign-detail", pk=c.pk)
    return render(
        request,
        "care/simple_form.html",
        {"form": form, "title": _g("新建关爱活动"), "back": reverse("care:campaign-list")},
    )


def _campaign(user: Any, pk: int) -> Campaign:
    c = selectors.campaigns(user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


def _funds(c: Campaign) -> Any:
    return Fund.objects.filter(budgets__campaign=c).distinct().order_by("name")


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _campaign(user, pk)
    status = request.GET.get("status", "")
    manage = scope.can(user, c, MANAGE)
    return render(
        request,
        "care/campaign_detail.html",
        {
            "c": c,
            "page": paginate(
                request,
                selectors.roster(user, c, status=status if status in EntryStatus.values else ""),
                default_size=50,
            ),
            "statuses": EntryStatus.choices,
            "status": status,
            "totals": services.totals(c) if manage or scope.can(user, c, VIEW) else None,
            "offers": list(c.offers.all()[:100]),
            "can_manage": manage,
            "can_propose": scope.has_perm_beyond_self(user, PROPOSE) and user.org is not None,
            "deliver_form": DeliverForm(funds=_funds(c), initial={"given_on": min(dt.date.today(), c.ends_on)}),
            "offer_form": OfferForm(),
            "is_spring": c.kind == CampaignKind.SPRING,
        },
    )


@require_POST
@login_required
def campaign_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    """Propose the filed households (or their students) of the officer's own unit."""
    user = request.user
    c = _campaign(user, pk)
    if not scope.has_perm_beyond_self(user, PROPOSE) or user.org is None:
        raise Http404
    return post_act(
        request,
        lambda: services.roster_from_files(actor=user, campaign=c, org=user.org),
        _g("已从困难职工档案报送名单。"),
        reverse("care:campaign-detail", args=[c.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def roster_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _campaign(user, pk)
    if not scope.has_perm_beyond_self(user, PROPOSE) or user.org is None:
        raise Http404
    form = RosterAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_add(actor=user, campaign=c, org=user.org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已报送。"))
            return redirect("care:campaign-detail", pk=c.pk)
    return render(
        request,
        "care/simple_form.html",
        {
            "form": form,
            "title": _g("报送活动对象") + f" · {c.name}",
            "back": reverse("care:campaign-detail", args=[c.pk]),
        },
    )


def _managed(user: Any, pk: int) -> Campaign:
    return scope.get_or_404(user, Campaign, MANAGE, pk=pk)


@require_POST
@login_required
def campaign_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve (or refuse) the proposed entries ticked, or all proposed ones."""
    user = request.user
    c = _managed(user, pk)
    ids = [int(x) for x in request.POST.getlist("entries") if x.isdigit() and len(x) < 12]
    qs = selectors.roster(user, c, status=EntryStatus.PROPOSED)
    rows = list(qs.filter(pk__in=ids) if ids else qs[:5000])
    approve = request.POST.get("decision", "approve") != "reject"
    return post_act(
        request,
        lambda: services.roster_decide(actor=user, campaign=c, entries=rows, approve=approve),
        _g("已审核名单。"),
        reverse("care:campaign-detail", args=[c.pk]),
    )


@require_POST
@login_required
def campaign_start(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _managed(user, pk)
    return post_act(
        request,
        lambda: services.campaign_start(actor=user, campaign=c),
        _g("活动开始发放。"),
        reverse("care:campaign-detail", args=[c.pk]),
    )


@require_POST
@login_required
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _managed(user, pk)
    return post_act(
        request,
        lambda: services.campaign_close(actor=user, campaign=c),
        _g("活动已结束。"),
        reverse("care:campaign-detail", args=[c.pk]),
    )


@require_POST
@login_required
def roster_deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = scope.get_or_404(user, RosterEntry.objects.select_related("campaign"), PROPOSE, pk=pk)
    form = DeliverForm(request.POST, request.FILES, funds=_funds(entry.campaign))
    data = form.cleaned_data if form.is_valid() else {}

    def do() -> Any:
        if not data:
            raise ValidationError(_g("请填写发放日期和发放人。"))
        return services.deliver(actor=user, entry=entry, **data)

    return post_act(request, do, _g("已登记发放。"), reverse("care:campaign-detail", args=[entry.campaign_id]))


@require_POST
@login_required
def offer_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    c = _managed(user, pk)
    form = OfferForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}

    def do() -> Any:
        if not data:
            raise ValidationError(_g("请填写用人单位、岗位和人数。"))
        return services.offer_save(actor=user, campaign=c, **data)

    return post_act(request, do, _g("已登记岗位信息。"), reverse("care:campaign-detail", args=[c.pk]))


TOTAL_HEADERS = ("分类", "项目", "金额（元）", "人次")


@require_GET
@login_required
def campaign_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    c = scope.get_or_404(user, Campaign, VIEW, pk=pk)
    t = services.totals(c)
    rows: list[list[Any]] = [["合计", c.name, t["yuan"], t["times"]]]
    for part, label in (("by_town", "镇街"), ("by_group", "对象类别"), ("by_fund", "资金")):
        rows += [[label, r["label"], r["yuan"], r["times"]] for r in t[part]]
    return exports.download(
        actor=user,
        action="care.campaign.exported",
        filename=f"{c.name}-汇总",
        headers=TOTAL_HEADERS,
        rows=rows,
        sheet_name="汇总",
        obj=c,
        money_columns=[2],
    )
