"""Study campaigns and supervision: campaigns, rounds, results entered or imported from the
study platform's export, the tallies against the registry and the round's 通报.

参学率 = participants ÷ target population, both counted at the round's date: the target from the
registry (members whose membership covers the date: joined on or before it, not ended before
it), never from the study platform's own user count (docs/rules/learning.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gefeng.core import actors, audit, pii, scope
from gefeng.core.actors import accepts_system
from gefeng.core.tabular import Column
from gefeng.core.validators import clean_text, normalize_id_number, normalize_mobile
from gefeng.learning.models import (
    Campaign,
    CampaignKind,
    CampaignListed,
    Frequency,
    ResultImport,
    Round,
    RoundStatus,
    RoundTally,
    Source,
    StudyResult,
    Target,
)
from gefeng.learning.services._common import MANAGE, decimal_of, read_sheet, require_org
from gefeng.members.models import Member, Political, Status
from gefeng.orgs.models import OrgNode

PARTY = (Political.CPC, Political.PROBATIONARY)
RESULT_COLUMNS = [
    Column("name", "姓名", ("职工姓名", "学员姓名", "用户名称"), required=True),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "公民身份号码")),
    Column("phone", "手机号", ("手机号码", "联系电话", "电话")),
    Column("score", "得分", ("积分", "分数", "学习积分", "答题得分", "成绩"), required=True),
    Column("minutes", "学习时长", ("时长", "学习时长(分钟)", "学习时长（分钟）")),
    Column("round", "期数", ("期次", "轮次")),
    Column("campaign", "活动名称", ("学习活动", "活动")),
]


def _date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field: [f"请填写{label}（年-月-日）。"]}) from None


@accepts_system
@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    org: OrgNode,
    name: Any,
    starts_on: Any,
    kind: str = CampaignKind.XUEXI,
    target: str = Target.ORGS,
    target_orgs: list[OrgNode] | None = None,
    frequency: str = Frequency.WEEKLY,
    full_score: Any = 100,
    note: Any = "",
    listed: list[Member] | None = None,
) -> Campaign:
    """Start a campaign with its target population from the registry (organisations, party
    members among them, or a named list)."""
    require_org(actor, org)
    title = clean_text(name)[:100]
    errors: dict[str, list[str]] = {}
    if not title:
        errors["name"] = ["请填写活动名称。"]
    elif Campaign.objects.filter(org=org, name=title).exists():
        errors["name"] = ["本单位已有同名的学习活动。"]
    if kind not in CampaignKind.values:
        errors["kind"] = ["请选择活动类型。"]
    if target not in Target.values:
        errors["target"] = ["请选择学习对象。"]
    if frequency not in Frequency.values:
        errors["frequency"] = ["请选择通报周期。"]
    orgs = list(target_orgs or [])
    if target in (Target.ORGS, Target.PARTY) and not orgs:
        errors["target_orgs"] = ["请选择学习对象所在的组织。"]
    for node in orgs:
        if not (node.path.startswith(org.path)):
            errors["target_orgs"] = ["学习对象须在本单位的下级组织中。"]
    if target == Target.LIST and not listed:
        errors["listed"] = ["指定名单为空。"]
    if errors:
        raise ValidationError(errors)
    start = _date(starts_on, "starts_on", "开始日期")
    full = decimal_of(full_score, "full_score", "满分", low=Decimal(1), high=Decimal(100000))
    campaign = Campaign.objects.create(
        org=org,
        name=title,
        kind=kind,
        target=target,
        frequency=frequency,
        full_score=full,
        starts_on=start,
        note=clean_text(note)[:2000],
        created_by=actors.user_of(actor),
    )
    campaign.target_orgs.set(orgs)
    if listed:
        CampaignListed.objects.bulk_create(
            [CampaignListed(campaign=campaign, member=m) for m in {m.pk: m for m in listed}.values()]
        )
    audit.record(
        actor=actor,
        action="learning.campaign.created",
        obj=campaign,
        changes={"target": target, "orgs": [n.name for n in orgs], "listed": len(listed or [])},
    )
    return campaign


def target_members(campaign: Campaign, on: dt.date) -> QuerySet[Member]:
    """The campaign's target population in the registry on `on`: members whose membership covers
    the day (joined on or before it; not transferred out or left before it)."""
    covers = Q(joined_on__lte=on) & (
        Q(status__in=(Status.ACTIVE, Status.RETAINED), ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    qs = Member.objects.filter(covers)
    if campaign.target == Target.LIST:
        return qs.filter(pk__in=CampaignListed.objects.filter(campaign=campaign).values("member_id"))
    within = Q()
    for node in campaign.target_orgs.all():
        within |= scope.subtree_q("union__", node.path)
    qs = qs.filter(within) if within else qs.none()
    if campaign.target == Target.PARTY:
        qs = qs.filter(political_status__in=PARTY)
    return qs


@accepts_system
@transaction.atomic
def round_create(*, actor: Any, campaign: Campaign, as_of: Any, number: Any = None) -> Round:
    actors.require(actor, campaign, MANAGE)
    day = _date(as_of, "as_of", "统计日期")
    if day < campaign.starts_on:
        raise ValidationError({"as_of": ["统计日期早于活动开始日期。"]})
    last = campaign.rounds.order_by("-number").first()
    n = int(number) if number not in (None, "") else (last.number + 1 if last else 1)
    if n < 1 or campaign.rounds.filter(number=n).exists():
        raise ValidationError({"number": [f"第{n}期已存在。"]})
    rnd = Round.objects.create(campaign=campaign, number=n, as_of=day)
    tally(rnd)
    audit.record(actor=actor, action="learning.round.created", obj=rnd, changes={"as_of": day, "number": n})
    return rnd


def tally(rnd: Round) -> Round:
    """Recount a round per union: the target from the registry at the round's date, the
    participants and score sums from its results. Replaces the round's `RoundTally` rows."""
    target = dict(
        target_members(rnd.campaign, rnd.as_of).values("union_id").annotate(n=Count("id")).values_list("union_id", "n")
    )
    done = {
        row["union_id"]: (row["n"], row["s"] or Decimal(0))
        for row in StudyResult.objects.filter(round=rnd).values("union_id").annotate(n=Count("id"), s=Sum("score"))
    }
    RoundTally.objects.filter(round=rnd).delete()
    RoundTally.objects.bulk_create(
        [
            RoundTally(
                round=rnd,
                union_id=union_id,
                target=target.get(union_id, 0),
                participants=done.get(union_id, (0, 0))[0],
                score_sum=done.get(union_id, (0, Decimal(0)))[1],
            )
            for union_id in set(target) | set(done)
        ],
        batch_size=500,
    )
    rnd.target_count = sum(target.values())
    rnd.participants = sum(n for n, _s in done.values())
    rnd.score_sum = sum((s for _n, s in done.values()), Decimal(0))
    rnd.save(update_fields=["target_count", "participants", "score_sum"])
    return rnd


