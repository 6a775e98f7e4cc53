"""Pages of 选树表彰: campaigns (setup, compliance, notice, approval), nominations (create,
materials, clearances, review level by level), objections, the public notice, the register and
certificates.

Reads go through `honours.selectors`, writes through `honours.services`. Object pages fetch with
`scope.get_or_404`: outside the user's sight → 404, seen without the right → 403. Actions are
POSTs that redirect back with a message (the service's Chinese message when it refuses).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import context, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.honours import documents, selectors, services
from gefeng.honours.forms import (
    AllocationForm,
    ApproveForm,
    AttachmentForm,
    AwardForm,
    CampaignForm,
    ClearanceForm,
    HonourFilterForm,
    HonourForm,
    NominationEditForm,
    NominationForm,
    NoticeStartForm,
    ObjectionForm,
    PublicObjectionForm,
    ReasonForm,
    ResolveForm,
    ReviewForm,
    RevokeForm,
    RuleForm,
    SubmitForm,
)
from gefeng.honours.models import (
    EDITABLE_STATUSES,
    Attachment,
    Award,
    Campaign,
    CampaignStatus,
    Honour,
    Nomination,
    NominationStatus,
    Objection,
    Rule,
)
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pk(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _fail(request: AuthedRequest | Any, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _reads_campaigns(user: Any) -> bool:
    """Campaign pages are for organisers, units that nominate and readers of the whole county;
    a worker's honours.view (本人) shows their own honours only."""
    return scope.has_perm_beyond_self(user, "honours.view")


def _campaign(user: Any, pk: int, perm: str | None = None) -> Campaign:
    campaign = selectors.campaign_for(user, pk)
    if perm is not None:
        scope.require(user, campaign, perm)
    return campaign


# ---------------------------------------------------------------------------------------------
# Campaigns


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.view")
    campaigns = selectors.campaign_list(user) if _reads_campaigns(user) else Campaign.objects.none()
    page = paginate(request, campaigns)
    return render(
        request,
        "honours/campaign_list.html",
        {
            "page": page,
            "can_create": scope.has_perm(user, "honours.manage"),
            "self_only": not _reads_campaigns(user),
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
    campaign = _campaign(user, pk, "honours.manage")
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


def _allocation_orgs(campaign: Campaign) -> list[tuple[int, str]]:
    nodes = (
        OrgNode.objects.filter(parent=campaign.org, kind__in=[Kind.TOWN, Kind.MEMBER_UNIT])
        .filter(valid_to__isnull=True)
        .order_by("kind", "path")[:200]
    )
    return [(n.pk, n.display_name) for n in nodes]


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk)
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
            "allocation_form": AllocationForm(awards=award_choices, orgs=_allocation_orgs(campaign)),
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


def _back(campaign: Campaign, anchor: str = "") -> HttpResponse:
    return redirect(reverse("honours:campaign-detail", args=[campaign.pk]) + (f"#{anchor}" if anchor else ""))


@require_POST
@login_required
def campaign_open(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk, "honours.manage")
    try:
        services.campaign_open(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已开始推荐：各单位现在可以提交推荐。"))
    return _back(campaign)


@require_POST
@login_required
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk, "honours.manage")
    try:
        services.campaign_close(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已截止推荐：不再接受新的推荐和提交，审核继续。"))
    return _back(campaign)


@require_POST
@login_required
def campaign_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk, "honours.manage")
    try:
        services.campaign_cancel(actor=request.user, campaign=campaign, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已撤销活动。"))
    return _back(campaign)


@require_POST
@login_required
def award_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk, "honours.manage")
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("奖项信息不完整：请填写荣誉类别、名称和名额（正整数）。"))
        return _back(campaign, "setup")
    try:
        services.award_save(actor=request.user, campaign=campaign, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已添加奖项。"))
    return _back(campaign, "setup")


@require_POST
@login_required
def allocation_set(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk, "honours.manage")
    awards = [(a.pk, a.title) for a in campaign.awards.all()]
    form = AllocationForm(request.POST, awards=awards, orgs=_allocation_orgs(campaign))
    if not form.is_valid():
        messages.error(request, _("名额分配不完整：请选择奖项、单位并填写名额。"))
        return _back(campaign, "setup")
    award = Award.objects.get(pk=form.cleaned_data["award"], campaign=campaign)
    org = OrgNode.objects.get(pk=form.cleaned_data["org"])
    try:
        services.allocation_set(actor=user, campaign=campaign, award=award, org=org, quota=form.cleaned_data["quota"])
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已保存名额分配。"))
    return _back(campaign, "setup")


@require_POST
@login_required
def rule_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk, "honours.manage")
    form = RuleForm(request.POST, awards=[(a.pk, a.title) for a in campaign.awards.all()])
    if not form.is_valid():
        messages.error(request, _("规则填写有误：比例应为 0–100，年限为 1–50。"))
        return _back(campaign, "setup")
    data = dict(form.cleaned_data)
    award_pk = data.get("award")
    data["award"] = Award.objects.filter(pk=award_pk, campaign=campaign).first() if award_pk else None
    try:
        services.rule_add(actor=user, campaign=campaign, data=data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已添加规则。"))
    return _back(campaign, "setup")


@require_POST
@login_required
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    rule = scope.get_or_404(user, Rule.objects.select_related("campaign"), "honours.manage", pk=pk)
    campaign = rule.campaign
    try:
        services.rule_delete(actor=user, rule=rule)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已删除规则。"))
    return _back(campaign, "setup")


@require_POST
@login_required
def campaign_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk, "honours.manage")
    form = NoticeStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写公示开始日期。"))
        return _back(campaign)
    try:
        services.campaign_start_notice(actor=request.user, campaign=campaign, starts_on=form.cleaned_data["starts_on"])
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已开始公示：公示页面和公示文件已生成。"))
    return _back(campaign)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk, "honours.manage")
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
    campaign = _campaign(request.user, pk)
    if campaign.status not in (CampaignStatus.NOTICE, CampaignStatus.DECIDED) or not campaign.notice_starts_on:
        messages.error(request, _("公示尚未开始，不能下载公示文件。"))
        return _back(campaign)
    content = documents.notice_docx(campaign, selectors.public_rows(campaign))
    return _download(content, f"{campaign.name}公示.docx", DOCX)


