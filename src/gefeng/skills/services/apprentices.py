"""名师高徒: pairs under a 师徒协议书, periodic assessments, 出师, the master's rewards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from gefeng.core import audit
from gefeng.core.actors import accepts_system
from gefeng.members.models import Member, Status
from gefeng.skills.models import Entry, MasterReward, Pair, PairStatus
from gefeng.skills.services._common import day, employer, money, need, require_on, setting, text


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def add_years(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@accepts_system
@transaction.atomic
def pair_create(
    *,
    actor: Any,
    master: Member,
    apprentice: Member,
    trade: Any,
    starts_on: Any,
    ends_on: Any,
    duties: Any,
    plan: Any,
    targets: Any,
    allowance_monthly: Any = 0,
) -> Pair:
    """Pair a master and an apprentice under a written agreement (duties, plan, targets, period).

    Rule: the apprenticeship lasts 1–2 years (企业新型学徒制; `SKILLS_APPRENTICE_MIN_MONTHS` 12 and
    `SKILLS_APPRENTICE_MAX_MONTHS` 24, local settings); an apprentice has one master at a time."""
    org = employer(master)
    require_on(actor, org)
    errors: dict[str, list[str]] = {}
    if master.pk == apprentice.pk:
        errors["apprentice"] = ["师傅和徒弟不能是同一人。"]
    for who, m in (("master", master), ("apprentice", apprentice)):
        if m.status != Status.ACTIVE:
            errors.setdefault(who, []).append(f"{m.name}的会籍不在“在会”状态。")
    start, end = day(starts_on, "starts_on"), day(ends_on, "ends_on")
    assert start is not None and end is not None
    lo, hi = int(setting("SKILLS_APPRENTICE_MIN_MONTHS", 12)), int(setting("SKILLS_APPRENTICE_MAX_MONTHS", 24))
    if not lo <= _months(start, end + dt.timedelta(days=1)) <= hi:
        errors["ends_on"] = [f"带徒期限应为 {lo}–{hi} 个月。"]
    active = Pair.objects.filter(apprentice=apprentice, status=PairStatus.ACTIVE)
    if active.exists():
        errors.setdefault("apprentice", []).append(f"{apprentice.name}已有在带的师傅。")
    if errors:
        raise ValidationError(errors)
    pair = Pair.objects.create(
        org=org,
        master=master,
        apprentice=apprentice,
        master_name=master.name,
        apprentice_name=apprentice.name,
        trade=need(trade, "trade", "请填写传授的技艺或工种。", 60),
        starts_on=start,
        ends_on=end,
        duties=need(duties, "duties", "请填写双方职责。", 4000),
        plan=need(plan, "plan", "请填写带徒计划。", 4000),
        targets=need(targets, "targets", "请填写培养目标。", 4000),
        allowance_monthly=money(allowance_monthly or 0, "allowance_monthly") or Decimal(0),
    )
    audit.record(
        actor=actor,
        action="skills.pair.created",
        obj=pair,
        changes={"master": master.name, "apprentice": apprentice.name},
    )
    return pair


def _active(pair: Pair) -> Pair:
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.ACTIVE:
        raise ValidationError(f"该结对当前状态为“{pair.get_status_display()}”。")
    return pair


@accepts_system
@transaction.atomic
def assessment_add(*, actor: Any, pair: Pair, on: Any, score: Any, note: Any = "") -> Any:
    require_on(actor, pair)
    pair = _active(pair)
    when = day(on, "on")
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": ["考核得分应为 0–100 的整数。"]}) from None
    if not 0 <= value <= 100:
        raise ValidationError({"score": ["考核得分应为 0–100 的整数。"]})
    assert when is not None
    if when < pair.starts_on:
        raise ValidationError({"on": ["考核日期不能早于结对日期。"]})
    item = pair.assessments.create(on=when, score=value, note=text(note, 300))
    audit.record(actor=actor, action="skills.pair.assessed", obj=pair, changes={"on": when, "score": value})
    return item


@accepts_system
@transaction.atomic
def pair_finish(*, actor: Any, pair: Pair, qualified: bool, result: Any, on: Any) -> Pair:
    """出师: the final assessment's result; qualified or not."""
    require_on(actor, pair)
    pair = _active(pair)
    when = day(on, "on")
    assert when is not None
    if when < pair.starts_on:
        raise ValidationError({"on": ["出师日期不能早于结对日期。"]})
    pair.result = need(result, "result", "请填写出师考核结果。", 2000)
    pair.status = PairStatus.QUALIFIED if qualified else PairStatus.NOT_QUALIFIED
    pair.finished_on = when
    pair.save(update_fields=["result", "status", "finished_on"])
    audit.record(actor=actor, action="skills.pair.finished", obj=pair, changes={"qualified": qualified})
    return pair