def _open_round(actor: Any, rnd: Round) -> Round:
    actors.require(actor, rnd, MANAGE)
    locked = Round.objects.select_for_update().select_related("campaign").get(pk=rnd.pk)
    if locked.status != RoundStatus.OPEN:
        raise ValidationError("本期已通报，成绩不能再修改。")
    return locked


@accepts_system
@transaction.atomic
def result_enter(*, actor: Any, round: Round, member: Member, score: Any, minutes: Any = None) -> StudyResult:
    """Enter one person's result by hand (the person must be in the round's target)."""
    rnd = _open_round(actor, round)
    if not target_members(rnd.campaign, rnd.as_of).filter(pk=member.pk).exists():
        raise ValidationError({"member": ["此人不在本活动本期的学习对象范围内。"]})
    value = decimal_of(score, "score", "得分", high=rnd.campaign.full_score)
    mins = int(minutes) if str(minutes or "").isdigit() else None
    result, _created = StudyResult.objects.update_or_create(
        round=rnd,
        member=member,
        defaults={"union_id": member.union_id, "score": value, "minutes": mins, "source": Source.ENTERED},
    )
    tally(rnd)
    audit.record(actor=actor, action="learning.result.entered", obj=rnd, changes={"member": member.pk, "score": value})
    return result