def _certificates(request: AuthedRequest, honours: list[Honour], filename: str, back: str) -> HttpResponse:
    try:
        content = documents.certificates_pdf(honours)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return _download(content, filename, "application/pdf")


@require_GET
@login_required
def campaign_certificates(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk, "honours.manage")
    qs = scope.permitted(user, Honour, "honours.manage").filter(campaign=campaign, revoked_on__isnull=True)
    award = _pk(request.GET.get("award"))
    if award:
        qs = qs.filter(nomination__award_id=award)
    honours = list(qs.select_related("campaign").order_by("id")[: documents.MAX_CERTIFICATES + 1])
    back = reverse("honours:campaign-detail", args=[campaign.pk])
    if not honours:
        messages.error(request, _("本活动还没有荣誉记录（批准表彰后才能打印证书）。"))
        return redirect(back)
    return _certificates(request, honours, f"{campaign.name}证书.pdf", back)


# ---------------------------------------------------------------------------------------------
# Nominations


@require_GET
@login_required
def nomination_list(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk)
    filters = selectors.NominationFilters(
        status=request.GET.get("status", ""),
        award=_pk(request.GET.get("award")),
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
    campaign = _campaign(user, pk)
    units = _units(user, campaign)
    if not units:
        raise PermissionDenied
    awards = list(campaign.awards.all())
    source = request.POST if request.method == "POST" else request.GET
    unit = next((u for u in units if u.pk == _pk(source.get("unit"))), units[0] if len(units) == 1 else None)
    if unit is None and user.org is not None:
        unit = next((u for u in units if u.pk == user.org.pk), None)
    form = NominationForm(
        request.POST or None,
        actor=user,
        units=[(u.pk, u.name) for u in units],
        awards=[(a.pk, f"{a.title}（{a.get_subject_display()}，名额 {a.quota}）") for a in awards],
        initial={"unit": unit.pk if unit else None, "award": _pk(source.get("award"))},
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
    campaign = _campaign(user, pk)
    unit = selectors.nominating_units(user, campaign).filter(pk=_pk(request.GET.get("unit")) or 0).first()
    award = campaign.awards.filter(pk=_pk(request.GET.get("award")) or 0).first()
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


def _nomination(user: Any, pk: int, perm: str | None = None) -> Nomination:
    qs = Nomination.objects.select_related("campaign", "campaign__org", "award", "unit", "org", "person")
    return scope.get_or_404(user, qs, perm, pk=pk)


@require_GET
@login_required
def nomination_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    nomination = _nomination(user, pk)
    editable = nomination.status in EDITABLE_STATUSES and scope.can(user, nomination, "honours.nominate")
    review_perm = {"town": "honours.review", "county": "honours.manage"}.get(str(nomination.status))
    can_review = bool(review_perm) and scope.can(user, nomination, review_perm or "")
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
    nomination = _nomination(user, pk, "honours.nominate")
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


def _to_nomination(nomination: Nomination) -> HttpResponse:
    return redirect("honours:nomination-detail", pk=nomination.pk)


@require_POST
@login_required
def nomination_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request.user, pk, "honours.nominate")
    form = SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.nomination_submit(actor=request.user, nomination=nomination, comment=comment)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已提交审核。"))
    return _to_nomination(nomination)


@require_POST
@login_required
def nomination_review(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    nomination = _nomination(user, pk)
    perm = "honours.manage" if nomination.status == NominationStatus.COUNTY else "honours.review"
    scope.require(user, nomination, perm)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核意见。"))
        return _to_nomination(nomination)
    try:
        services.nomination_review(actor=user, nomination=nomination, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已记录审核意见。"))
    nxt = request.POST.get("next", "")
    if nxt == "list":
        return redirect("honours:nomination-list", pk=nomination.campaign_id)
    return _to_nomination(nomination)


@require_POST
@login_required
def nomination_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request.user, pk, "honours.nominate")
    form = ReasonForm(request.POST)
    try:
        services.nomination_withdraw(
            actor=request.user, nomination=nomination, reason=form.data.get("reason", "") if form.is_bound else ""
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已撤回推荐。"))
    return _to_nomination(nomination)


@require_POST
@login_required
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request.user, pk, "honours.nominate")
    try:
        services.attachment_add(actor=request.user, nomination=nomination, upload=request.FILES.get("file"))
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已上传材料。"))
    return _to_nomination(nomination)


@require_POST
@login_required
def clearance_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request.user, pk, "honours.nominate")
    form = ClearanceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写审查事项、出具部门和出具日期。"))
        return _to_nomination(nomination)
    data = form.cleaned_data
    try:
        services.clearance_save(
            actor=request.user,
            nomination=nomination,
            kind=data["kind"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            passed=data["passed"],
            note=data["note"],
            upload=data.get("file"),
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已记录审查意见。"))
    return _to_nomination(nomination)


@require_GET
@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = scope.get_or_404(request.user, Attachment, None, pk=pk)
    path = services.attachment_path(attachment)
    if not path.is_file():
        raise Http404
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@require_POST
@login_required
def attachment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    attachment = scope.get_or_404(request.user, Attachment.objects.select_related("nomination"), None, pk=pk)
    nomination = attachment.nomination
    scope.require(request.user, nomination, "honours.nominate")
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已删除材料。"))
    return _to_nomination(nomination)


# ---------------------------------------------------------------------------------------------
# Objections and the public notice


@require_POST
@login_required
def objection_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = _campaign(user, pk, "honours.manage")
    nominees = [(n.pk, n.name) for n in services.shortlist(campaign)]
    form = ObjectionForm(request.POST, nominees=nominees)
    if not form.is_valid():
        messages.error(request, _("请填写收到日期和反映内容，并从公示名单中选择所涉人选。"))
        return _back(campaign, "objections")
    data = form.cleaned_data
    nomination = Nomination.objects.filter(pk=data["nomination"]).first() if data.get("nomination") else None
    try:
        services.objection_record(
            actor=user,
            campaign=campaign,
            nomination=nomination,
            content=data["content"],
            contact=data["contact"],
            received_on=data["received_on"],
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已登记公示异议。"))
    return _back(campaign, "objections")


@require_POST
@login_required
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    objection = scope.get_or_404(user, Objection.objects.select_related("campaign"), "honours.manage", pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论，填写处理意见和办结日期。"))
        return _back(objection.campaign, "objections")
    try:
        services.objection_resolve(actor=user, objection=objection, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("异议已办结。"))
    return _back(objection.campaign, "objections")


def _public_limit() -> int:
    return int(getattr(settings, "HONOURS_PUBLIC_OBJECTIONS_PER_HOUR", 5))


def _public_cap() -> int:
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
                        actor=None,
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


# ---------------------------------------------------------------------------------------------
# The register


def _honour_filters(request: AuthedRequest) -> tuple[HonourFilterForm, selectors.HonourFilters]:
    form = HonourFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.HonourFilters(
        q=(data.get("q") or "").strip(),
        kind=data.get("kind") or "",
        level=data.get("level") or "",
        year=data.get("year"),
        campaign=_pk(request.GET.get("campaign")),
    )
    return form, filters


@require_GET
@login_required
def honour_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.view")
    form, filters = _honour_filters(request)
    page = paginate(request, selectors.honour_list(user, filters), default_size=50)
    return render(
        request,
        "honours/honour_list.html",
        {
            "form": form,
            "page": page,
            "can_create": scope.has_perm(user, "honours.manage"),
            "self_only": not _reads_campaigns(user),
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADERS = ("获得者", "类别", "荣誉称号", "级别", "年度", "授予单位", "授予日期", "单位", "证书编号", "状态")


@require_GET
@login_required
def honour_export(request: AuthedRequest) -> Any:
    user = request.user
    scope.require_perm(user, "honours.view")
    form, filters = _honour_filters(request)
    if request.GET.get("format") != "xlsx":
        query = request.GET.copy()
        query["format"] = "xlsx"
        return render(request, "honours/honour_export.html", {"form": form, "query": query.urlencode()})
    qs = selectors.honour_list(user, filters)

    def rows() -> Any:
        for h in qs.iterator(chunk_size=2000):
            yield (
                h.name,
                h.get_kind_display(),
                h.title,
                h.get_level_display(),
                h.year,
                h.issuer,
                h.awarded_on,
                h.org.name,
                h.certificate_no,
                f"已撤销（{h.revoked_on}）" if h.revoked_on else "有效",
            )

    return exports.stream_xlsx("荣誉记录.xlsx", EXPORT_HEADERS, rows(), sheet_name="荣誉记录")


def _honour(user: Any, pk: int, perm: str | None = None) -> Honour:
    return scope.get_or_404(user, Honour.objects.select_related("org", "person", "campaign"), perm, pk=pk)


@require_GET
@login_required
def honour_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    honour = _honour(user, pk)
    return render(
        request,
        "honours/honour_detail.html",
        {
            "h": honour,
            "can_revoke": honour.revoked_on is None and scope.can(user, honour, "honours.manage"),
            "revoke_form": RevokeForm(initial={"on": dt.date.today()}),
        },
    )


@require_GET
@login_required
def honour_certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    honour = _honour(request.user, pk)
    if honour.revoked_on is not None:
        messages.error(request, _("该荣誉已撤销，不能打印证书。"))
        return redirect("honours:honour-detail", pk=honour.pk)
    return _certificates(
        request, [honour], f"{honour.name}{honour.title}证书.pdf", reverse("honours:honour-detail", args=[honour.pk])
    )


@require_POST
@login_required
def honour_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    honour = _honour(request.user, pk, "honours.manage")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销日期和原因。"))
    else:
        try:
            services.honour_revoke(actor=request.user, honour=honour, **form.cleaned_data)
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已撤销该荣誉。"))
    return redirect("honours:honour-detail", pk=honour.pk)


@require_http_methods(["GET", "POST"])
@login_required
def honour_create(request: AuthedRequest) -> HttpResponse:
    """Record an honour conferred by another body (省、市、全国) for a person or a collective."""
    user = request.user
    scope.require_perm(user, "honours.manage")
    form = HonourForm(request.POST or None, initial={"year": dt.date.today().year})
    person = org = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("person"):
            person = scope.visible(user, Member).filter(pk=data["person"]).first()
        if data.get("org"):
            org = scope.permitted(user, OrgNode, "honours.manage").filter(pk=data["org"]).first()
        if data.get("person") and person is None:
            form.add_error(None, _("找不到该会员，或不在您的管理范围内。"))
        else:
            try:
                honour = services.honour_grant(
                    actor=user,
                    person=person,
                    org=org,
                    kind=data["kind"],
                    title=data["title"],
                    level=data["level"],
                    year=data["year"],
                    issuer=data["issuer"],
                    awarded_on=data.get("awarded_on"),
                    certificate_no=data.get("certificate_no") or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记荣誉。"))
                return redirect("honours:honour-detail", pk=honour.pk)
    return render(request, "honours/honour_form.html", {"form": form, "person": person, "org": org})


@require_GET
@login_required
def honour_pick(request: AuthedRequest) -> HttpResponse:
    """HTMX: members (by name, pinyin or ID number) or units, for recording an honour."""
    user = request.user
    scope.require_perm(user, "honours.manage")
    term = request.GET.get("q", "").strip()[:50]
    people: list[Member] = []
    collectives: list[OrgNode] = []
    if term:
        from gefeng.members.selectors import MemberFilters, member_list

        people = list(member_list(user, MemberFilters(q=term, status=""))[:20])
        collectives = list(
            scope.permitted(user, OrgNode, "honours.manage")
            .filter(Q(name__startswith=term) | Q(short_name__startswith=term))
            .order_by("path")[:20]
        )
    return render(request, "honours/_honour_pick.html", {"people": people, "collectives": collectives, "term": term})
