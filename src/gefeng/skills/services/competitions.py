"""Competitions: the industries dictionary, the competition and its trades, registration with the
eligibility checks, judges with their declarations, scores (by hand or from a sheet), results
(weights, dropping extremes, ties, tiers), 公示 with objections, titles and promotions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, pii
from gefeng.core.actors import accepts_system
from gefeng.core.tabular import Column
from gefeng.members.models import Member, SkillLevel, Status
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import (
    AwardMode,
    Competition,
    CompLevel,
    CompStatus,
    Entry,
    EntryStatus,
    Industry,
    Judge,
    Part,
    Score,
    TieRule,
    Trade,
)
from gefeng.skills.services._common import (
    SELF,
    SheetRefused,
    day,
    employer,
    need,
    read_sheet,
    require_on,
    text,
)

TITLE = "技术能手"
PLACES = Decimal("0.01")


# ---------------------------------------------------------------- the industries dictionary


@accepts_system
@transaction.atomic
def industry_create(*, actor: Any, org: OrgNode, name: Any, order: int = 0) -> Industry:
    require_on(actor, org)
    name_s = need(name, "name", "请填写行业名称。", 40)
    if Industry.objects.filter(org=org, name=name_s).exists():
        raise ValidationError({"name": [f"已有行业“{name_s}”。"]})
    industry = Industry.objects.create(org=org, name=name_s, order=max(0, min(int(order or 0), 999)))
    audit.record(actor=actor, action="skills.industry.created", obj=industry, changes={"name": name_s})
    return industry


# ---------------------------------------------------------------- competitions


def _weights(theory: Any, practice: Any) -> tuple[int, int]:
    """Rule: theory : practice is 3 : 7 by default (全国职工职业技能大赛); the two must add to 100."""
    try:
        t, p = int(theory), int(practice)
    except (TypeError, ValueError):
        raise ValidationError({"theory_weight": ["权重应为整数（%）。"]}) from None
    if t < 0 or p < 0 or t + p != 100:
        raise ValidationError({"theory_weight": ["理论与实操权重之和应为 100%。"]})
    return t, p


@accepts_system
@transaction.atomic
def competition_create(*, actor: Any, org: OrgNode, industry: Industry, data: dict[str, Any]) -> Competition:
    require_on(actor, org)
    if industry.org_id != org.pk and not org.path.startswith(industry.org.path):
        raise ValidationError({"industry": ["该行业不属于本单位可用的行业字典。"]})
    name = need(data.get("name"), "name", "请填写竞赛名称。", 100)
    starts_on = day(data.get("starts_on"), "starts_on")
    closes = day(data.get("registration_closes_on"), "registration_closes_on")
    assert starts_on is not None and closes is not None
    if closes > starts_on:
        raise ValidationError({"registration_closes_on": ["报名截止日期不能晚于比赛日期。"]})
    t, p = _weights(data.get("theory_weight", 30), data.get("practice_weight", 70))
    level = data.get("level") or CompLevel.COUNTY
    if level not in CompLevel.values:
        raise ValidationError({"level": ["请选择竞赛级别。"]})
    mode = data.get("award_mode") or AwardMode.SHARE
    first, second, third = (int(data.get(k, d) or 0) for k, d in (("first", 10), ("second", 20), ("third", 30)))
    if mode == AwardMode.SHARE and first + second + third > 100:
        raise ValidationError({"first": ["各等奖比例之和不能超过 100%。"]})
    min_age, max_age = int(data.get("min_age", 18) or 0), int(data.get("max_age", 60) or 0)
    if not 16 <= min_age <= max_age <= 70:
        raise ValidationError({"min_age": ["年龄范围应在 16–70 岁之间，且最低不高于最高。"]})
    skill = data.get("min_skill_level") or ""
    if skill and skill not in SkillLevel.values:
        raise ValidationError({"min_skill_level": ["请选择技能等级。"]})
    comp = Competition.objects.create(
        org=org,
        industry=industry,
        name=name,
        level=level,
        organiser=text(data.get("organiser"), 100),
        year=starts_on.year,
        starts_on=starts_on,
        registration_closes_on=closes,
        theory_weight=t,
        practice_weight=p,
        drop_extremes=bool(data.get("drop_extremes")),
        tie_rule=str(data.get("tie_rule")) if data.get("tie_rule") in TieRule.values else TieRule.PRACTICE,
        award_mode=mode if mode in AwardMode.values else AwardMode.SHARE,
        first=first,
        second=second,
        third=third,
        title_places=int(data.get("title_places", 3) or 0),
        promote_places=int(data.get("promote_places", 5) or 0),
        min_age=min_age,
        max_age=max_age,
        min_skill_level=skill,
        exclude_titled=bool(data.get("exclude_titled", True)),
        note=text(data.get("note"), 2000),
        is_demo=bool(data.get("is_demo")),
    )
    audit.record(actor=actor, action="skills.competition.created", obj=comp, changes={"name": name, "year": comp.year})
    return comp


@accepts_system
@transaction.atomic
def trade_add(
    *,
    actor: Any,
    competition: Competition,
    name: Any,
    group: Any = "职工组",
    theory_max: int = 100,
    practice_max: int = 100,
) -> Trade:
    require_on(actor, competition)
    name_s = need(name, "name", "请填写工种。", 40)
    group_s = text(group, 20) or "职工组"
    if Trade.objects.filter(competition=competition, name=name_s, group=group_s).exists():
        raise ValidationError({"name": ["该工种和组别已存在。"]})
    if not (0 < int(theory_max) <= 1000 and 0 < int(practice_max) <= 1000):
        raise ValidationError({"theory_max": ["满分应在 1–1000 之间。"]})
    trade = Trade.objects.create(
        competition=competition, name=name_s, group=group_s, theory_max=theory_max, practice_max=practice_max
    )
    audit.record(actor=actor, action="skills.trade.added", obj=competition, changes={"trade": str(trade)})
    return trade


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def eligibility(competition: Competition, person: Member) -> list[str]:
    """Why `person` may not enter `competition` (empty when eligible).

    Rule: the competition's own conditions, set from its notice — age range on the day of the
    contest, the lowest skill level (五级 lowest … 一级 highest), and whether earlier holders of
    the industry's 技术能手 title may enter again; the member must be in the registry (在会)."""
    problems = []
    if person.status != Status.ACTIVE:
        problems.append("会籍不在“在会”状态。")
    age = _age_on(person.birth_date, competition.starts_on)
    if not competition.min_age <= age <= competition.max_age:
        problems.append(f"比赛之日年龄 {age} 岁，不在 {competition.min_age}–{competition.max_age} 岁范围内。")
    if competition.min_skill_level:
        have = person.skill_level
        if not have or int(have) > int(competition.min_skill_level):
            need_label = SkillLevel(competition.min_skill_level).label
            problems.append(f"技能等级未达到{need_label}。")
    if competition.exclude_titled:
        earlier = Entry.objects.filter(
            person=person, competition__industry=competition.industry, competition__year__lt=competition.year
        ).exclude(title="")
        if earlier.exists():
            problems.append("已获得本行业竞赛授予的技术能手称号，按竞赛规则不再参赛。")
    return problems