def _masked_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@accepts_system
@transaction.atomic
def results_import(*, actor: Any, round: Round, upload: Any) -> ResultImport:
    """Import the study platform's export for a round: each row matched to the registry through
    the blind index (身份证号, else 手机号), its name checked against the match, and kept only if
    the person is in the round's target. Every row not imported is reported with its reason; a
    sheet of another campaign or round is refused whole; all or nothing is written."""
    rnd = _open_round(actor, round)
    campaign = rnd.campaign
    sheet, rows, filename = read_sheet(upload, RESULT_COLUMNS, compact=("id_number", "phone"))
    if "id_number" not in sheet.columns and "phone" not in sheet.columns:
        raise ValidationError({"file": ["表中没有“身份证号”或“手机号”列，无法与会员名册核对。"]})
    others = Campaign.objects.filter(org=campaign.org).exclude(pk=campaign.pk).values_list("name", flat=True)[:200]
    for line in sheet.above:
        if campaign.name not in line and any(name in line for name in others):
            raise ValidationError({"file": [f"表头标题为“{line[:40]}”，不是本活动“{campaign.name}”的成绩表。"]})
    parsed: list[tuple[int, dict[str, str]]] = [(r.number, r.values) for r in rows]
    for number, values in parsed:
        other = values.get("campaign", "")
        if other and other != campaign.name:
            raise ValidationError(
                {"file": [f"第{number}行的活动名称为“{other}”，不是本活动“{campaign.name}”的成绩表。"]}
            )
        rn = values.get("round", "").removeprefix("第").removesuffix("期")
        if rn and rn != str(rnd.number):
            raise ValidationError({"file": [f"第{number}行为第{rn}期的成绩，本期为第{rnd.number}期。"]})
    # Look everyone up at once through the blind indexes.
    ids: dict[int, str] = {}
    phones: dict[int, str] = {}
    report: list[dict[str, Any]] = []
    scores: dict[int, Decimal] = {}
    for number, values in parsed:
        try:
            scores[number] = decimal_of(values.get("score"), "score", "得分", high=campaign.full_score)
        except ValidationError as exc:
            report.append({"row": number, "name": _masked_name(values.get("name", "")), "reason": exc.messages[0]})
            continue
        if values.get("id_number"):
            try:
                ids[number] = pii.blind_index(normalize_id_number(values["id_number"]))
            except ValidationError:
                report.append({"row": number, "name": _masked_name(values["name"]), "reason": "身份证号无效。"})
                scores.pop(number)
        elif values.get("phone"):
            try:
                phones[number] = pii.blind_index(normalize_mobile(values["phone"]))
            except ValidationError:
                report.append({"row": number, "name": _masked_name(values["name"]), "reason": "手机号无效。"})
                scores.pop(number)
        else:
            report.append({"row": number, "name": _masked_name(values["name"]), "reason": "没有身份证号或手机号。"})
            scores.pop(number)
    by_id = {
        m.id_hash: m
        for m in _chunked(Member.objects.only("id", "name", "union_id", "id_hash"), "id_hash", ids.values())
    }
    by_phone: dict[str, list[Member]] = defaultdict(list)
    for m in _chunked(Member.objects.only("id", "name", "union_id", "phone_hash"), "phone_hash", phones.values()):
        by_phone[m.phone_hash].append(m)
    in_target = set(
        target_members(campaign, rnd.as_of)
        .filter(pk__in=[m.pk for m in by_id.values()] + [m.pk for ms in by_phone.values() for m in ms])
        .values_list("pk", flat=True)
    )
    by_row = dict(parsed)
    names = {number: values["name"] for number, values in parsed}
    seen: dict[int, int] = {}
    accepted: list[tuple[Member, Decimal, int | None]] = []
    for number in sorted(scores):
        name = names[number]
        if number in ids:
            member = by_id.get(ids[number])
            missing = "会员名册中没有此身份证号。"
        else:
            found = [m for m in by_phone.get(phones[number], []) if m.name == name]
            member = found[0] if len(found) == 1 else None
            missing = (
                "会员名册中没有此手机号与姓名的会员。" if not found else "手机号与姓名对应多名会员，请补充身份证号。"
            )
        reason = ""
        if member is None:
            reason = missing
        elif member.name != name:
            reason = "姓名与会员名册不符。"
        elif member.pk not in in_target:
            reason = "不在本活动本期的学习对象范围内。"
        elif member.pk in seen:
            reason = f"与第{seen[member.pk]}行重复。"
        if reason:
            report.append({"row": number, "name": _masked_name(name), "reason": reason})
            continue
        assert member is not None
        seen[member.pk] = number
        raw_minutes = by_row[number].get("minutes", "")
        accepted.append((member, scores[number], int(raw_minutes) if raw_minutes.isdigit() else None))
    existing = set(
        StudyResult.objects.filter(round=rnd, member__in=[m for m, _s, _n in accepted]).values_list(
            "member_id", flat=True
        )
    )
    StudyResult.objects.bulk_create(
        [
            StudyResult(round=rnd, member=m, union_id=m.union_id, score=s, minutes=n, source=Source.IMPORTED)
            for m, s, n in accepted
            if m.pk not in existing
        ],
        batch_size=500,
    )
    for m, s, n in accepted:
        if m.pk in existing:
            StudyResult.objects.filter(round=rnd, member=m).update(score=s, minutes=n, source=Source.IMPORTED)
    tally(rnd)
    report.sort(key=lambda r: r["row"])
    batch = ResultImport.objects.create(
        round=rnd,
        filename=filename[:200],
        rows=len(parsed),
        matched=len(accepted),
        refused=len(report),
        report=report,
        created_by=actors.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="learning.result.imported",
        obj=rnd,
        changes={"file": filename, "rows": len(parsed), "matched": len(accepted), "refused": len(report)},
    )
    return batch


def _chunked(qs: QuerySet[Member], column: str, values: Any, size: int = 500) -> list[Member]:
    wanted = list(dict.fromkeys(values))
    out: list[Member] = []
    for i in range(0, len(wanted), size):
        out.extend(qs.filter(**{f"{column}__in": wanted[i : i + size]}))
    return out


@accepts_system
@transaction.atomic
def round_circulate(*, actor: Any, round: Round, doc_number: Any = "") -> Round:
    """Close a round and give its 通报 a number: from now on its results stay as circulated."""
    rnd = _open_round(actor, round)
    tally(rnd)
    if not rnd.participants:
        raise ValidationError("本期还没有学习成绩，不能通报。")
    number = clean_text(doc_number)[:40]
    if not number:
        from gefeng.learning import conf

        number = f"{conf.get('LEARNING_DOC_PREFIX')}〔{rnd.as_of.year}〕{rnd.number}号"
    rnd.status, rnd.doc_number = RoundStatus.CIRCULATED, number
    rnd.circulated_at, rnd.circulated_by = timezone.now(), actors.user_of(actor)
    rnd.save()
    audit.record(actor=actor, action="learning.round.circulated", obj=rnd, changes={"doc_number": number})
    return rnd
