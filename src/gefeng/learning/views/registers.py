"""Pages of the registers: party-and-union building, positions (阵地) and safety campaigns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.learning import conf, selectors, services
from gefeng.learning.forms import (
    ActivityForm,
    BorrowingForm,
    BuildingItemForm,
    DevelopmentForm,
    PartyOrgForm,
    PositionForm,
    SafetyForm,
    SessionForm,
)
from gefeng.learning.models import (
    BuildingItem,
    PartyDevelopment,
    PartyOrg,
    Position,
    PositionKind,
    PositionPhoto,
    SafetyCampaign,
    Stage,
)
from gefeng.learning.views._common import MANAGE, may_manage, member_by_id_number, officer
from gefeng.orgs.models import Kind, OrgNode


def _errors(request: AuthedRequest, form) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


@require_GET
@login_required
def party(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    devs = scope.visible(user, PartyDevelopment).select_related("member", "union", "party_org").order_by("-id")
    stages = dict(devs.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return render(
        request,
        "learning/party.html",
        {
            "enabled": conf.get("LEARNING_PARTY_DATA"),
            "orgs": scope.visible(user, PartyOrg).select_related("org", "team")[:200],
            "page": paginate(request, devs),
            "stages": [(s.label, stages.get(s.value, 0)) for s in Stage],
            "items": scope.visible(user, BuildingItem).select_related("org")[:100],
            "can_manage": may_manage(user),
            "org_form": PartyOrgForm(actor=user),
            "dev_form": DevelopmentForm(),
            "item_form": BuildingItemForm(),
        },
    )


@require_POST
@login_required
def party_org_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    form = PartyOrgForm(request.POST, actor=user)
    if not form.is_valid():
        _errors(request, form)
        return redirect("learning:party")
    d = form.cleaned_data
    return actions.act(
        request,
        lambda: services.party_org_create(actor=user, org=d["org"], name=d["name"], kind=d["kind"], team=d["team"]),
        done="已新建党组织。",
        back=reverse("learning:party"),
    )


@require_POST
@login_required
def development_record(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    form = DevelopmentForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("learning:party")
    member = member_by_id_number(user, form.cleaned_data["id_number"])
    if member is None:
        messages.error(request, "会员名册中没有此身份证号（或不在您的数据范围内）。")
        return redirect("learning:party")
    d = form.cleaned_data
    return actions.act(
        request,
        lambda: services.development_record(actor=user, member=member, stage=d["stage"], on=d["on"]),
        done="已登记。",
        back=reverse("learning:party"),
    )


@require_POST
@login_required
def building_item_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    form = BuildingItemForm(request.POST)
    if not form.is_valid() or user.org is None:
        _errors(request, form)
        return redirect("learning:party")
    d = form.cleaned_data
    return actions.act(
        request,
        lambda: services.building_item_create(actor=user, org=user.org, year=d["year"], text=d["text"]),
        done="已新增。",
        back=reverse("learning:party"),
    )


@require_GET
@login_required
def position_list(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    kind = request.GET.get("kind", "")
    town_pk = request.GET.get("town", "")
    town = None
    if town_pk.isdigit() and len(town_pk) < 12:
        town = scope.visible(user, OrgNode).filter(pk=int(town_pk), kind__in=[Kind.TOWN, Kind.MEMBER_UNIT]).first()
    q = request.GET.get("q", "")[:30]
    page = paginate(request, selectors.positions(user, kind, town, q))
    towns = scope.visible(user, OrgNode).filter(kind=Kind.TOWN).order_by("path")[:100]
    return render(
        request,
        "learning/position_list.html",
        {
            "page": page,
            "kinds": PositionKind.choices,
            "kind": kind,
            "town": town,
            "towns": towns,
            "q": q,
            "counts": selectors.position_counts(user),
            "can_manage": may_manage(user),
            "checklist": conf.checklist(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def position_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    form = PositionForm(request.POST or None, actor=user)
    items = conf.checklist()
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["level"] = d.get("level") or ""
        marks = {item: request.POST.get(f"check{i}") == "on" for i, item in enumerate(items)}
        try:
            position = services.position_create(actor=user, checklist=marks, **d)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新增。")
            return redirect("learning:position-detail", pk=position.pk)
    return render(request, "learning/position_form.html", {"form": form, "checklist": list(enumerate(items))})


@require_GET
@login_required
def position_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    position = scope.get_or_404(user, Position.objects.select_related("org"), pk=pk)
    acts = position.activities.all()
    totals = acts.aggregate(n=Count("id"), people=Sum("attendance"))
    reading = position.kind == PositionKind.READING
    borrowings = position.borrowings.all() if reading else position.borrowings.none()
    return render(
        request,
        "learning/position_detail.html",
        {
            "position": position,
            "activities": acts[:100],
            "totals": totals,
            "photos": scope.visible(user, PositionPhoto).filter(position=position),
            "photo_limit": conf.get("LEARNING_PHOTOS_MAX"),
            "photo_kinds": services.PHOTOS.allowed_text(),
            "photo_mb": services.PHOTOS.max_bytes() // (1024 * 1024),
            "reading": reading,
            "borrowings": borrowings[:36],
            "borrowing_totals": borrowings.aggregate(loans=Sum("loans"), borrowers=Sum("borrowers")),
            "form": ActivityForm(),
            "borrowing_form": BorrowingForm(),
            "can_manage": scope.can(user, position, MANAGE),
        },
    )


@require_POST
@login_required
def activity_record(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    position = scope.get_or_404(user, Position, MANAGE, pk=pk)
    back = reverse("learning:position-detail", args=[position.pk])
    form = ActivityForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(back)
    d = form.cleaned_data
    return actions.act(
        request, lambda: services.activity_record(actor=user, position=position, **d), done="已登记。", back=back
    )


@require_GET
@login_required
def safety_list(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    qs = selectors.campaigns_with_totals(user)
    return render(
        request,
        "learning/safety_list.html",
        {"page": paginate(request, qs), "can_manage": may_manage(user), "form": SafetyForm()},
    )


@require_POST
@login_required
def safety_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    form = SafetyForm(request.POST)
    if not form.is_valid() or user.org is None:
        _errors(request, form)
        return redirect("learning:safety-list")
    d = form.cleaned_data
    return actions.act(
        request,
        lambda: services.safety_campaign_create(actor=user, org=user.org, **d),
        done="已新建。",
        back=lambda c: reverse("learning:safety-detail", args=[c.pk]),
        failed_back=reverse("learning:safety-list"),
    )


@require_GET
@login_required
def safety_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    campaign = scope.get_or_404(user, SafetyCampaign.objects.select_related("org"), pk=pk)
    sessions = selectors.with_registered(campaign.sessions.select_related("enterprise"))
    totals = selectors.safety_totals(campaign.sessions.all())
    return render(
        request,
        "learning/safety_detail.html",
        {
            "campaign": campaign,
            "page": paginate(request, sessions),
            "totals": totals,
            "form": SessionForm(actor=user),
            "can_manage": scope.can(user, campaign, MANAGE),
        },
    )


@require_POST
@login_required
def session_record(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    campaign = scope.get_or_404(user, SafetyCampaign.objects.select_related("org"), MANAGE, pk=pk)
    back = reverse("learning:safety-detail", args=[campaign.pk])
    form = SessionForm(request.POST, actor=user)
    if not form.is_valid():
        _errors(request, form)
        return redirect(back)
    d = form.cleaned_data
    return actions.act(
        request, lambda: services.safety_session_record(actor=user, campaign=campaign, **d), done="已登记。", back=back
    )


def _year(request: AuthedRequest) -> int:
    import datetime as dt

    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else dt.date.today().year


@require_GET
@login_required
def party_towns(request: AuthedRequest) -> HttpResponse:
    """党组织 and party members by town (a dense, printable table) for a year."""
    user = officer(request.user)
    year = _year(request)
    return render(
        request,
        "learning/party_towns.html",
        {
            "enabled": conf.get("LEARNING_PARTY_DATA"),
            "year": year,
            "rows": selectors.party_by_town(user, year),
            "headers": selectors.PARTY_HEADERS,
        },
    )


@require_GET
@login_required
def party_towns_export(request: AuthedRequest) -> HttpResponseBase:
    user = officer(request.user)
    year = _year(request)
    if not conf.get("LEARNING_PARTY_DATA"):
        messages.error(request, "本平台未启用党建数据（设置 GEFENG_LEARNING_PARTY_DATA），没有可导出的数据。")
        return redirect("learning:party-towns")
    rows = ([r["name"], *(r[k] for k in selectors.PARTY_KEYS)] for r in selectors.party_by_town(user, year))
    return exports.download(
        actor=user,
        action="learning.party.exported",
        filename=f"{year}年各镇（街道）党组织和党员情况",
        headers=selectors.PARTY_HEADERS,
        rows=rows,
        sheet_name="党组织和党员",
        object_type="learning.party",
        changes={"year": year},
    )
