"""Pages of the competitions: list, create, the competition's page (trades, judges, entries,
scores, results, 公示), registration by the enterprise's union, exports and certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.skills import documents, selectors, services
from gefeng.skills.forms import CompetitionForm, IndustryForm, JudgeForm, RegisterForm, TradeForm, UploadForm
from gefeng.skills.models import Competition, CompStatus, Entry, EntryStatus, Judge, Part, Score
from gefeng.skills.views._common import PDF, document_response, officials, pk_of, with_upload

MANAGE = services.MANAGE


@require_http_methods(["GET", "POST"])
@login_required
def industry_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    root = selectors.manage_root(user)
    form = IndustryForm(request.POST or None)
    if request.method == "POST":
        if root is None:
            raise Http404
        if form.is_valid():
            try:
                services.industry_create(actor=user, org=root, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已新增行业。")
                return redirect("skills:industry-list")
    return render(
        request, "skills/industry_list.html", {"rows": selectors.industries(user)[:200], "form": form, "root": root}
    )


@require_GET
@login_required
def competition_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    year = pk_of(request.GET.get("year"))
    page = paginate(request, selectors.competitions(user, year=year))
    return render(
        request,
        "skills/competition_list.html",
        {
            "page": page,
            "root": selectors.manage_root(user),
            "open": list(selectors.registrable(user)[:20]),
            "year": year or "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def competition_create(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    root = selectors.manage_root(user)
    if root is None:
        raise Http404
    industries = list(selectors.industries_for(root)[:100])
    form = CompetitionForm(request.POST or None, industries=industries)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industry = next((i for i in industries if i.pk == data.pop("industry")), None)
        try:
            if industry is None:
                raise ValidationError({"industry": ["请选择行业。"]})
            comp = services.competition_create(actor=user, org=root, industry=industry, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新建竞赛，请添加工种和评委。")
            return redirect("skills:competition-detail", pk=comp.pk)
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": "新建技能竞赛", "back": reverse("skills:competition-list"), "multipart": False},
    )


def _competition(user: Any, pk: int, perm: str | None = None) -> Competition:
    return scope.get_or_404(user, Competition.objects.select_related("org", "industry"), perm, pk=pk)


@require_GET
@login_required
def competition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    comp = _competition(user, pk)
    can = scope.can(user, comp, MANAGE)
    rows = list(selectors.entries(user, comp)[:2000])
    scores: dict[int, list[Any]] = {}
    if comp.status == CompStatus.SCORING:
        for s in scope.visible(user, Score).filter(entry__competition=comp).select_related("judge"):
            scores.setdefault(s.entry_id, []).append(s)
        for e in rows:
            e.score_list = scores.get(e.pk, [])  # type: ignore[attr-defined]
    judges = list(comp.judges.all())
    return render(
        request,
        "skills/competition_detail.html",
        {
            "c": comp,
            "can_manage": can,
            "trades": list(comp.trades.all()),
            "judges": judges,
            "rows": rows,
            "trade_form": TradeForm(),
            "judge_form": JudgeForm(),
            "upload_form": UploadForm(),
            "parts": Part.choices,
            "withdrawn": EntryStatus.WITHDRAWN,
        },
    )


def _act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = officials(request.user)
    comp = _competition(user, pk, MANAGE)
    return actions.act(
        request, lambda: do(user, comp), done=done, back=reverse("skills:competition-detail", args=[comp.pk])
    )


@require_POST
@login_required
def trade_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = TradeForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"name": ""}
    return _act(request, pk, lambda u, c: services.trade_add(actor=u, competition=c, **data), "已添加工种。")


@require_POST
@login_required
def judge_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = JudgeForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"name": "", "declaration": ""}

    def do(u: Any, c: Competition) -> Any:
        employer = None
        name = data.get("employer_name", "")
        if name:
            from gefeng.orgs.models import OrgNode

            employer = scope.visible(u, OrgNode).filter(name=name).first()
        return services.judge_add(actor=u, competition=c, employer=employer, **data)

    return _act(request, pk, do, "已登记评委及其利益冲突声明。")


@require_POST
@login_required
def competition_scoring(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda u, c: services.competition_start_scoring(actor=u, competition=c), "报名结束，进入评分。"
    )


@require_POST
@login_required
def score_enter(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    comp = _competition(user, pk, MANAGE)
    entry = (
        scope.permitted(user, Entry, "skills.view")
        .filter(competition=comp, pk=pk_of(request.POST.get("entry")) or 0)
        .first()
    )
    judge = Judge.objects.filter(competition=comp, pk=pk_of(request.POST.get("judge")) or 0).first()

    def do() -> Any:
        if entry is None or judge is None:
            raise ValidationError("请选择选手和评委。")
        return services.score_enter(
            actor=user, entry=entry, judge=judge, part=request.POST.get("part", ""), value=request.POST.get("value", "")
        )

    return actions.act(
        request, do, done="已录入成绩。", back=reverse("skills:competition-detail", args=[comp.pk]) + "#scores"
    )


@require_POST
@login_required
def score_import(request: AuthedRequest, pk: int) -> HttpResponse:
    def do(u: Any, c: Competition) -> Any:
        return with_upload(
            request.FILES.get("file"),
            lambda path, name: services.scores_import(actor=u, competition=c, path=path, filename=name),
        )

    return _act(request, pk, do, "成绩表已导入。")


@require_POST
@login_required
def results_compute(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, c: services.results_compute(actor=u, competition=c), "已计算成绩、名次和奖项。")


@require_POST
@login_required
def results_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    ends = request.POST.get("notice_ends_on", "")
    return _act(
        request, pk, lambda u, c: services.results_publish(actor=u, competition=c, notice_ends_on=ends), "结果已公示。"
    )


@require_POST
@login_required
def results_finalize(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda u, c: services.results_finalize(actor=u, competition=c),
        "结果已确认，称号和技能等级已授予。",
    )


def _entry_act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = officials(request.user)
    entry = scope.get_or_404(user, Entry.objects.select_related("competition", "person"), None, pk=pk)
    scope.require(user, entry.competition, MANAGE)
    back = reverse("skills:competition-detail", args=[entry.competition_id])
    return actions.act(request, lambda: do(user, entry), done=done, back=back)


@require_POST
@login_required
def objection_record(request: AuthedRequest, pk: int) -> HttpResponse:
    text = request.POST.get("objection", "")
    return _entry_act(
        request, pk, lambda u, e: services.objection_record(actor=u, entry=e, objection=text), "已登记异议。"
    )


@require_POST
@login_required
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    text, dq = request.POST.get("result", ""), request.POST.get("disqualify") == "1"
    return _entry_act(
        request,
        pk,
        lambda u, e: services.objection_resolve(actor=u, entry=e, result=text, disqualify=dq),
        "已处理异议。",
    )


@require_POST
@login_required
def entry_nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    to = request.POST.get("to", "")
    return _entry_act(request, pk, lambda u, e: services.entry_nominate(actor=u, entry=e, to=to), "已向上推荐。")


@require_http_methods(["GET", "POST"])
@login_required
def entry_register(request: AuthedRequest, pk: int) -> HttpResponse:
    """An enterprise's union registers its members (by ID number) for an open competition."""
    user = officials(request.user)
    comp = selectors.registrable(user).filter(pk=pk).first()
    if comp is None:
        raise Http404
    if selectors.manage_root(user) is None:
        raise Http404
    trades = list(comp.trades.all())
    form = RegisterForm(request.POST or None, trades=trades)
    if request.method == "POST" and form.is_valid():
        trade = next((t for t in trades if t.pk == form.cleaned_data["trade"]), None)
        try:
            person = selectors.member_in_scope(user, form.cleaned_data["id_number"])
            if trade is None:
                raise ValidationError({"trade": ["请选择工种。"]})
            entry = services.entry_register(actor=user, competition=comp, trade=trade, person=person)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{entry.name}已报名{trade}。")
            return redirect("skills:entry-register", pk=comp.pk)
    mine = list(scope.visible(user, Entry).filter(competition=comp).select_related("trade").order_by("-id")[:200])
    return render(request, "skills/entry_register.html", {"c": comp, "form": form, "mine": mine})


