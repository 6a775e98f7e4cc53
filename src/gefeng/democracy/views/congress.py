"""The office's pages of a congress: list, forming, composition, representatives, calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.democracy import selectors, services
from gefeng.democracy.forms import CongressForm, ConstituencyForm, RepresentativeForm, SettingsForm
from gefeng.democracy.models import Congress, CongressKind, Constituency, Representative
from gefeng.democracy.views._common import MANAGE, act, office
from gefeng.orgs.models import OrgNode


@require_GET
@login_required
def congress_list(request: AuthedRequest) -> HttpResponse:
    user = office(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in CongressKind.values else ""
    page = paginate(request, selectors.congresses(user, q=request.GET.get("q", "")[:40], kind=kind))
    gaps = selectors.disclosure_gaps(list(page.rows))
    for c in page.rows:
        c.gaps = gaps.get(c.pk, [])
    return render(
        request,
        "democracy/congress_list.html",
        {"page": page, "kinds": CongressKind.choices, "kind": kind, "can_create": scope.has_perm(user, MANAGE)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def congress_create(request: AuthedRequest) -> HttpResponse:
    user = office(request)
    scope.require_perm(user, MANAGE)
    orgs = list(selectors.manageable_orgs(user)[:500])
    form = CongressForm(request.POST or None, orgs=orgs, initial={"ratio_per": 10, "min_seats": 30, "session": 1})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = scope.permitted(user, OrgNode, MANAGE).filter(pk=data.pop("org")).first()
        if org is None:
            raise Http404
        try:
            congress = services.congress_create(actor=user, org=org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已组建{congress.name}。")
            return redirect("democracy:congress-detail", pk=congress.pk)
    return render(request, "democracy/congress_form.html", {"form": form})


def _congress(request: AuthedRequest, pk: int, perm: str | None = None) -> Congress:
    user = office(request)
    return scope.get_or_404(user, Congress.objects.select_related("org"), perm, pk=pk)


@require_GET
@login_required
def congress_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    user = request.user
    can_manage = scope.can(user, congress, MANAGE)
    status = request.GET.get("status", "active")
    reps = paginate(request, selectors.representatives(user, congress, status="" if status == "all" else status))
    counts = services.composition_counts(congress)
    constituencies = list(congress.constituencies.all().order_by("id")[:300])
    seated = dict(
        Representative.objects.filter(congress=congress, status="active")
        .values_list("constituency_id")
        .annotate(n=Count("id"))
        .values_list("constituency_id", "n")
    )
    for c in constituencies:
        c.seated = seated.get(c.pk, 0)  # type: ignore[attr-defined]
        c.vacant = max(0, c.seats - c.seated)  # type: ignore[attr-defined]
    return render(
        request,
        "democracy/congress_detail.html",
        {
            "congress": congress,
            "checks": services.composition(congress),
            "counts": counts,
            "constituencies": constituencies,
            "page": reps,
            "status": status,
            "committees": congress.committees.prefetch_related("members")[:50],
            "documents": congress.documents.prefetch_related("versions")[:100],
            "flags": services.statutory_flags(congress),
            "stats": selectors.proposal_stats(user, congress),
            "recent": selectors.meetings(user, congress).order_by("-date")[:8],
            "can_manage": can_manage,
            "settings_form": SettingsForm(initial={k: getattr(congress, k) for k in services.LOCAL_SETTINGS}),
            "constituency_form": ConstituencyForm(),
            "today": dt.date.today(),
        },
    )


@require_POST
@login_required
def congress_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    form = SettingsForm(request.POST)
    back = reverse("democracy:congress-detail", args=[pk])
    if not form.is_valid():
        messages.error(
            request, "设置有误：" + "；".join(f"{form.fields[k].label}{v[0]}" for k, v in form.errors.items())
        )
        return redirect(back)
    return act(
        request,
        lambda: services.congress_settings(actor=request.user, congress=congress, data=form.cleaned_data),
        "已保存设置。",
        back,
    )


@require_POST
@login_required
def constituency_create(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    p = request.POST
    return act(
        request,
        lambda: services.constituency_add(
            actor=request.user, congress=congress, name=p.get("name", ""), employees=p.get("employees", ""),
            seats=p.get("seats", ""),
        ),
        "已新增选区。",
        reverse("democracy:congress-detail", args=[pk]),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def representative_create(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    constituencies = list(congress.constituencies.order_by("id")[:300])
    form = RepresentativeForm(request.POST or None, constituencies=constituencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        constituency = Constituency.objects.filter(congress=congress, pk=data.pop("constituency")).first()
        if constituency is None:
            raise Http404
        try:
            services.representative_elect(actor=request.user, constituency=constituency, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记职工代表。")
            return redirect("democracy:congress-detail", pk=pk)
    return render(request, "democracy/representative_form.html", {"form": form, "congress": congress})


@require_POST
@login_required
def representative_vacate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = office(request)
    rep = scope.get_or_404(user, Representative, MANAGE, pk=pk)
    return act(
        request,
        lambda: services.representative_vacate(
            actor=user,
            representative=rep,
            on=request.POST.get("on") or dt.date.today(),
            reason=request.POST.get("reason", ""),
        ),
        "已登记出缺，请在该选区补选。",
        reverse("democracy:congress-detail", args=[rep.congress_id]),
    )


@require_POST
@login_required
def presidium_set(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    ids = request.POST.getlist("representatives")
    return act(
        request,
        lambda: services.presidium_set(actor=request.user, congress=congress, representative_ids=ids),
        "已确定主席团。",
        reverse("democracy:congress-detail", args=[pk]),
    )


@require_POST
@login_required
def committee_save(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    ids = request.POST.getlist("representatives")
    return act(
        request,
        lambda: services.committee_save(
            actor=request.user, congress=congress, name=request.POST.get("name", ""), representative_ids=ids
        ),
        "已保存专门委员会。",
        reverse("democracy:congress-detail", args=[pk]),
    )


REP_HEADERS = (
    "选区",
    "姓名",
    "性别",
    "中层以上管理人员",
    "一线职工",
    "劳务派遣",
    "当选日期",
    "参选人数",
    "得票",
    "补选",
    "主席团",
    "状态",
)


@require_GET
@login_required
def representative_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    congress = _congress(request, pk)

    def yes(flag: bool) -> str:
        return "是" if flag else ""

    rows = (
        (
            r.constituency.name, r.name, "女" if r.woman else "男", yes(r.manager), yes(r.frontline),
            yes(r.dispatched), r.elected_on, r.voters, r.votes_for, yes(r.by_election), yes(r.presidium),
            r.get_status_display(),
        )
        for r in selectors.representatives(request.user, congress).iterator(1000)
    )  # fmt: skip
    return exports.download(
        actor=request.user,
        action="democracy.export",
        filename=f"{congress.name}-职工代表名册",
        headers=REP_HEADERS,
        rows=rows,
        sheet_name="职工代表",
        obj=congress,
        object_repr=str(congress),
    )


@require_GET
@login_required
def calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else dt.date.today().year
    months = selectors.calendar(request.user, congress, year)
    return render(
        request,
        "democracy/calendar.html",
        {
            "congress": congress,
            "year": year,
            "months": months,
            "can_manage": scope.can(request.user, congress, MANAGE),
            "held": sum(1 for m in months for x in m["meetings"] if x.status == "closed"),
            "planned": sum(len(m["meetings"]) for m in months),
        },
    )


@require_POST
@login_required
def calendar_generate(request: AuthedRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk, MANAGE)
    year = request.POST.get("year", "")
    return act(
        request,
        lambda: services.calendar_generate(actor=request.user, congress=congress, year=year),
        "已按本企业的会议节奏生成年度会议计划。",
        reverse("democracy:calendar", args=[pk]) + (f"?year={year}" if year.isdigit() else ""),
    )
