"""Year-end evaluation (年度考评) of the member units: rules, scores, ranking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from gefeng.core import actors, audit
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Plan
from gefeng.supervision import scoring
from gefeng.supervision.models import (
    Adjustment,
    Evaluation,
    EvaluationState,
    RuleKind,
    ScoreRule,
    UnitScore,
)
from gefeng.supervision.services._common import (
    Errors,
    _date,
    _decimal,
    _now,
    _require_manage,
    _text,
)

# ---------------------------------------------------------------- year-end evaluation

DEFAULT_RULES = (
    (RuleKind.BONUS, "工作经验被省、市推广或作典型发言", Decimal("1"), Decimal("3")),
    (RuleKind.BONUS, "获得市级以上表彰或试点命名", Decimal("1"), Decimal("2")),
    (RuleKind.DEDUCTION, "督办通知逾期未回复", Decimal("1"), Decimal("3")),
    (RuleKind.DEDUCTION, "整改事项逾期未完成", Decimal("1"), Decimal("3")),
)
EVALUATION_FIELDS = (
    "title",
    "as_of",
    "weight_completion",
    "weight_timeliness",
    "weight_quality",
    "late_credit",
    "bonus_cap",
    "deduction_cap",
    "advanced_count",
)


def _evaluation_values(data: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Rule: the three weights sum to 100; caps 0–100; late credit 0–1; 1–100 advanced places (default
    `GEFENG_SUPERVISION_ADVANCED_UNITS`) — local rules the county office enters, after 徐政发〔2020〕3号 年终考评汇总
    and 淮安《市产改评价考核细则》."""
    errors = Errors()
    hundred = Decimal("100")
    values: dict[str, Any] = {
        "title": _text(errors, data, "title", "名称", max_len=200),
        "as_of": _date(errors, data, "as_of", "考评截至日期"),
        "weight_completion": _decimal(errors, data, "weight_completion", "完成率权重", low=Decimal(0), high=hundred),
        "weight_timeliness": _decimal(errors, data, "weight_timeliness", "及时率权重", low=Decimal(0), high=hundred),
        "weight_quality": _decimal(errors, data, "weight_quality", "工作质量权重", low=Decimal(0), high=hundred),
        "late_credit": _decimal(errors, data, "late_credit", "迟报折算", low=Decimal(0), high=Decimal(1)),
        "bonus_cap": _decimal(errors, data, "bonus_cap", "加分上限", low=Decimal(0), high=hundred),
        "deduction_cap": _decimal(errors, data, "deduction_cap", "扣分上限", low=Decimal(0), high=hundred),
    }
    weights = [values[k] for k in ("weight_completion", "weight_timeliness", "weight_quality")]
    if all(w is not None for w in weights) and sum(weights) != hundred:
        errors.add("weight_quality", f"三项权重之和应为 100（现为 {sum(weights)}）。")
    try:
        count = int(str(data.get("advanced_count", "")).strip())
    except ValueError:
        count = 0
    if not 1 <= count <= 100:
        errors.add("advanced_count", "先进单位名额应为 1–100 的整数。")
    values["advanced_count"] = count
    if values["as_of"] and values["as_of"].year != plan.year:
        errors.add("as_of", f"考评截至日期应在 {plan.year} 年内。")
    errors.raise_if_any()
    return values


def evaluation_create(*, actor: Any, plan: Plan, data: dict[str, Any]) -> Evaluation:
    """The year's evaluation with its rules; the usual bonus and deduction items come as rows to edit."""
    _require_manage(actor, plan)
    values = _evaluation_values(data, plan)
    with transaction.atomic():
        if Evaluation.objects.select_for_update().filter(plan=plan).exists():
            raise ValidationError({"__all__": [f"{plan.year} 年度已有考评。"]})
        evaluation = Evaluation.objects.create(plan=plan, created_by=actors.user_of(actor), **values)
        for kind, name, points, cap in DEFAULT_RULES:
            ScoreRule.objects.create(evaluation=evaluation, kind=kind, name=name, points=points, max_points=cap)
        audit.record(actor=actor, action="supervision.evaluation.created", obj=evaluation, changes=values)
    return evaluation


