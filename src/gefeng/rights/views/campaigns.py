"""Pages of the spring 要约 campaign: the list, a new campaign, its page (tally by town, targets,
ceremony), adding and picking targets, sending the 要约, the tally and target exports, and the
contract coverage by town and sector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind
from gefeng.rights import selectors, services
from gefeng.rights.forms import CampaignForm, TargetForm
from gefeng.rights.models import Campaign, ContractKind, Priority, Stage, Target
from gefeng.rights.services.common import today
from gefeng.rights.views.common import params, require_officer

VIEW, MANAGE = services.VIEW, services.MANAGE


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, VIEW)
    page = paginate(request, selectors.campaigns(user))
    can_create = bool(selectors.units_for(user, (Kind.COUNTY, Kind.TOWN), limit=1))
    return render(request, "rights/campaign_list.html", {"page": page, "can_create": can_create})


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, MANAGE)
    units = selectors.units_for(user, (Kind.COUNTY, Kind.TOWN), limit=2)
    if not units:
        raise Http404
    year = today().year
    form = CampaignForm(request.POST or None, initial={"year": year, "name": f"{year}年春季集体协商要约行动"})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, org=units[0], **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已创建要约行动，请添加要约对象。")
            return redirect("rights:campaign-detail", pk=campaign.pk)
    return render(
        request,
        "rights/form.html",
        {
            "form": form,
            "title": "新建要约行动",
            "section": "要约行动",
            "back": reverse("rights:campaign-list"),
            "intro": f"组织单位：{units[0].name}。",
        },
    )


def _target_filters(request: AuthedRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("town", "stage", "priority")}


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_officer(user, VIEW)
    campaign = scope.get_or_404(user, Campaign.objects.select_related("org"), pk=pk)
    filters = _target_filters(request)
    page = paginate(request, selectors.targets(user, campaign, filters))
    tally = selectors.tally(user, campaign)
    return render(
        request,
        "rights/campaign_detail.html",
        {
            "campaign": campaign,
            "tally": tally,
            "priorities": [(v, label, tally["by_priority"].get(v, 0)) for v, label in Priority.choices],
            "page": page,
            "filters": filters,
            "stages": Stage.choices,
            "can_manage": scope.can(user, campaign, MANAGE),
            "pickable": [(p.value, p.label) for p in (Priority.NO_CONTRACT, Priority.EXPIRED, Priority.NO_WAGE)],
            "target_form": TargetForm(),
            "kinds": ContractKind.choices,
            "today": today(),
        },
    )


@require_POST
@login_required
def target_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    campaign = scope.get_or_404(user, Campaign, MANAGE, pk=pk)
    data = params(request, ("unit", "priority"))
    back = reverse("rights:campaign-detail", args=[pk])

    def do():
        ent = selectors.find_unit(user, data["unit"], (Kind.ENTERPRISE,))
        if ent is None:
            raise ValidationError({"unit": ["找不到该企业，或不在您的管理范围内。"]})
        return services.target_add(actor=user, campaign=campaign, enterprise=ent, priority=data["priority"])

    return actions.act(request, do, done="已添加要约对象。", back=back)


@require_POST
@login_required
def targets_pick(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    campaign = scope.get_or_404(user, Campaign, MANAGE, pk=pk)
    priority = request.POST.get("priority", "")
    return actions.act(
        request,
        lambda: services.targets_pick(actor=user, campaign=campaign, priority=priority),
        done=lambda n: f"已按重点类型添加 {n} 家企业。",
        back=reverse("rights:campaign-detail", args=[pk]),
    )


@require_POST
@login_required
def target_offer(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    target = scope.get_or_404(user, Target.objects.select_related("campaign"), MANAGE, pk=pk)
    data = params(request, ("offer_on", "kind", "offer_text"))
    return actions.act(
        request,
        lambda: services.target_offer(actor=user, target=target, **data),
        done=lambda c: f"已发出要约，企业应在 {c.reply_due:%Y-%m-%d} 前书面回应。",
        back=lambda c: reverse("rights:contract-detail", args=[c.pk]),
        failed_back=reverse("rights:campaign-detail", args=[target.campaign_id]),
    )


@require_GET
@login_required
def campaign_tally_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The county's tally form (要约行动进展统计表): one row per town, then the total."""
    user = request.user
    require_officer(user, VIEW)
    campaign = scope.get_or_404(user, Campaign, pk=pk)
    tally = selectors.tally(user, campaign)
    headers = ["镇街", "要约对象（家）", "职工人数", *[f"{c}（家）" for c in tally["columns"]], "签约覆盖职工"]
    rows = [[r["town__name"] or "县直", r["n"], r["staff"], *r["stages"], r["signed_staff"]] for r in tally["rows"]]
    t = tally["total"]
    rows.append(["合计", t["n"] or 0, t["staff"], *t["stages"], t["signed_staff"]])
    return exports.download(
        actor=user,
        action="rights.campaign.exported",
        filename=f"{campaign.name}进展统计表",
        headers=headers,
        rows=rows,
        obj=campaign,
        sheet_name="进展统计",
    )


@require_GET
@login_required
def campaign_target_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    require_officer(user, VIEW)
    campaign = scope.get_or_404(user, Campaign, pk=pk)
    qs = selectors.targets(user, campaign, _target_filters(request))
    headers = ["镇街", "企业", "统一社会信用代码", "重点类型", "职工人数", "进度", "要约日期", "签字日期", "生效日期"]
    rows = (
        [
            t.town.name if t.town else "",
            t.enterprise.name,
            t.enterprise.code,
            t.get_priority_display(),
            t.employees,
            t.get_stage_display(),
            t.contract.offer_on if t.contract else None,
            t.contract.signed_on if t.contract else None,
            t.contract.effective_on if t.contract else None,
        ]
        for t in qs.iterator(chunk_size=500)
    )
    return exports.download(
        actor=user,
        action="rights.campaign.exported",
        filename=f"{campaign.name}要约对象",
        headers=headers,
        rows=rows,
        obj=campaign,
        sheet_name="要约对象",
    )


def _coverage_root(user):
    roots = selectors.units_for(user, (Kind.COUNTY, Kind.TOWN, Kind.ENTERPRISE), perm=VIEW, limit=1)
    if not roots:
        raise Http404
    return roots[0]


def _year(request: AuthedRequest) -> int:
    try:
        return max(2000, min(int(request.GET.get("year") or timezone.localdate().year), 2100))
    except ValueError:
        return timezone.localdate().year


@require_GET
@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, VIEW)
    root, year = _coverage_root(user), _year(request)
    data = selectors.coverage(user, root, year)
    return render(request, "rights/coverage.html", {"root": root, "year": year, "data": data})


@require_GET
@login_required
def coverage_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    require_officer(user, VIEW)
    root, year = _coverage_root(user), _year(request)
    data = selectors.coverage(user, root, year)
    headers = ["分组", "名称", "企业数", "覆盖企业", "覆盖率", "职工人数", "覆盖职工"]
    rows = [
        ["镇街", r["label"], r["n"], r["covered_n"], round(r["share"], 4), r["staff"], r["covered_staff"]]
        for r in data["by_town"]
    ]
    rows += [
        ["行业", r["label"], r["n"], r["covered_n"], round(r["share"], 4), r["staff"], r["covered_staff"]]
        for r in data["by_sector"]
    ]
    t = data["total"]
    rows.append(["合计", root.name, t["n"], t["covered_n"], round(t["share"], 4), t["staff"], t["covered_staff"]])
    return exports.download(
        actor=user, action="rights.coverage.exported", filename=f"{year}年集体合同覆盖情况", headers=headers, rows=rows
    )