@accepts_system
@transaction.atomic
def entry_register(
    *, actor: Any, competition: Competition, trade: Trade, person: Member, today: dt.date | None = None
) -> Entry:
    """Register a contestant: the enterprise's union for its members, or the worker for themself."""
    own = getattr(actor, "pk", None) is not None and person.user_id == actor.pk
    if own:
        actors.require_perm(actor, SELF)
    else:
        require_on(actor, employer(person))
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if trade.competition_id != competition.pk:
        raise ValidationError({"trade": ["该工种不属于本竞赛。"]})
    if competition.status != CompStatus.OPEN:
        raise ValidationError(f"竞赛当前状态为“{competition.get_status_display()}”，不能报名。")
    today = today or dt.date.today()
    if today > competition.registration_closes_on and not actors.is_system(actor):
        raise ValidationError("报名已截止。")
    if Entry.objects.filter(competition=competition, trade=trade, person=person).exists():
        raise ValidationError({"person": ["该选手已报名本工种。"]})
    problems = eligibility(competition, person)
    if problems:
        raise ValidationError({"person": [f"{person.name}不符合参赛条件：" + "".join(problems)]})
    entry = Entry.objects.create(
        competition=competition,
        trade=trade,
        person=person,
        enterprise=employer(person),
        name=person.name,
        self_registered=own,
        registered_by=actors.user_of(actor),
    )
    audit.record(
        actor=actor, action="skills.entry.registered", obj=entry, changes={"competition": competition.name, "self": own}
    )
    return entry