def _require_draft(evaluation: Evaluation) -> None:
    if evaluation.is_final:
        raise ValidationError({"__all__": ["考评已定稿，不能再修改；如需调整，请先撤销定稿。"]})


def evaluation_update(*, actor: Any, evaluation: Evaluation, data: dict[str, Any]) -> Evaluation:
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    values = _evaluation_values(data, evaluation.plan)
    with transaction.atomic():
        before = audit.snapshot(evaluation, EVALUATION_FIELDS)
        for key, value in values.items():
            setattr(evaluation, key, value)
        evaluation.save()
        _retotal(evaluation)
        audit.record(
            actor=actor, action="supervision.evaluation.updated", obj=evaluation, changes=audit.diff(before, values)
        )
    return evaluation


def rule_add(*, actor: Any, evaluation: Evaluation, data: dict[str, Any]) -> ScoreRule:
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    errors = Errors()
    kind = data.get("kind")
    if kind not in RuleKind.values:
        errors.add("kind", "请选择加分或扣分。")
    name = _text(errors, data, "name", "项目名称", max_len=100)
    points = _decimal(errors, data, "points", "每次分值", low=Decimal("0.01"), high=Decimal(100))
    cap = _decimal(errors, data, "max_points", "本项上限", low=Decimal("0.01"), high=Decimal(100), required=False)
    if points is not None and cap is not None and cap < points:
        errors.add("max_points", "本项上限不能小于每次分值。")
    if name and evaluation.rules.filter(kind=kind, name=name).exists():
        errors.add("name", "已有同名的项目。")
    errors.raise_if_any()
    assert kind is not None and points is not None
    with transaction.atomic():
        rule = ScoreRule.objects.create(evaluation=evaluation, kind=kind, name=name, points=points, max_points=cap)
        audit.record(
            actor=actor,
            action="supervision.rule.added",
            obj=rule,
            changes={"kind": kind, "name": name, "points": points, "max_points": cap},
        )
    return rule


def rule_delete(*, actor: Any, rule: ScoreRule) -> None:
    _require_manage(actor, rule)
    _require_draft(rule.evaluation)
    if rule.adjustments.exists():
        raise ValidationError({"__all__": [f"“{rule.name}”已有加减分记录，不能删除。"]})
    with transaction.atomic():
        audit.record(actor=actor, action="supervision.rule.deleted", obj=rule, changes={"name": rule.name})
        rule.delete()


def apply_totals(
    evaluation: Evaluation,
    scores: Sequence[UnitScore],
    given: Callable[[UnitScore], Iterable[tuple[Decimal, ScoreRule]]],
) -> None:
    """Timeliness, bonus, deduction, total, rank and the advanced flag of every score, in memory.

    `given(score)` yields (points given under a rule, the rule) for one unit; see `scoring`.

    Source: 徐政发〔2020〕3号 年终考评汇总; 淮安《市产改评价考核细则》. Weights, caps and late
    credit are the evaluation's own (local) data.
    """
    for score in scores:
        score.timeliness = scoring.timeliness(
            due=score.reports_due,
            on_time=score.reports_on_time,
            late=score.reports_late,
            late_credit=evaluation.late_credit,
        )
        parts = list(given(score))
        bonus = [(p, r.max_points) for p, r in parts if r.kind == RuleKind.BONUS]
        minus = [(p, r.max_points) for p, r in parts if r.kind == RuleKind.DEDUCTION]
        score.bonus = scoring.capped_sum(bonus, evaluation.bonus_cap)
        score.deduction = scoring.capped_sum(minus, evaluation.deduction_cap)
        score.total = scoring.total(
            weight_completion=evaluation.weight_completion,
            weight_timeliness=evaluation.weight_timeliness,
            weight_quality=evaluation.weight_quality,
            completion=score.completion,
            timeliness=score.timeliness,
            quality=score.quality,
            bonus=score.bonus,
            deduction=score.deduction,
        )
    ranked = scoring.rank([scoring.Ranked(s, s.total, s.completion, s.timeliness) for s in scores])
    scoring.select_advanced(ranked, evaluation.advanced_count)
    for r in ranked:
        key = r.key
        assert isinstance(key, UnitScore)
        key.rank, key.advanced = r.rank, r.advanced


