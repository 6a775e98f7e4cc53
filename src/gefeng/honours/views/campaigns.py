"""Campaign pages: the list, setup form, the campaign page with its live compliance, opening and
closing nominations, the 公示 and its Word file, the approval and the certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.honours import documents, selectors, services
from gefeng.honours.forms import (
    AllocationForm,
    ApproveForm,
    AwardForm,
    CampaignForm,
    NoticeStartForm,
    ObjectionForm,
    ResolveForm,
    RuleForm,
)
from gefeng.honours.models import (
    Campaign,
    CampaignStatus,
    Honour,
)
from gefeng.honours.views._common import (
    DOCX,
    allocation_orgs,
    campaign_url,
    certificates_response,
    document_response,
    find_campaign,
    pk_of,
    reads_campaigns,
)
from gefeng.orgs.models import Kind, OrgNode


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.view")
    campaigns = selectors.campaign_list(user) if reads_campaigns(user) else Campaign.objects.none()
    page = paginate(request, campaigns)
    return render(
        request,
        "honours/campaign_list.html",
        {
            "page": page,
            "can_create": scope.has_perm(user, "honours.manage"),
            "self_only": not reads_campaigns(user),
        },
    )


def _campaign_root(user: Any) -> OrgNode | None:
    org = getattr(user, "org", None)
    if org is None and user.is_superuser:
        return OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
    return org


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.manage")
    org = _campaign_root(user)
    if org is None or not scope.can(user, org, "honours.manage"):
        raise PermissionDenied
    initial = {
        "year": dt.date.today().year,
        "notice_days": services.default_notice_days(),
        "required_clearances": services.default_clearances(),
        "issuer": f"{org.name}总工会" if org.kind == Kind.COUNTY else org.name,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, org=org, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立表彰活动，请设置奖项、名额分配和评选规则。"))
            return redirect("honours:campaign-detail", pk=campaign.pk)
    return render(request, "honours/campaign_form.html", {"form": form, "campaign": None})


@require_http_methods(["GET", "POST"])
@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    initial = {f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=user, campaign=campaign, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("honours:campaign-detail", pk=campaign.pk)
    return render(request, "honours/campaign_form.html", {"form": form, "campaign": campaign})


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk)
    manages = selectors.manages(user, campaign)
    awards = list(campaign.awards.all())
    award_choices = [(a.pk, a.title) for a in awards]
    basis, report = selectors.compliance(user, campaign, basis=request.GET.get("basis", ""))
    today = dt.date.today()
    context_: dict[str, Any] = {
        "campaign": campaign,
        "manages": manages,
        "awards": awards,
        "allocations": selectors.allocations(user, campaign),
        "rules": list(campaign.rules.select_related("award")),
        "counts": selectors.status_counts(user, campaign),
        "basis": basis,
        "report": report,
        "can_nominate": campaign.status == CampaignStatus.NOMINATING and scope.has_perm(user, "honours.nominate"),
        "to_review": selectors.to_review(user, campaign).count(),
        "setup_open": campaign.status in (CampaignStatus.DRAFT, CampaignStatus.NOMINATING, CampaignStatus.REVIEWING),
        "blockers": services.approval_blockers(campaign, today=today) if manages else [],
        "notice_url": request.build_absolute_uri(reverse("honours:notice-public", args=[campaign.notice_token]))
        if campaign.notice_token
        else "",
    }
    if manages:
        context_ |= {
            "award_form": AwardForm(),
            "allocation_form": AllocationForm(awards=award_choices, orgs=allocation_orgs(campaign)),
            "rule_form": RuleForm(awards=award_choices),
            "notice_form": NoticeStartForm(initial={"starts_on": today}),
            "objections": list(selectors.objections(user, campaign)[:200]),
            "objection_form": ObjectionForm(
                nominees=[(n.pk, f"{n.name}（{n.award.title}）") for n in services.shortlist(campaign)],
                initial={"received_on": today},
            )
            if campaign.status == CampaignStatus.NOTICE
            else None,
            "resolve_form": ResolveForm(initial={"on": today}),
        }
    return render(request, "honours/campaign_detail.html", context_)


@require_POST
@login_required
def campaign_open(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk)
    return act(
        request,
        lambda: services.campaign_open(actor=request.user, campaign=campaign),
        done=_("已开始推荐：各单位现在可以提交推荐。"),
        back=campaign_url(campaign),
    )


@require_POST
@login_required
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk)
    return act(
        request,
        lambda: services.campaign_close(actor=request.user, campaign=campaign),
        done=_("已截止推荐：不再接受新的推荐和提交，审核继续。"),
        back=campaign_url(campaign),
    )


@require_POST
@login_required
def campaign_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk)
    return act(
        request,
        lambda: services.campaign_cancel(actor=request.user, campaign=campaign, reason=request.POST.get("reason", "")),
        done=_("已撤销活动。"),
        back=campaign_url(campaign),
    )


@require_POST
@login_required
def campaign_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk, "honours.manage")
    form = NoticeStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写公示开始日期。"))
        return redirect(campaign_url(campaign))
    return act(
        request,
        lambda: services.campaign_start_notice(
            actor=request.user, campaign=campaign, starts_on=form.cleaned_data["starts_on"]
        ),
        done=_("已开始公示：公示页面和公示文件已生成。"),
        back=campaign_url(campaign),
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    today = dt.date.today()
    form = ApproveForm(request.POST or None, initial={"decided_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            honours = services.campaign_approve(actor=user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if campaign.upward:
                messages.success(request, _("已批准向上推荐。"))
            else:
                messages.success(request, _("已批准表彰，写入荣誉记录 %(n)d 条。") % {"n": len(honours)})
            return redirect("honours:campaign-detail", pk=campaign.pk)
    _basis, report = selectors.compliance(user, campaign, basis="shortlist")
    return render(
        request,
        "honours/campaign_approve.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "blockers": services.approval_blockers(campaign, today=today),
            "shortlist": services.shortlist(campaign),
        },
    )


@require_GET
@login_required
def campaign_notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = find_campaign(request.user, pk)
    if campaign.status not in (CampaignStatus.NOTICE, CampaignStatus.DECIDED) or not campaign.notice_starts_on:
        messages.error(request, _("公示尚未开始，不能下载公示文件。"))
        return redirect(campaign_url(campaign))
    content = documents.notice_docx(campaign, selectors.public_rows(campaign))
    return document_response(content, f"{campaign.name}公示.docx", DOCX)


@require_GET
@login_required
def campaign_certificates(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    qs = scope.permitted(user, Honour, "honours.manage").filter(campaign=campaign, revoked_on__isnull=True)
    award = pk_of(request.GET.get("award"))
    if award:
        qs = qs.filter(nomination__award_id=award)
    honours = list(qs.select_related("campaign").order_by("id")[: documents.MAX_CERTIFICATES + 1])
    back = reverse("honours:campaign-detail", args=[campaign.pk])
    if not honours:
        messages.error(request, _("本活动还没有荣誉记录（批准表彰后才能打印证书）。"))
        return redirect(back)
    return certificates_response(request, honours, f"{campaign.name}证书.pdf", back)
