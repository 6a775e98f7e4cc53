"""A campaign's setup (活动页“设置”): awards and quotas, the quota allocation, the eligibility rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.types import AuthedRequest
from gefeng.honours import services
from gefeng.honours.forms import (
    AllocationForm,
    AwardForm,
    RuleForm,
)
from gefeng.honours.models import (
    Award,
    Rule,
)
from gefeng.honours.views._common import (
    allocation_orgs,
    campaign_url,
    find_campaign,
)
from gefeng.orgs.models import OrgNode


@require_POST
@login_required
def award_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk, "honours.manage")
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("奖项信息不完整：请填写荣誉类别、名称和名额（正整数）。"))
        return redirect(campaign_url(campaign, "setup"))
    return act(
        request,
        lambda: services.award_save(actor=request.user, campaign=campaign, **form.cleaned_data),
        done=_("已添加奖项。"),
        back=campaign_url(campaign, "setup"),
    )


@require_POST
@login_required
def allocation_set(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    awards = [(a.pk, a.title) for a in campaign.awards.all()]
    form = AllocationForm(request.POST, awards=awards, orgs=allocation_orgs(campaign))
    if not form.is_valid():
        messages.error(request, _("名额分配不完整：请选择奖项、单位并填写名额。"))
        return redirect(campaign_url(campaign, "setup"))
    award = Award.objects.get(pk=form.cleaned_data["award"], campaign=campaign)
    org = OrgNode.objects.get(pk=form.cleaned_data["org"])
    return act(
        request,
        lambda: services.allocation_set(
            actor=user, campaign=campaign, award=award, org=org, quota=form.cleaned_data["quota"]
        ),
        done=_("已保存名额分配。"),
        back=campaign_url(campaign, "setup"),
    )


@require_POST
@login_required
def rule_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    form = RuleForm(request.POST, awards=[(a.pk, a.title) for a in campaign.awards.all()])
    if not form.is_valid():
        messages.error(request, _("规则填写有误：比例应为 0–100，年限为 1–50。"))
        return redirect(campaign_url(campaign, "setup"))
    data = dict(form.cleaned_data)
    award_pk = data.get("award")
    data["award"] = Award.objects.filter(pk=award_pk, campaign=campaign).first() if award_pk else None
    return act(
        request,
        lambda: services.rule_add(actor=user, campaign=campaign, data=data),
        done=_("已添加规则。"),
        back=campaign_url(campaign, "setup"),
    )


@require_POST
@login_required
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    rule = scope.get_or_404(user, Rule.objects.select_related("campaign"), "honours.manage", pk=pk)
    campaign = rule.campaign
    return act(
        request,
        lambda: services.rule_delete(actor=user, rule=rule),
        done=_("已删除规则。"),
        back=campaign_url(campaign, "setup"),
    )