@accepts_system
@transaction.atomic
def pair_end(*, actor: Any, pair: Pair, reason: Any, on: Any = None) -> Pair:
    require_on(actor, pair)
    pair = _active(pair)
    pair.result = need(reason, "reason", "请填写解除原因。", 2000)
    pair.status, pair.finished_on = PairStatus.ENDED, day(on, "on", required=False) or dt.date.today()
    pair.save(update_fields=["result", "status", "finished_on"])
    audit.record(actor=actor, action="skills.pair.ended", obj=pair, changes={"reason": pair.result})
    return pair


def reward_grounds(pair: Pair) -> dict[str, str]:
    """What the master may be rewarded for: basis → reason.

    Rule: 衢江 example — the apprentice places in a contest (一、二、三等奖) or reaches 技师 (二级) or
    above within `SKILLS_MASTER_REWARD_YEARS` (3) years of the agreement; one reward per basis."""
    years = int(setting("SKILLS_MASTER_REWARD_YEARS", 3))
    window = Q(granted_on__gte=pair.starts_on, granted_on__lte=add_years(pair.starts_on, years))
    placed = Entry.objects.filter(window, person_id=pair.apprentice_id).exclude(tier="").order_by("granted_on").first()
    out: dict[str, str] = {}
    if placed is not None:
        out["contest"] = f"徒弟{pair.apprentice_name}在{placed.competition.name}中获{placed.get_tier_display()}"
    levelled = Entry.objects.filter(window, person_id=pair.apprentice_id, promoted_to__in=("1", "2")).first()
    if levelled is not None:
        out["level"] = f"徒弟{pair.apprentice_name}经{levelled.competition.name}晋升为技师及以上"
    elif (
        pair.status == PairStatus.QUALIFIED
        and pair.apprentice.skill_level in ("1", "2")
        and pair.finished_on
        and pair.finished_on <= add_years(pair.starts_on, years)
    ):
        out["level"] = f"徒弟{pair.apprentice_name}出师时达到{pair.apprentice.get_skill_level_display()}"
    return out


@accepts_system
@transaction.atomic
def master_reward(*, actor: Any, pair: Pair, basis: str, on: Any = None) -> MasterReward:
    require_on(actor, pair)
    grounds = reward_grounds(pair)
    if basis not in grounds:
        raise ValidationError({"basis": ["不符合师傅奖励条件（徒弟须在结对后规定年限内获奖或晋升技师）。"]})
    amount = money(setting("SKILLS_MASTER_REWARD_YUAN", 1000), "amount") or Decimal(0)
    try:
        with transaction.atomic():
            reward = MasterReward.objects.create(
                pair=pair,
                reason=grounds[basis],
                basis=basis,
                amount=amount,
                on=day(on, "on", required=False) or dt.date.today(),
            )
    except IntegrityError:
        raise ValidationError("该事由已奖励过师傅，不重复奖励。") from None
    audit.record(
        actor=actor, action="skills.pair.rewarded", obj=pair, changes={"reason": reward.reason, "amount": amount}
    )
    return reward