@accepts_system
@transaction.atomic
def entry_withdraw(*, actor: Any, entry: Entry) -> Entry:
    own = getattr(actor, "pk", None) is not None and entry.person.user_id == actor.pk
    if not own:
        require_on(actor, entry)
    if Competition.objects.get(pk=entry.competition_id).status != CompStatus.OPEN:
        raise ValidationError("报名期已结束，不能退赛。")
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status"])
    audit.record(actor=actor, action="skills.entry.withdrawn", obj=entry, changes={"status": "withdrawn"})
    return entry


@accepts_system
@transaction.atomic
def judge_add(
    *,
    actor: Any,
    competition: Competition,
    name: Any,
    declaration: Any,
    employer: OrgNode | None = None,
    employer_name: Any = "",
    declared_on: Any = None,
) -> Judge:
    """A judge joins only with a signed declaration of interests naming their employer.

    Rule: 回避 — a judge does not score contestants of their own employer (the competition's
    rules; checked on every score)."""
    require_on(actor, competition)
    name_s = need(name, "name", "请填写评委姓名。", 50)
    decl = need(declaration, "declaration", "评委须填写利益冲突声明（与选手的亲属、同事等关系）。", 2000)
    if Judge.objects.filter(competition=competition, name=name_s).exists():
        raise ValidationError({"name": ["该评委已在名单中。"]})
    judge = Judge.objects.create(
        competition=competition,
        name=name_s,
        employer=employer,
        employer_name=text(employer_name, 100) or (employer.name if employer else ""),
        declaration=decl,
        declared_on=day(declared_on, "declared_on", required=False) or dt.date.today(),
    )
    audit.record(actor=actor, action="skills.judge.added", obj=competition, changes={"judge": name_s})
    return judge


def _status(competition: Competition, *allowed: str, doing: str) -> None:
    if competition.status not in allowed:
        raise ValidationError(f"竞赛当前状态为“{competition.get_status_display()}”，不能{doing}。")


@accepts_system
@transaction.atomic
def competition_start_scoring(*, actor: Any, competition: Competition) -> Competition:
    require_on(actor, competition)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _status(competition, CompStatus.OPEN, doing="进入评分")
    if not competition.entries.filter(status=EntryStatus.REGISTERED).exists():
        raise ValidationError("还没有报名的选手。")
    if not competition.judges.exists():
        raise ValidationError("请先登记评委及其利益冲突声明。")
    competition.status = CompStatus.SCORING
    competition.save(update_fields=["status"])
    audit.record(actor=actor, action="skills.competition.scoring", obj=competition, changes={"status": "scoring"})
    return competition


def _value(raw: Any, maximum: int, field: str = "value") -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [f"分数“{raw}”不是数字。"]}) from None
    if not value.is_finite() or value < 0 or value > maximum:
        raise ValidationError({field: [f"分数 {raw} 超出范围（0–{maximum} 分）。"]})
    if value != value.quantize(PLACES):
        raise ValidationError({field: ["分数最多保留两位小数。"]})
    return value


def _check_judge(judge: Judge, entry: Entry) -> None:
    if judge.competition_id != entry.competition_id:
        raise ValidationError({"judge": ["该评委不属于本竞赛。"]})
    if judge.employer_id is not None and judge.employer_id == entry.enterprise_id:
        raise ValidationError(
            {"judge": [f"评委{judge.name}与选手{entry.name}同属{judge.employer_name}，应当回避，不能为其评分。"]}
        )


