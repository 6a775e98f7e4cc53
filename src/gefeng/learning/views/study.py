"""Pages of study supervision: campaigns, rounds with their rates against the registry, result
entry and import (with the row-level report), the round's 通报 as .docx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, audit, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.learning import documents, selectors, services
from gefeng.learning.forms import CampaignForm, EnterForm, RoundForm, UploadForm
from gefeng.learning.models import Campaign, ResultImport, Round, RoundStatus
from gefeng.learning.views._common import MANAGE, docx_response, may_manage, member_by_id_number, officer


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    page = paginate(request, selectors.campaigns(user))
    return render(request, "learning/campaign_list.html", {"page": page, "can_manage": may_manage(user)})


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    if user.org is None:
        raise Http404
    form = CampaignForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["target_orgs"] = list(data["target_orgs"])
        try:
            campaign = services.campaign_create(actor=user, org=user.org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新建学习活动。")
            return redirect("learning:campaign-detail", pk=campaign.pk)
    return render(request, "learning/campaign_form.html", {"form": form})


def _campaign(user, pk: int, perm: str | None = None) -> Campaign:
    return scope.get_or_404(user, Campaign.objects.select_related("org"), perm, pk=pk)


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    campaign = _campaign(user, pk)
    points = selectors.trend(campaign)
    return render(
        request,
        "learning/campaign_detail.html",
        {
            "campaign": campaign,
            "rounds": selectors.rounds(user, campaign)[:200],
            "trend_svg": selectors.trend_svg(points),
            "round_form": RoundForm(),
            "can_manage": scope.can(user, campaign, MANAGE),
            "orgs": campaign.target_orgs.all()[:50],
        },
    )


@require_POST
@login_required
def round_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    campaign = _campaign(user, pk, MANAGE)
    form = RoundForm(request.POST)
    as_of = form.cleaned_data["as_of"] if form.is_valid() else None
    back = reverse("learning:campaign-detail", args=[campaign.pk])
    return actions.act(
        request,
        lambda: services.round_create(actor=user, campaign=campaign, as_of=as_of),
        done=lambda r: f"已新建第{r.number}期：应学 {r.target_count} 人。",
        back=lambda r: reverse("learning:round-detail", args=[r.pk]),
        failed_back=back,
    )


def _round(user, pk: int, perm: str | None = None) -> Round:
    return scope.get_or_404(user, Round.objects.select_related("campaign", "campaign__org"), perm, pk=pk)


@require_GET
@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    rnd = _round(user, pk)
    unions = selectors.unit_rates(rnd, selectors.UNION)
    union_pk = request.GET.get("unit", "")
    unit = None
    if union_pk.isdigit() and len(union_pk) < 12:
        unit = next((u["node"] for u in unions if u["node"].pk == int(union_pk)), None)
    return render(
        request,
        "learning/round_detail.html",
        {
            "round": rnd,
            "campaign": rnd.campaign,
            "towns": selectors.unit_rates(rnd, selectors.TOWN),
            "unions": unions[:500],
            "lagging": selectors.lagging(unions)[:20],
            "distribution": selectors.distribution(rnd),
            "imports": rnd.imports.all()[:10],
            "unit": unit,
            "unit_svg": selectors.trend_svg(selectors.trend(rnd.campaign, unit)) if unit else "",
            "can_manage": scope.can(user, rnd, MANAGE) and rnd.status == RoundStatus.OPEN,
            "enter_form": EnterForm(),
            "upload_form": UploadForm(),
        },
    )


@require_POST
@login_required
def round_enter(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    rnd = _round(user, pk, MANAGE)
    back = reverse("learning:round-detail", args=[rnd.pk])
    form = EnterForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect(back)
    member = member_by_id_number(user, form.cleaned_data["id_number"])
    if member is None:
        messages.error(request, "会员名册中没有此身份证号（或不在您的数据范围内）。")
        return redirect(back)
    return actions.act(
        request,
        lambda: services.result_enter(
            actor=user, round=rnd, member=member, score=form.cleaned_data["score"], minutes=form.cleaned_data["minutes"]
        ),
        done="已录入。",
        back=back,
    )


@require_POST
@login_required
def round_import(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    rnd = _round(user, pk, MANAGE)
    back = reverse("learning:round-detail", args=[rnd.pk])
    return actions.act(
        request,
        lambda: services.results_import(actor=user, round=rnd, upload=request.FILES.get("file")),
        done=lambda b: f"已导入 {b.matched} 人的成绩；{b.refused} 行未导入，见未匹配明细。",
        back=back,
    )


REPORT_HEADERS = ("行号", "姓名", "原因")


@require_GET
@login_required
def import_report(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The rows of an imported sheet that were not imported, with their reasons."""
    user = officer(request.user)
    batch = scope.get_or_404(user, ResultImport.objects.select_related("round__campaign"), pk=pk)
    return exports.download(
        actor=user,
        action="learning.round.exported",
        filename=f"{batch.round}-未匹配明细",
        headers=REPORT_HEADERS,
        rows=([r["row"], r["name"], r["reason"]] for r in batch.report),
        sheet_name="未匹配",
        obj=batch.round,
    )


@require_POST
@login_required
def round_circulate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    rnd = _round(user, pk, MANAGE)
    return actions.act(
        request,
        lambda: services.round_circulate(actor=user, round=rnd, doc_number=request.POST.get("doc_number", "")),
        done=lambda r: f"已通报（{r.doc_number}），可下载通报文稿。",
        back=reverse("learning:round-detail", args=[rnd.pk]),
    )


@require_GET
@login_required
def round_circular(request: AuthedRequest, pk: int) -> HttpResponse:
    """The round's 通报 as .docx (a draft until the round is circulated)."""
    user = officer(request.user)
    rnd = _round(user, pk)
    content = documents.circular_docx(rnd)
    audit.record(actor=user, action="learning.round.exported", obj=rnd, changes={"format": "docx"})
    suffix = "" if rnd.status == RoundStatus.CIRCULATED else "（草稿）"
    return docx_response(content, f"{rnd}学习情况通报{suffix}")


RATE_HEADERS = ("单位", "应学人数", "参学人数", "参学率", "平均分")


@require_GET
@login_required
def round_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = officer(request.user)
    rnd = _round(user, pk)
    level = selectors.TOWN if request.GET.get("level") == "town" else selectors.UNION
    rows = (
        [
            r["name"],
            r["target"],
            r["participants"],
            documents.percent(r["rate"]),
            "" if r["average"] is None else round(r["average"], 1),
        ]
        for r in selectors.unit_rates(rnd, level)
    )
    return exports.download(
        actor=user,
        action="learning.round.exported",
        filename=f"{rnd}参学率",
        headers=RATE_HEADERS,
        rows=rows,
        sheet_name="参学率",
        obj=rnd,
    )
