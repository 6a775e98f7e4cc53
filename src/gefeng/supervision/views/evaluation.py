"""Pages of 年终考评: the evaluation, its rules, the units' scores and adjustments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.supervision import scoring, selectors, services
from gefeng.supervision.forms import (
    AdjustmentForm,
    EvaluationForm,
    PlanChoiceForm,
    QualityForm,
    ReasonForm,
    RuleForm,
)
from gefeng.supervision.models import (
    Adjustment,
    Evaluation,
    ScoreRule,
    UnitScore,
)
from gefeng.supervision.views._common import (
    GET_POST,
    _manager,
    _plan_choice,
    _xlsx,
)

# ---------------------------------------------------------------- evaluation


@require_GET
@login_required
def evaluation_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    evaluations = list(selectors.evaluations(user)[:50])
    scores = [] if evaluations else list(selectors.own_scores(user)[:50])
    for s in scores:
        s.ranked = selectors.units_ranked(s.evaluation)  # type: ignore[attr-defined]
        s.advanced_names = selectors.advanced_units(s.evaluation)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/evaluation_list.html",
        {"evaluations": evaluations, "scores": scores, "can_manage": _manager(user)},
    )


@require_http_methods(GET_POST)
@login_required
def evaluation_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    plans = selectors.supervisable_plans(user)
    plan = _plan_choice(request, plans)
    year = plan.year if plan else timezone.localdate().year
    initial = {
        "title": _g("%(year)s年度产业工人队伍建设改革工作考评") % {"year": year},
        "as_of": dt.date(year, 12, 31),
        "advanced_count": services.advanced_default(),
    }
    plan_form = PlanChoiceForm(request.POST or None, plans=plans, initial={"plan": plan})
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                actor=user, plan=plan_form.cleaned_data["plan"], data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已建立考评，请核对评分细则后计算得分。"))
            return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    return render(
        request, "supervision/evaluation_form.html", {"form": form, "plan_form": plan_form, "evaluation": None}
    )


def _evaluation(request: AuthedRequest, pk: int, perm: str | None = None) -> Evaluation:
    return scope.get_or_404(request.user, Evaluation.objects.select_related("plan", "finalized_by"), perm, pk=pk)


@require_http_methods(GET_POST)
@login_required
def evaluation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = _evaluation(request, pk, "reform.manage")
    initial = {f: getattr(evaluation, f) for f in services.EVALUATION_FIELDS}
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(actor=user, evaluation=evaluation, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("评分规则已保存，总分和名次已重算。"))
            return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    return render(
        request, "supervision/evaluation_form.html", {"form": form, "plan_form": None, "evaluation": evaluation}
    )


@require_GET
@login_required
def evaluation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = _evaluation(request, pk)
    scores = list(selectors.ranking(user, evaluation))
    chosen = [s for s in scores if s.advanced]
    return render(
        request,
        "supervision/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "scores": scores,
            "chosen": chosen,
            "over": len(chosen) > evaluation.advanced_count,
            "unmarked": sum(1 for s in scores if s.quality is None),
            "rules": evaluation.rules.all(),
            "rule_form": RuleForm(),
            "reopen_form": ReasonForm(),
            "can_manage": scope.can(user, evaluation, "reform.manage"),
        },
    )


@require_POST
@login_required
def evaluation_compute(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    return act(
        request,
        lambda: services.evaluation_compute(actor=request.user, evaluation=evaluation),
        done=lambda n: _g("已按 %(day)s 的数据计算 %(n)s 家单位的得分。") % {"day": evaluation.as_of, "n": n},
        back=reverse("supervision:evaluation-detail", kwargs={"pk": evaluation.pk}),
    )


@require_POST
@login_required
def evaluation_finalize(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    return act(
        request,
        lambda: services.evaluation_finalize(actor=request.user, evaluation=evaluation),
        done=lambda chosen: _g("考评已定稿，评出先进单位 %(n)s 家。") % {"n": len(chosen)},
        back=reverse("supervision:evaluation-detail", kwargs={"pk": evaluation.pk}),
    )


@require_POST
@login_required
def evaluation_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    return act(
        request,
        lambda: services.evaluation_reopen(
            actor=request.user, evaluation=evaluation, reason=request.POST.get("reason", "")
        ),
        done=_g("已撤销定稿。"),
        back=reverse("supervision:evaluation-detail", kwargs={"pk": evaluation.pk}),
    )


@require_GET
@login_required
def evaluation_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The ranking with every unit's breakdown, or (?only=advanced) the list of advanced units."""
    user = request.user
    evaluation = _evaluation(request, pk)
    qs = selectors.ranking(user, evaluation)
    only = request.GET.get("only") == "advanced"
    if only:
        qs = qs.filter(advanced=True)
        headers = ["序号", "单位", "总分", "名次"]

        def rows():
            for n, s in enumerate(qs.iterator(chunk_size=500), start=1):
                yield (n, s.unit.name, float(s.total), s.rank)

        name = f"{evaluation.plan.year}年度产改先进单位名单"
        return _xlsx(request, name, headers, rows(), sheet_name="先进单位")
    headers = [
        "名次", "单位", "承担项目", "已完成", "完成率", "应报", "按时", "迟报", "未报", "及时率",
        "工作质量", "质量评价说明", "加分", "扣分", "总分", "先进单位",
    ]  # fmt: skip

    def all_rows():
        for s in qs.iterator(chunk_size=500):
            yield (
                s.rank,
                s.unit.name,
                s.items,
                s.items_completed,
                float(s.completion),
                s.reports_due,
                s.reports_on_time,
                s.reports_late,
                s.reports_missing,
                float(s.timeliness),
                float(s.quality) if s.quality is not None else "",
                s.quality_reason,
                float(s.bonus),
                float(s.deduction),
                float(s.total),
                s.advanced,
            )

    return _xlsx(request, f"{evaluation.title}-得分排名", headers, all_rows(), sheet_name="得分排名")