def _put(entry: Entry, judge: Judge, part: str, value: Decimal) -> None:
    Score.objects.update_or_create(entry=entry, judge=judge, part=part, defaults={"value": value})


@accepts_system
@transaction.atomic
def score_enter(*, actor: Any, entry: Entry, judge: Judge, part: str, value: Any) -> Score:
    competition = Competition.objects.get(pk=entry.competition_id)
    require_on(actor, competition)
    _status(competition, CompStatus.SCORING, doing="录入成绩")
    if part not in Part.values:
        raise ValidationError({"part": ["请选择理论或实操。"]})
    if entry.status != EntryStatus.REGISTERED:
        raise ValidationError("该选手不在参赛状态。")
    _check_judge(judge, entry)
    maximum = entry.trade.theory_max if part == Part.THEORY else entry.trade.practice_max
    v = _value(value, maximum)
    _put(entry, judge, part, v)
    audit.record(actor=actor, action="skills.score.entered", obj=entry, changes={"judge": judge.name, part: v})
    return Score.objects.get(entry=entry, judge=judge, part=part)


SCORE_COLUMNS = [
    Column("id_number", "身份证号", ("证件号码", "身份证"), required=True),
    Column("name", "姓名", ("选手姓名",)),
    Column("judge", "评委", ("评委姓名",), required=True),
    Column("theory", "理论", ("理论成绩", "理论分")),
    Column("practice", "实操", ("实操成绩", "实操分", "技能操作")),
]


@accepts_system
@transaction.atomic
def scores_import(*, actor: Any, competition: Competition, path: str | Path, filename: str = "") -> int:
    """Scores from a sheet (身份证号, 姓名, 评委, 理论, 实操 — one row per contestant and judge).
    Every row is checked first; with any problem nothing is written and each problem is reported
    with its row number (`SheetRefused`)."""
    require_on(actor, competition)
    competition = Competition.objects.get(pk=competition.pk)
    _status(competition, CompStatus.SCORING, doing="导入成绩")
    rows = read_sheet(path, SCORE_COLUMNS, filename or Path(path).name)
    entries = {
        e.person.id_hash: e
        for e in competition.entries.filter(status=EntryStatus.REGISTERED).select_related("person", "trade")
    }
    judges = {j.name: j for j in competition.judges.all()}
    problems: list[tuple[int, str]] = []
    writes: list[tuple[Entry, Judge, str, Decimal]] = []
    from gefeng.core.validators import parse_id_number

    for row in rows:
        v = row.values
        try:
            number = parse_id_number(v.get("id_number", "")).number
        except ValidationError as exc:
            problems.append((row.number, "身份证号：" + "".join(exc.messages)))
            continue
        entry = entries.get(pii.blind_index(number))
        if entry is None:
            problems.append((row.number, f"身份证号 {pii.mask_id_number(number)} 不是本竞赛的参赛选手。"))
            continue
        judge = judges.get(v.get("judge", "").strip())
        if judge is None:
            problems.append((row.number, f"评委“{v.get('judge', '')}”不在本竞赛评委名单中。"))
            continue
        try:
            _check_judge(judge, entry)
        except ValidationError as exc:
            problems.append((row.number, "".join(exc.messages)))
            continue
        pairs: tuple[tuple[str, int], ...] = (
            (Part.THEORY, entry.trade.theory_max),
            (Part.PRACTICE, entry.trade.practice_max),
        )
        for part, maximum in pairs:
            raw = v.get(part, "")
            if raw == "":
                continue
            try:
                writes.append((entry, judge, part, _value(raw, maximum)))
            except ValidationError as exc:
                problems.append((row.number, f"{Part(part).label}：" + "".join(exc.messages)))
    if problems:
        raise SheetRefused(problems)
    for entry, judge, part, value in writes:
        _put(entry, judge, part, value)
    audit.record(actor=actor, action="skills.score.imported", obj=competition, changes={"scores": len(writes)})
    return len(writes)
