"""Results of a competition: aggregation, rankings per trade and group, tiers, titles and
promotions, 公示 with objections, the upward nomination."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.members.models import Member, SkillLevel
from gefeng.skills.models import AwardMode, Competition, CompLevel, CompStatus, Entry, EntryStatus, Part, Tier, TieRule
from gefeng.skills.services._common import day, need, require_on
from gefeng.skills.services.competitions import PLACES, TITLE, _status

LEVEL_PREFIX: dict[str, str] = {
    CompLevel.COUNTY: "沛县",
    CompLevel.TOWN: "",
    CompLevel.INDUSTRY: "",
    CompLevel.ENTERPRISE: "",
}


def aggregate(values: list[Decimal], drop_extremes: bool) -> Decimal | None:
    """The mean of the judges' scores; with `drop_extremes` and at least three judges, one highest
    and one lowest score are left out first.

    Rule: the competition's aggregation setting (its notice: 去掉一个最高分和一个最低分)."""
    if not values:
        return None
    ordered = sorted(values)
    if drop_extremes and len(ordered) >= 3:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(PLACES, ROUND_HALF_UP)


def weighted(competition: Competition, entry: Entry) -> Decimal | None:
    """Total on a 100-point scale: theory and practice each scaled to 100 and weighted.

    Rule: theory : practice = 3 : 7 by default (全国职工职业技能大赛), a setting of each competition."""
    if entry.theory is None or entry.practice is None:
        return None
    t = entry.theory * 100 / entry.trade.theory_max
    p = entry.practice * 100 / entry.trade.practice_max
    return ((t * competition.theory_weight + p * competition.practice_weight) / 100).quantize(PLACES, ROUND_HALF_UP)


def tier_counts(competition: Competition, n: int) -> tuple[int, int, int]:
    """How many of `n` contestants of a trade get 一、二、三等奖.

    Rule: by share (e.g. 10 % / 20 % / 30 %, rounded half up, at least one first prize when there
    are contestants) or by fixed places — the competition's setting."""
    if competition.award_mode == AwardMode.PLACES:
        a = min(competition.first, n)
        b = min(competition.second, n - a)
        return a, b, min(competition.third, n - a - b)

    def share(p: int) -> int:
        return int((Decimal(n) * p / 100).quantize(Decimal(1), ROUND_HALF_UP))

    a = max(1, share(competition.first)) if n and competition.first else 0
    b = min(share(competition.second), n - a)
    return a, b, min(share(competition.third), n - a - b)


def _sort_key(competition: Competition, entry: Entry) -> tuple[Any, ...]:
    second = entry.practice if competition.tie_rule == TieRule.PRACTICE else entry.theory
    return (-(entry.total or 0), -(second or 0) if competition.tie_rule != TieRule.SHARED else 0, entry.pk)


def _promotion(level: str) -> str:
    """One level up from the member's skill level; 三级/高级工 for a contestant without one."""
    if not level:
        return SkillLevel.L3
    return str(max(1, int(level) - 1))


@accepts_system
@transaction.atomic
def results_compute(*, actor: Any, competition: Competition) -> int:
    """Aggregate every contestant's scores, rank each trade and group, give tiers and the titles
    and promotions the ranks carry (granted when the results are final)."""
    require_on(actor, competition)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _status(competition, CompStatus.SCORING, doing="计算成绩")
    entries = list(
        competition.entries.filter(status=EntryStatus.REGISTERED)
        .select_related("trade", "person")
        .prefetch_related("scores")
    )
    missing = []
    for entry in entries:
        by_part: dict[str, list[Decimal]] = defaultdict(list)
        for s in entry.scores.all():
            by_part[s.part].append(s.value)
        entry.theory = aggregate(by_part[Part.THEORY], competition.drop_extremes)
        entry.practice = aggregate(by_part[Part.PRACTICE], competition.drop_extremes)
        entry.total = weighted(competition, entry)
        if entry.total is None:
            missing.append(entry.name)
    if missing:
        raise ValidationError(
            f"以下选手成绩不全（缺理论或实操）：{'、'.join(missing[:20])}" + ("等" if len(missing) > 20 else "")
        )
    prefix = LEVEL_PREFIX.get(competition.level, "")
    by_trade: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_trade[entry.trade_id].append(entry)
    for group in by_trade.values():
        group.sort(key=lambda e: _sort_key(competition, e))
        a, b, c = tier_counts(competition, len(group))
        previous: Entry | None = None
        for i, entry in enumerate(group, start=1):
            tied = previous is not None and _sort_key(competition, previous)[:2] == _sort_key(competition, entry)[:2]
            entry.rank = previous.rank if tied and previous is not None else i
            position = entry.rank or i
            entry.tier = (
                Tier.FIRST
                if position <= a
                else Tier.SECOND
                if position <= a + b
                else Tier.THIRD
                if position <= a + b + c
                else ""
            )
            entry.title = f"{prefix}{competition.industry.name}{TITLE}" if position <= competition.title_places else ""
            entry.promoted_to = _promotion(entry.person.skill_level) if position <= competition.promote_places else ""
            previous = entry
    Entry.objects.bulk_update(entries, ["theory", "practice", "total", "rank", "tier", "title", "promoted_to"])
    audit.record(actor=actor, action="skills.results.computed", obj=competition, changes={"entries": len(entries)})
    return len(entries)


