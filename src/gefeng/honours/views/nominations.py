"""Nominations: the list and review queue, nominating from the registry or the tree, the
nomination page, editing, submitting, reviewing level by level, withdrawing."""

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
from gefeng.honours import selectors, services
from gefeng.honours.forms import (
    AttachmentForm,
    ClearanceForm,
    NominationEditForm,
    NominationForm,
    ReasonForm,
    ReviewForm,
    SubmitForm,
)
from gefeng.honours.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    NominationStatus,
)
from gefeng.honours.views._common import (
    find_campaign,
    find_nomination,
    nomination_url,
    pk_of,
)
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode


@require_GET
@login_required
def nomination_list(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = find_campaign(user, pk)
    filters = selectors.NominationFilters(
        status=request.GET.get("status", ""),
        award=pk_of(request.GET.get("award")),
        q=request.GET.get("q", "").strip()[:50],
    )
    page = paginate(request, selectors.nomination_list(user, campaign, filters), default_size=50)
    review = list(selectors.to_review(user, campaign)[:200])
    return render(
        request,
        "honours/nomination_list.html",
        {
            "campaign": campaign,
            "page": page,
            "filters": filters,
            "awards": list(campaign.awards.all()),
            "statuses": [("live", _("在审（含入围）")), *NominationStatus.choices],
            "review": review,
            "can_nominate": campaign.status == CampaignStatus.NOMINATING and scope.has_perm(user, "honours.nominate"),
        },
    )


def _units(user: Any, campaign: Campaign) -> list[OrgNode]:
    return list(selectors.nominating_units(user, campaign)[:300])


@require_http_methods(["GET", "POST"])
@login_required
def nomination_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.nominate")
    campaign = find_campaign(user, pk)
    units = _units(user, campaign)
    if not units:
        raise PermissionDenied
    awards = list(campaign.awards.all())
    source = request.POST if request.method == "POST" else request.GET
    unit = next((u for u in units if u.pk == pk_of(source.get("unit"))), units[0] if len(units) == 1 else None)
    if unit is None and user.org is not None:
        unit = next((u for u in units if u.pk == user.org.pk), None)
    form = NominationForm(
        request.POST or None,
        actor=user,
        units=[(u.pk, u.name) for u in units],
        awards=[(a.pk, f"{a.title}（{a.get_subject_display()}，名额 {a.quota}）") for a in awards],
        initial={"unit": unit.pk if unit else None, "award": pk_of(source.get("award"))},
    )
    person = collective = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        award = next(a for a in awards if a.pk == data["award"])
        person, collective = data.get("person"), data.get("collective")
        try:
            nomination = services.nomination_create(
                actor=user,
                campaign=campaign,
                award=award,
                unit=unit,
                data=data,
                person=person,
                collective=collective,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存推荐草稿：请上传材料，核对后提交。"))
            return redirect("honours:nomination-detail", pk=nomination.pk)
    if campaign.status != CampaignStatus.NOMINATING:
        messages.warning(request, _("本活动当前不接受推荐。"))
    return render(
        request,
        "honours/nomination_create.html",
        {"campaign": campaign, "form": form, "unit": unit, "person": person, "collective": collective},
    )


@require_GET
@login_required
def nomination_pick(request: AuthedRequest, pk: int) -> HttpResponse:
    """HTMX: people (from the registry) or collectives (from the tree) under the chosen unit."""
    user = request.user
    scope.require_perm(user, "honours.nominate")
    campaign = find_campaign(user, pk)
    unit = selectors.nominating_units(user, campaign).filter(pk=pk_of(request.GET.get("unit")) or 0).first()
    award = campaign.awards.filter(pk=pk_of(request.GET.get("award")) or 0).first()
    term = request.GET.get("q", "").strip()[:50]
    people: list[Member] = []
    collectives: list[OrgNode] = []
    if unit is not None and award is not None:
        if award.subject == "person":
            people = selectors.pick_people(user, unit, term)
        else:
            collectives = selectors.pick_collectives(user, unit, term)
    return render(
        request,
        "honours/_pick.html",
        {"people": people, "collectives": collectives, "unit": unit, "award": award, "term": term},
    )


@require_GET
@login_required
def nomination_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    nomination = find_nomination(user, pk)
    editable = nomination.status in EDITABLE_STATUSES and scope.can(user, nomination, "honours.nominate")
    review_perm = services.review_perm(nomination)
    can_review = review_perm is not None and scope.can(user, nomination, review_perm)
    return render(
        request,
        "honours/nomination_detail.html",
        {
            "n": nomination,
            "steps": list(nomination.steps.select_related("actor")),
            "clearances": list(nomination.clearances.prefetch_related("attachments")),
            "attachments": list(nomination.attachments.filter(clearance__isnull=True)),
            "missing": services.missing_clearances(nomination),
            "problems": selectors.person_problems(nomination),
            "editable": editable,
            "can_withdraw": nomination.status in (*EDITABLE_STATUSES, NominationStatus.TOWN, NominationStatus.COUNTY)
            and scope.can(user, nomination, "honours.nominate"),
            "can_review": can_review,
            "submit_form": SubmitForm(),
            "review_form": ReviewForm(),
            "withdraw_form": ReasonForm(),
            "attachment_form": AttachmentForm(),
            "clearance_form": ClearanceForm(initial={"issued_on": dt.date.today(), "passed": True}),
            "max_mb": services.upload_max_bytes() // 1024 // 1024,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def nomination_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    nomination = find_nomination(user, pk, "honours.nominate")
    initial = {f: getattr(nomination, f) for f in services.NOMINATION_FIELDS}
    form = NominationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(actor=user, nomination=nomination, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("honours:nomination-detail", pk=nomination.pk)
    return render(request, "honours/nomination_edit.html", {"n": nomination, "form": form})


@require_POST
@login_required
def nomination_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = find_nomination(request.user, pk)
    form = SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.nomination_submit(actor=request.user, nomination=nomination, comment=comment),
        done=_("已提交审核。"),
        back=nomination_url(nomination),
    )


@require_POST
@login_required
def nomination_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """A decision at the nomination's level; the service decides who may take it (`review_perm`)."""
    user = request.user
    nomination = find_nomination(user, pk)
    scope.require(user, nomination, services.review_perm(nomination) or "honours.manage")
    back = (
        reverse("honours:nomination-list", args=[nomination.campaign_id])
        if request.POST.get("next", "") == "list"
        else nomination_url(nomination)
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核意见。"))
        return redirect(nomination_url(nomination))
    return act(
        request,
        lambda: services.nomination_review(actor=user, nomination=nomination, **form.cleaned_data),
        done=_("已记录审核意见。"),
        back=back,
    )


@require_POST
@login_required
def nomination_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = find_nomination(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "") if form.is_bound else ""
    return act(
        request,
        lambda: services.nomination_withdraw(actor=request.user, nomination=nomination, reason=reason),
        done=_("已撤回推荐。"),
        back=nomination_url(nomination),
    )