@require_POST
@login_required
def rule_create(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "reform.manage")
    form = RuleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("supervision:evaluation-detail", pk=evaluation.pk)
    return act(
        request,
        lambda: services.rule_add(actor=request.user, evaluation=evaluation, data=form.cleaned_data),
        done=_g("已添加加减分项目。"),
        back=reverse("supervision:evaluation-detail", kwargs={"pk": evaluation.pk}),
    )


@require_POST
@login_required
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = scope.get_or_404(request.user, ScoreRule.objects.select_related("evaluation"), "reform.manage", pk=pk)
    return act(
        request,
        lambda: services.rule_delete(actor=request.user, rule=rule),
        done=_g("已删除。"),
        back=reverse("supervision:evaluation-detail", kwargs={"pk": rule.evaluation_id}),
    )


def _score(request: AuthedRequest, pk: int, perm: str | None = None) -> UnitScore:
    qs = UnitScore.objects.select_related("evaluation__plan", "unit")
    return scope.get_or_404(request.user, qs, perm, pk=pk)


@require_GET
@login_required
def score_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    score = _score(request, pk)
    evaluation = score.evaluation
    return render(
        request,
        "supervision/score_detail.html",
        {
            "score": score,
            "evaluation": evaluation,
            "adjustments": scope.visible(user, Adjustment).filter(score=score).select_related("rule", "created_by"),
            "ranked": selectors.units_ranked(evaluation),
            "advanced_names": selectors.advanced_units(evaluation),
            "can_manage": scope.can(user, score, "reform.manage") and not evaluation.is_final,
            "sees_evaluation": scope.visible(user, Evaluation).filter(pk=evaluation.pk).exists(),
            "parts": _parts(score),
        },
    )


def _parts(score: UnitScore) -> list[tuple[str, Any, Any, Any]]:
    """(part, measure, weight, points) for the breakdown table."""
    e = score.evaluation
    q = score.quality
    two = scoring.TWO
    completion = (e.weight_completion * score.completion).quantize(two)
    timeliness = (e.weight_timeliness * score.timeliness).quantize(two)
    quality = (e.weight_quality * (q or 0) / 100).quantize(two)
    return [
        (_g("完成率"), f"{score.completion * 100:.1f}%", e.weight_completion, completion),
        (_g("及时率"), f"{score.timeliness * 100:.1f}%", e.weight_timeliness, timeliness),
        (_g("工作质量"), q if q is not None else _g("未评"), e.weight_quality, quality),
    ]


@require_http_methods(GET_POST)
@login_required
def score_quality(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk, "reform.manage")
    form = QualityForm(request.POST or None, initial={"quality": score.quality, "quality_reason": score.quality_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.score_set_quality(
                actor=request.user,
                score=score,
                quality=form.cleaned_data["quality"],
                reason=form.cleaned_data["quality_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存工作质量得分。"))
            return redirect("supervision:score-detail", pk=score.pk)
    return render(request, "supervision/score_form.html", {"score": score, "form": form, "what": _g("工作质量评分")})


@require_http_methods(GET_POST)
@login_required
def score_adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score(request, pk, "reform.manage")
    form = AdjustmentForm(request.POST or None, rules=score.evaluation.rules.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.adjustment_add(
                actor=request.user,
                score=score,
                rule=form.cleaned_data["rule"],
                times=form.cleaned_data["times"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已记录加减分。"))
            return redirect("supervision:score-detail", pk=score.pk)
    return render(request, "supervision/score_form.html", {"score": score, "form": form, "what": _g("加分 / 扣分")})


@require_POST
@login_required
def adjustment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    qs = Adjustment.objects.select_related("score__evaluation", "rule")
    adj = scope.get_or_404(request.user, qs, "reform.manage", pk=pk)
    return act(
        request,
        lambda: services.adjustment_delete(actor=request.user, adjustment=adj),
        done=_g("已删除该条加减分。"),
        back=reverse("supervision:score-detail", kwargs={"pk": adj.score_id}),
    )