@accepts_system
@transaction.atomic
def results_publish(*, actor: Any, competition: Competition, notice_ends_on: Any) -> Competition:
    """Start the 公示 of the results (ranks and tiers), open to objections until `notice_ends_on`.

    Rule: results are published before titles are granted (公示期 at least 5 working days is the
    usual practice; the end date is set per competition)."""
    require_on(actor, competition)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _status(competition, CompStatus.SCORING, doing="公示")
    ends = day(notice_ends_on, "notice_ends_on")
    if competition.entries.filter(status=EntryStatus.REGISTERED, rank__isnull=True).exists():
        raise ValidationError("请先计算成绩和名次。")
    competition.status, competition.notice_ends_on = CompStatus.NOTICE, ends
    competition.save(update_fields=["status", "notice_ends_on"])
    audit.record(actor=actor, action="skills.results.published", obj=competition, changes={"notice_ends_on": ends})
    return competition


@accepts_system
@transaction.atomic
def objection_record(*, actor: Any, entry: Entry, objection: Any) -> Entry:
    entry.competition = Competition.objects.get(pk=entry.competition_id)
    require_on(actor, entry.competition)
    _status(entry.competition, CompStatus.NOTICE, doing="登记异议")
    entry.objection = need(objection, "objection", "请填写异议内容。", 2000)
    entry.objection_result = ""
    entry.save(update_fields=["objection", "objection_result"])
    audit.record(actor=actor, action="skills.objection.recorded", obj=entry, changes={"objection": entry.objection})
    return entry


@accepts_system
@transaction.atomic
def objection_resolve(*, actor: Any, entry: Entry, result: Any, disqualify: bool = False) -> Entry:
    entry.competition = Competition.objects.get(pk=entry.competition_id)
    require_on(actor, entry.competition)
    _status(entry.competition, CompStatus.NOTICE, doing="处理异议")
    if not entry.objection:
        raise ValidationError("该选手没有待处理的异议。")
    entry.objection_result = need(result, "result", "请填写异议处理结果。", 2000)
    fields = ["objection_result"]
    if disqualify:
        entry.status, entry.tier, entry.title, entry.promoted_to = EntryStatus.INELIGIBLE, "", "", ""
        fields += ["status", "tier", "title", "promoted_to"]
    entry.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="skills.objection.resolved",
        obj=entry,
        changes={"result": entry.objection_result, "disqualify": disqualify},
    )
    return entry


@accepts_system
@transaction.atomic
def results_finalize(*, actor: Any, competition: Competition, on: Any = None, today: dt.date | None = None) -> int:
    """Close the 公示 and grant: certificate numbers for every prize-winner, the 技术能手 titles and
    the promoted skill levels, written to the registry record (the talent profile shows them).

    Rule: titles by rank (全国职工职业技能大赛: top places → 技术能手 and a level up), with the
    number of places a setting of each competition; granted only after the 公示 has ended and
    every objection has an answer."""
    require_on(actor, competition)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _status(competition, CompStatus.NOTICE, doing="确认结果")
    today = today or dt.date.today()
    if competition.notice_ends_on and today <= competition.notice_ends_on and not actors.is_system(actor):
        raise ValidationError(f"公示期至 {competition.notice_ends_on:%Y-%m-%d}，期满后才能确认结果。")
    if competition.entries.exclude(objection="").filter(objection_result="").exists():
        raise ValidationError("还有未处理的公示异议。")
    granted_on = day(on, "on", required=False) or today
    n = 0
    winners = (
        competition.entries.filter(status=EntryStatus.REGISTERED).exclude(tier="", title="").select_related("person")
    )
    for entry in winners.order_by("trade_id", "rank", "id"):
        n += 1
        entry.granted_on = granted_on
        entry.certificate_no = f"JN{competition.year}{competition.pk:04d}{n:04d}"
        entry.save(update_fields=["granted_on", "certificate_no"])
        person = entry.person
        if entry.promoted_to and (not person.skill_level or int(person.skill_level) > int(entry.promoted_to)):
            promote(actor=actor, member=person, level=entry.promoted_to, because=competition.name)
    competition.status = CompStatus.CLOSED
    competition.save(update_fields=["status"])
    audit.record(actor=actor, action="skills.results.finalized", obj=competition, changes={"granted": n})
    return n


def promote(*, actor: Any, member: Member, level: str, because: str) -> None:
    """Raise the registry record's skill level (技能等级) for a competition result, audited on the
    member. Whoever finalises the results raises the levels they carry (the system in the demo)."""
    before = member.skill_level
    Member.objects.filter(pk=member.pk).update(skill_level=level, updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="skills.member.promoted",
        obj=member,
        changes={"skill_level": audit.changed(before, level), "because": because},
    )


@accepts_system
@transaction.atomic
def entry_nominate(*, actor: Any, entry: Entry, to: Any) -> Entry:
    """Recommend a winner upward (the city or provincial contest, the 五一劳动奖章).

    Rule: each trade's first place may be nominated (全国职工职业技能大赛 practice)."""
    entry.competition = Competition.objects.get(pk=entry.competition_id)
    require_on(actor, entry.competition)
    _status(entry.competition, CompStatus.CLOSED, doing="向上推荐")
    if entry.rank != 1:
        raise ValidationError("只有各工种第一名可以向上推荐。")
    entry.nominated = need(to, "to", "请填写推荐去向。", 100)
    entry.save(update_fields=["nominated"])
    audit.record(actor=actor, action="skills.entry.nominated", obj=entry, changes={"to": entry.nominated})
    return entry
