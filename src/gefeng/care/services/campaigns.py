"""Campaigns (四季送, 两节送温暖, 疫情专项, 环卫工人关爱 …): the county plans one with its period,
groups, rule and budgets per fund; towns and enterprises propose the roster (from the hardship
files, their students for 金秋助学, and registry members or named people for the other groups);
the county approves it (a second person); the proposing unit records each delivery, which draws
on the fund within the campaign's budget and passes the double-payment guard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gefeng.care.models import (
    AidRecord,
    AidRule,
    AidStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EntryStatus,
    FamilyMember,
    Fund,
    FundBudget,
    Group,
    HardshipFile,
    JobOffer,
    RosterEntry,
    State,
)
from gefeng.care.services._common import MANAGE, PROPOSE, date, money, require, required_text, text, town_of
from gefeng.care.services.aid import EVIDENCE, GUARD_REFUSED, check_amount, period_of, settle
from gefeng.core import actors, audit, pii, scope, uploads
from gefeng.core.actors import accepts_system
from gefeng.core.validators import parse_id_number
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode


@accepts_system
@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    org: OrgNode,
    kind: Any,
    name: Any,
    starts_on: Any,
    ends_on: Any,
    rule: AidRule,
    groups: list[str] | tuple[str, ...] = (),
    default_amount: Any = 0,
    default_goods: Any = "",
    note: Any = "",
) -> Campaign:
    require(actor, org, MANAGE)
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": ["请选择活动类型。"]})
    title = required_text(name, 100, "name", "活动名称")
    start = date(starts_on, "starts_on", "开始日期")
    end = date(ends_on, "ends_on", "结束日期")
    assert start is not None and end is not None
    if end < start:
        raise ValidationError({"ends_on": ["结束日期不能早于开始日期。"]})
    if rule.org_id != org.pk:
        raise ValidationError({"rule": ["请选择本单位的帮扶标准。"]})
    chosen = [g for g in groups if g in Group.values]
    if not chosen:
        raise ValidationError({"groups": ["请至少选择一类帮扶对象。"]})
    amount = money(default_amount, "default_amount", label="每人标准")
    check_amount(rule, amount)
    campaign = Campaign.objects.create(
        org=org,
        kind=kind,
        name=title,
        year=start.year,
        starts_on=start,
        ends_on=end,
        groups=chosen,
        rule=rule,
        default_amount=amount,
        default_goods=text(default_goods, 100),
        note=text(note, 300),
        created_by=actors.user_of(actor),
    )
    audit.record(actor=actor, action="care.campaign.created", obj=campaign, changes={"kind": kind, "groups": chosen})
    return campaign


def _planning(campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError("活动已结束。")
    return campaign


def _add(
    actor: Any,
    campaign: Campaign,
    org: OrgNode,
    *,
    name: str,
    id_number: str,
    group: str,
    member: Member | None = None,
    file: HardshipFile | None = None,
    unit_name: str = "",
    school: str = "",
    school_level: str = "",
    amount: Decimal | None = None,
    goods: str = "",
    sealer: pii.Sealer | None = None,
) -> RosterEntry | None:
    digest = (sealer or pii.Sealer()).blind_index(id_number)
    if RosterEntry.objects.filter(campaign=campaign, id_hash=digest).exists():
        return None
    value = campaign.default_amount if amount is None else amount
    check_amount(campaign.rule, value)
    town = town_of(org)
    return RosterEntry.objects.create(
        campaign=campaign,
        org=org,
        town=town,
        member=member,
        file=file,
        name=name,
        id_number=id_number,
        id_hash=digest,
        group=group,
        unit_name=unit_name[:120],
        school=school[:100],
        school_level=school_level[:12],
        amount=value,
        goods=goods or campaign.default_goods,
        proposed_by=actors.user_of(actor),
    )


@accepts_system
@transaction.atomic
def roster_from_files(*, actor: Any, campaign: Campaign, org: OrgNode, amount: Any = None) -> int:
    """Propose the filed hardship households under `org` (their applicants), or for 金秋助学 the
    students among their family members (school and level from the file). `amount`: other than
    the campaign's standard for these entries (within the rule's cap)."""
    require(actor, org, PROPOSE)
    campaign = _planning(campaign)
    value = money(amount, "amount") if amount not in (None, "") else None
    files = scope.permitted(actor, HardshipFile, PROPOSE) if not actors.is_system(actor) else HardshipFile.objects.all()
    files = files.filter(state=State.FILED).filter(scope.subtree_q("union__", org.path)).select_related("member")
    sealer = pii.Sealer()
    added = 0
    if Group.STUDENT in campaign.groups:
        students = (
            FamilyMember.objects.filter(file__in=files.values("pk"))
            .exclude(schooling="")
            .select_related("file__union", "file__member")
        )
        for s in students[:5000]:
            if _add(
                actor,
                campaign,
                s.file.union,
                name=s.name,
                id_number=s.id_number,
                group=Group.STUDENT,
                file=s.file,
                member=s.file.member,
                unit_name=s.file.unit_name,
                school=s.school,
                school_level=s.get_schooling_display(),
                amount=value,
                sealer=sealer,
            ):
                added += 1
    if Group.HARDSHIP in campaign.groups:
        for f in files[:5000]:
            if _add(
                actor,
                campaign,
                f.union,
                name=f.member.name,
                id_number=f.member.id_number,
                group=Group.HARDSHIP,
                member=f.member,
                file=f,
                unit_name=f.unit_name,
                amount=value,
                sealer=sealer,
            ):
                added += 1
    audit.record(actor=actor, action="care.campaign.proposed", obj=campaign, changes={"org": org.pk, "added": added})
    return added


@accepts_system
@transaction.atomic
def roster_add(
    *,
    actor: Any,
    campaign: Campaign,
    org: OrgNode,
    group: Any,
    member: Member | None = None,
    name: Any = "",
    id_number: Any = "",
    unit_name: Any = "",
    school: Any = "",
    school_level: Any = "",
    amount: Any = None,
    goods: Any = "",
) -> RosterEntry:
    """Propose one person: a registry member, or someone outside it (a sanitation worker) by name
    and ID number."""
    require(actor, org, PROPOSE)
    campaign = _planning(campaign)
    if group not in campaign.groups:
        raise ValidationError({"group": ["该对象类别不在本次活动范围内。"]})
    if member is not None:
        require(actor, member, PROPOSE)
        who, number, unit = member.name, member.id_number, (member.enterprise.name if member.enterprise else "")
    else:
        who = required_text(name, 50, "name", "姓名")
        try:
            number = parse_id_number(id_number).number
        except ValidationError as exc:
            raise ValidationError({"id_number": [f"身份证号有误：{exc.messages[0]}"]}) from None
        unit = text(unit_name, 120)
    value = money(amount, "amount") if amount not in (None, "") else None
    entry = _add(
        actor,
        campaign,
        org,
        name=who,
        id_number=number,
        group=group,
        member=member,
        unit_name=unit or text(unit_name, 120),
        school=text(school, 100),
        school_level=text(school_level, 12),
        amount=value,
        goods=text(goods, 100),
    )
    if entry is None:
        raise ValidationError({"id_number": [f"{who}已在本次活动名单中。"]})
    audit.record(actor=actor, action="care.campaign.proposed", obj=campaign, changes={"org": org.pk, "added": 1})
    return entry


@accepts_system
@transaction.atomic
def roster_decide(*, actor: Any, campaign: Campaign, entries: list[RosterEntry], approve: bool) -> int:
    """The county approves (or refuses) proposed entries: a second person, not the proposer."""
    require(actor, campaign, MANAGE)
    campaign = _planning(campaign)
    me = getattr(actor, "pk", None)
    rows = RosterEntry.objects.select_for_update().filter(
        campaign=campaign, pk__in=[e.pk for e in entries], status=EntryStatus.PROPOSED
    )
    if me is not None and rows.filter(proposed_by_id=me).exists():
        raise ValidationError("不能审核自己报送的名单，请由另一名工作人员审核。")
    n = rows.update(status=EntryStatus.APPROVED if approve else EntryStatus.REJECTED, approved_by=actors.user_of(actor))
    audit.record(actor=actor, action="care.campaign.decided", obj=campaign, changes={"approve": approve, "entries": n})
    return n


@accepts_system
@transaction.atomic
def campaign_start(*, actor: Any, campaign: Campaign) -> Campaign:
    require(actor, campaign, MANAGE)
    campaign = _planning(campaign)
    if not campaign.budgets.exists():
        raise ValidationError("请先为活动安排资金预算。")
    campaign.status = CampaignStatus.DELIVERING
    campaign.save()
    audit.record(actor=actor, action="care.campaign.started", obj=campaign, changes={})
    return campaign


@accepts_system
@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    require(actor, campaign, MANAGE)
    campaign = _planning(campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    audit.record(actor=actor, action="care.campaign.closed", obj=campaign, changes={})
    return campaign


def spent(campaign: Campaign, fund: Fund) -> Decimal:
    return AidRecord.objects.filter(campaign=campaign, fund=fund, status=AidStatus.APPROVED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)


@accepts_system
@transaction.atomic
def deliver(
    *,
    actor: Any,
    entry: RosterEntry,
    fund: Fund | None,
    given_on: Any,
    delivered_by: Any,
    signed: bool = True,
    evidence: Any = None,
) -> AidRecord:
    """Record a delivery to an approved roster entry (signature or photo): it draws on the fund
    within the campaign's budget for it and passes the guard (once per campaign, or per year)."""
    require(actor, entry, PROPOSE)
    entry = RosterEntry.objects.select_for_update().select_related("campaign__rule").get(pk=entry.pk)
    campaign = entry.campaign
    if campaign.status != CampaignStatus.DELIVERING:
        raise ValidationError("活动不在发放阶段。")
    if entry.status != EntryStatus.APPROVED:
        raise ValidationError(f"{entry.name}的名单状态为“{entry.get_status_display()}”，不能发放。")
    day = date(given_on, "given_on", "发放日期")
    assert day is not None
    if day < campaign.starts_on or day > campaign.ends_on:
        raise ValidationError({"given_on": ["发放日期应在活动期间内。"]})
    if not signed and not evidence:
        raise ValidationError({"signed": ["请确认本人签收，或上传发放照片。"]})
    if entry.amount > 0:
        if fund is None:
            raise ValidationError({"fund": ["请选择支出的资金。"]})
        budget = FundBudget.objects.filter(fund=fund, campaign=campaign).aggregate(s=Sum("amount"))["s"]
        if budget is None:
            raise ValidationError({"fund": [f"“{fund.name}”没有为本次活动安排预算。"]})
        if spent(campaign, fund) + entry.amount > budget:
            raise ValidationError({"fund": [f"超出“{fund.name}”为本次活动安排的预算 {budget:,.2f} 元。"]})
    proof = ""
    if evidence:
        proof = uploads.save(uploads.check(evidence, EVIDENCE), EVIDENCE)
    aid = AidRecord.objects.create(
        org=entry.org,
        town=entry.town,
        file=entry.file,
        member=entry.member,
        name=entry.name,
        unit_name=entry.unit_name,
        household=entry.id_hash,
        category=entry.file.category if entry.file_id and entry.file else "",
        group=entry.group,
        rule=campaign.rule,
        kind=campaign.rule.kind,
        fund=fund if entry.amount > 0 else None,
        campaign=campaign,
        period=period_of(campaign.rule, day, campaign),
        amount=entry.amount,
        goods=entry.goods,
        given_on=day,
        delivered_by=required_text(delivered_by, 50, "delivered_by", "发放人"),
        evidence=proof,
        signed=bool(signed),
        status=AidStatus.APPROVED,
        created_by=actors.user_of(actor),
        approved_by=entry.approved_by,
        approved_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            settle(actor, aid)
    except IntegrityError as exc:
        raise ValidationError(GUARD_REFUSED) from exc
    entry.status, entry.aid = EntryStatus.DELIVERED, aid
    entry.save(update_fields=["status", "aid"])
    audit.record(
        actor=actor, action="care.campaign.delivered", obj=campaign, changes={"entry": entry.pk, "amount": entry.amount}
    )
    return aid


@accepts_system
@transaction.atomic
def offer_save(
    *,
    actor: Any,
    campaign: Campaign,
    employer: Any,
    post: Any,
    positions: Any,
    referred: Any = 0,
    placed: Any = 0,
    offer: JobOffer | None = None,
) -> JobOffer:
    """春送岗位: a job offer and its referrals and placements."""
    require(actor, campaign, MANAGE)
    if campaign.kind != CampaignKind.SPRING:
        raise ValidationError("只有“春送岗位”活动登记岗位信息。")
    try:
        n, r, p = int(positions), int(referred or 0), int(placed or 0)
    except (TypeError, ValueError):
        raise ValidationError({"positions": ["人数应为整数。"]}) from None
    if min(n, r, p) < 0:
        raise ValidationError({"positions": ["人数不能为负数。"]})
    if p > r:
        raise ValidationError({"placed": ["上岗人数不能多于推荐人数。"]})
    values = {"employer": required_text(employer, 120, "employer", "用人单位"), "post": required_text(post, 60, "post", "岗位"),  # noqa: E501
              "positions": n, "referred": r, "placed": p}  # fmt: skip
    if offer is None:
        offer = JobOffer.objects.create(campaign=campaign, **values)
    else:
        JobOffer.objects.filter(pk=offer.pk).update(**values)
        offer.refresh_from_db()
    audit.record(actor=actor, action="care.campaign.offer_saved", obj=campaign, changes=values)
    return offer


def totals(campaign: Campaign) -> dict[str, Any]:
    """Money, goods and person-times by town, group and fund (approved deliveries)."""
    base = AidRecord.objects.filter(campaign=campaign, status=AidStatus.APPROVED).order_by()
    group_labels = dict(Group.choices)

    def by(field: str) -> list[dict[str, Any]]:
        return list(base.values(field).annotate(yuan=Sum("amount"), times=Count("id")).order_by(field))

    towns = {n.pk: n.name for n in OrgNode.objects.filter(pk__in=base.values("town"))}
    funds = {f.pk: f.name for f in Fund.objects.filter(pk__in=base.values("fund"))}
    all_ = base.aggregate(yuan=Sum("amount"), times=Count("id"))
    goods = base.exclude(goods="").count()
    offers = JobOffer.objects.filter(campaign=campaign).aggregate(
        positions=Sum("positions"), referred=Sum("referred"), placed=Sum("placed")
    )
    return {
        "yuan": all_["yuan"] or Decimal(0),
        "times": all_["times"],
        "goods": goods,
        "by_town": [{"label": towns.get(r["town"], "县直"), **r} for r in by("town")],
        "by_group": [{"label": group_labels.get(r["group"], r["group"]), **r} for r in by("group")],
        "by_fund": [{"label": funds.get(r["fund"], "无资金支出"), **r} for r in by("fund")],
        "offers": offers,
    }