def _retotal(evaluation: Evaluation) -> None:
    """Recompute every unit's total from stored parts, then the ranks and the advanced units."""
    scores = list(UnitScore.objects.filter(evaluation=evaluation).select_for_update())
    rules = {r.pk: r for r in ScoreRule.objects.filter(evaluation=evaluation)}
    given: dict[int, list[tuple[Decimal, ScoreRule]]] = defaultdict(list)
    for row in (
        Adjustment.objects.filter(score__evaluation=evaluation).values("score_id", "rule_id").annotate(s=Sum("points"))
    ):
        given[row["score_id"]].append((row["s"], rules[row["rule_id"]]))
    apply_totals(evaluation, scores, lambda s: given[s.pk])
    UnitScore.objects.bulk_update(scores, ["timeliness", "bonus", "deduction", "total", "rank", "advanced"])


def evaluation_compute(*, actor: Any, evaluation: Evaluation, now: dt.datetime | None = None) -> int:
    """Take completion and timeliness of every unit of the plan from the reform data on `as_of`."""
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    plan = evaluation.plan
    progress = reform_selectors.unit_progress(actor, plan, on=evaluation.as_of)
    stats = reform_selectors.unit_report_stats(actor, plan, until=evaluation.as_of)
    unit_ids = sorted(set(progress) | set(stats))
    if not unit_ids:
        raise ValidationError({"__all__": ["该年度计划还没有分工到单位的项目，无法计算得分。"]})
    at = _now(now)
    with transaction.atomic():
        existing = {s.unit_id: s for s in UnitScore.objects.select_for_update().filter(evaluation=evaluation)}
        for pk in unit_ids:
            p, s = progress.get(pk, {}), stats.get(pk, {})
            score = existing.get(pk) or UnitScore(evaluation=evaluation, unit_id=pk)
            score.items = int(p.get("items", 0))
            score.items_completed = int(p.get("completed", 0))
            score.completion = scoring.q4(p.get("completion", 0.0))
            score.reports_due = int(s.get("due", 0))
            score.reports_on_time = int(s.get("on_time", 0))
            score.reports_late = int(s.get("late", 0))
            score.reports_missing = int(s.get("missing", 0))
            score.computed_at = at
            score.save()
        stale = [pk for pk in existing if pk not in set(unit_ids)]
        UnitScore.objects.filter(evaluation=evaluation, unit_id__in=stale, adjustments__isnull=True).delete()
        evaluation.computed_at = at
        evaluation.save(update_fields=["computed_at"])
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action="supervision.evaluation.computed",
            obj=evaluation,
            changes={"units": len(unit_ids), "as_of": evaluation.as_of},
        )
    return len(unit_ids)


def score_set_quality(*, actor: Any, score: UnitScore, quality: Any, reason: str) -> UnitScore:
    """The county office's mark for the quality of a unit's work (0–100), with its reason."""
    _require_manage(actor, score)
    evaluation = score.evaluation
    _require_draft(evaluation)
    errors = Errors()
    value = _decimal(errors, {"quality": quality}, "quality", "工作质量得分", low=Decimal(0), high=Decimal(100))
    text = _text(errors, {"quality_reason": reason}, "quality_reason", "评分理由", max_len=1000)
    errors.raise_if_any()
    with transaction.atomic():
        before = {"quality": score.quality, "quality_reason": score.quality_reason}
        score.quality, score.quality_reason = value, text
        score.save(update_fields=["quality", "quality_reason"])
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action="supervision.score.quality",
            obj=score,
            changes=audit.diff(before, {"quality": value, "quality_reason": text}),
        )
    score.refresh_from_db()
    return score