@require_GET
@login_required
def competition_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = officials(request.user)
    comp = _competition(user, pk)
    headers = ("工种", "组别", "名次", "姓名", "单位", "理论", "实操", "总成绩", "奖项", "称号", "证书编号")
    rows = (
        (e.trade.name, e.trade.group, e.rank, e.name, e.enterprise.name, e.theory, e.practice, e.total,
         e.get_tier_display() if e.tier else "", e.title if e.granted_on else "", e.certificate_no)
        for e in selectors.entries(user, comp).exclude(status=EntryStatus.WITHDRAWN).iterator(chunk_size=500)
    )  # fmt: skip
    return exports.download(
        actor=user,
        action="skills.results.exported",
        filename=f"{comp.name}-成绩",
        headers=headers,
        rows=rows,
        sheet_name="成绩",
        obj=comp,
        object_repr=str(comp),
        changes={"competition": comp.name},
    )


@require_GET
@login_required
def competition_certificates(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    comp = _competition(user, pk, MANAGE)
    rows = list(
        scope.visible(user, Entry)
        .filter(competition=comp, granted_on__isnull=False)
        .exclude(certificate_no="")
        .select_related("competition", "competition__org", "trade", "enterprise")
        .order_by("trade_id", "rank")[: documents.MAX_CERTIFICATES + 1]
    )
    try:
        content = documents.certificates_pdf(rows)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("skills:competition-detail", pk=comp.pk)
    return document_response(content, f"{comp.name}证书.pdf", PDF)
