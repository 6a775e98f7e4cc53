"""Objections during the 公示, recorded by the county or lodged on the public notice page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gefeng.core import context, scope
from gefeng.core.actions import act
from gefeng.core.actors import SYSTEM
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.honours import selectors, services
from gefeng.honours.forms import (
    ObjectionForm,
    PublicObjectionForm,
    ResolveForm,
)
from gefeng.honours.models import (
    CampaignStatus,
    Nomination,
    Objection,
)
from gefeng.honours.views._common import (
    campaign_url,
    find_campaign,
)


@require_POST
@login_required
def objection_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk, "honours.manage")
    nominees = [(n.pk, n.name) for n in services.shortlist(campaign)]
    form = ObjectionForm(request.POST, nominees=nominees)
    if not form.is_valid():
        messages.error(request, _("请填写收到日期和反映内容，并从公示名单中选择所涉人选。"))
        return redirect(campaign_url(campaign, "objections"))
    data = form.cleaned_data
    nomination = Nomination.objects.filter(pk=data["nomination"]).first() if data.get("nomination") else None
    return act(
        request,
        lambda: services.objection_record(
            actor=user,
            campaign=campaign,
            nomination=nomination,
            content=data["content"],
            contact=data["contact"],
            received_on=data["received_on"],
        ),
        done=_("已登记公示异议。"),
        back=campaign_url(campaign, "objections"),
    )


@require_POST
@login_required
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    objection = scope.get_or_404(user, Objection.objects.select_related("campaign"), "honours.manage", pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论，填写处理意见和办结日期。"))
        return redirect(campaign_url(objection.campaign, "objections"))
    return act(
        request,
        lambda: services.objection_resolve(actor=user, objection=objection, **form.cleaned_data),
        done=_("异议已办结。"),
        back=campaign_url(objection.campaign, "objections"),
    )


def _public_limit() -> int:
    """Objections one address may lodge on the public page per hour (setting
    `HONOURS_PUBLIC_OBJECTIONS_PER_HOUR`, a local limit against flooding)."""
    return int(getattr(settings, "HONOURS_PUBLIC_OBJECTIONS_PER_HOUR", 5))


def _public_cap() -> int:
    """Objections a campaign takes on the public page per day (setting
    `HONOURS_PUBLIC_OBJECTIONS_PER_DAY`); beyond it, by letter or phone."""
    return int(getattr(settings, "HONOURS_PUBLIC_OBJECTIONS_PER_DAY", 200))


@require_http_methods(["GET", "POST"])
def notice_public(request: Any, token: str) -> HttpResponse:
    """The public notice (公示): no login, an unguessable link, only award, name, unit and post.

    During the notice anyone may lodge an objection here (rate-limited per address and per day)."""
    campaign = selectors.public_campaign(token)
    rows = selectors.public_rows(campaign)
    open_notice = campaign.status == CampaignStatus.NOTICE and (
        campaign.notice_ends_on is None or dt.date.today() <= campaign.notice_ends_on
    )
    form = PublicObjectionForm(
        request.POST if request.method == "POST" else None,
        nominees=[(r["pk"], f"{r['name']}（{r['unit']}）") for r in rows],
    )
    sent = False
    if request.method == "POST":
        if not open_notice:
            form.add_error(None, _("公示期已结束，不再通过本页受理异议。"))
        elif form.is_valid() and not form.cleaned_data.get("website"):
            ip = context.current().ip or "unknown"
            key = f"honours:objection:{campaign.pk}:{ip}"
            count = cache.get(key, 0)
            since = dt.date.today()
            today_count = Objection.objects.filter(campaign=campaign, channel="public", received_on=since).count()
            if count >= _public_limit() or today_count >= _public_cap():
                form.add_error(None, _("提交过于频繁，请稍后再试，或以书面、电话方式反映。"))
            else:
                data = form.cleaned_data
                nomination = (
                    Nomination.objects.filter(pk=data["nomination"], campaign=campaign).first()
                    if data.get("nomination")
                    else None
                )
                try:
                    services.objection_record(
                        actor=SYSTEM,
                        campaign=campaign,
                        nomination=nomination,
                        content=data["content"],
                        contact=data["contact"],
                        received_on=since,
                        channel="public",
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    cache.set(key, count + 1, 3600)
                    sent = True
                    form = PublicObjectionForm(nominees=[(r["pk"], f"{r['name']}（{r['unit']}）") for r in rows])
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["award"], []).append(r)
    return render(
        request,
        "honours/notice_public.html",
        {"campaign": campaign, "groups": groups, "form": form, "open_notice": open_notice, "sent": sent},
    )