def adjustment_add(*, actor: Any, score: UnitScore, rule: ScoreRule | None, times: Any, reason: str) -> Adjustment:
    """A bonus or deduction under a rule of the evaluation: rule points × times, with the reason.

    Rule: points per time under a rule, within the rule's cap and then the evaluation's bonus/deduction
    cap, each with a reason — source: 淮安《市产改评价考核细则》 (加减分项).
    """
    _require_manage(actor, score)
    evaluation = score.evaluation
    _require_draft(evaluation)
    errors = Errors()
    if rule is None or rule.evaluation_id != evaluation.pk:
        errors.add("rule", "请选择本次考评的加减分项目。")
    try:
        count = int(str(times).strip())
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 100:
        errors.add("times", "次数应为 1–100 的整数。")
    text = _text(errors, {"reason": reason}, "reason", "事由", max_len=1000)
    errors.raise_if_any()
    assert rule is not None
    points = rule.points * count
    given = Adjustment.objects.filter(score=score, rule=rule).aggregate(s=Sum("points"))["s"] or Decimal(0)
    if rule.max_points is not None and given + points > rule.max_points:
        raise ValidationError(
            {"times": [f"“{rule.name}”本项上限 {rule.max_points} 分，已记 {given} 分，不能再记 {points} 分。"]}
        )
    with transaction.atomic():
        adj = Adjustment.objects.create(
            score=score, rule=rule, points=points, reason=text, created_by=actors.user_of(actor)
        )
        _retotal(evaluation)
        audit.record(
            actor=actor,
            action=f"supervision.score.{rule.kind}",
            obj=score,
            changes={"rule": rule.name, "points": points, "reason": text},
        )
    return adj


def adjustment_delete(*, actor: Any, adjustment: Adjustment) -> None:
    _require_manage(actor, adjustment)
    evaluation = adjustment.score.evaluation
    _require_draft(evaluation)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="supervision.score.adjustment_deleted",
            obj=adjustment.score,
            changes={"rule": adjustment.rule.name, "points": adjustment.points, "reason": adjustment.reason},
        )
        adjustment.delete()
        _retotal(evaluation)


def evaluation_finalize(*, actor: Any, evaluation: Evaluation, now: dt.datetime | None = None) -> list[UnitScore]:
    """Lock the scores and the advanced units (every unit must have its quality mark).

    Rule: every unit needs its quality mark before the result is fixed; advanced units per
    `scoring.select_advanced` — source: 淮安《市产改评价考核细则》 (评先).
    """
    _require_manage(actor, evaluation)
    _require_draft(evaluation)
    if evaluation.computed_at is None or not evaluation.scores.exists():
        raise ValidationError({"__all__": ["请先计算各单位得分。"]})
    missing = list(evaluation.scores.filter(quality__isnull=True).select_related("unit").order_by("unit__path"))
    if missing:
        names = "、".join((s.unit.short_name or s.unit.name) for s in missing[:10])
        more = f" 等 {len(missing)} 家" if len(missing) > 10 else ""
        raise ValidationError({"__all__": [f"以下单位还没有工作质量得分：{names}{more}。"]})
    at = _now(now)
    with transaction.atomic():
        _retotal(evaluation)
        evaluation.state = EvaluationState.FINAL
        evaluation.finalized_at = at
        evaluation.finalized_by = actors.user_of(actor)
        evaluation.save(update_fields=["state", "finalized_at", "finalized_by"])
        chosen = list(evaluation.scores.filter(advanced=True).select_related("unit").order_by("rank", "unit__path"))
        audit.record(
            actor=actor,
            action="supervision.evaluation.finalized",
            obj=evaluation,
            changes={"advanced": [str(s.unit) for s in chosen], "advanced_count": evaluation.advanced_count},
        )
    return chosen


def evaluation_reopen(*, actor: Any, evaluation: Evaluation, reason: str) -> Evaluation:
    _require_manage(actor, evaluation)
    errors = Errors()
    text = _text(errors, {"reason": reason}, "reason", "撤销定稿的理由", max_len=1000)
    if not evaluation.is_final:
        errors.add("__all__", "考评尚未定稿。")
    errors.raise_if_any()
    with transaction.atomic():
        evaluation.state = EvaluationState.DRAFT
        evaluation.save(update_fields=["state"])
        audit.record(actor=actor, action="supervision.evaluation.reopened", obj=evaluation, changes={"reason": text})
    return evaluation
