"""A campaign's awards, their quotas (名额), the quota allocation to towns and systems (名额分配)
and the eligibility rules of the year's notice."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.honours.compliance import rule_label
from gefeng.honours.models import (
    COLLECTIVE_KINDS,
    Allocation,
    Award,
    Campaign,
    CampaignStatus,
    HonourKind,
    Level,
    Nomination,
    Rule,
    RuleKind,
    Subject,
    Trait,
)
from gefeng.honours.services._common import (
    clean_text,
    lock_campaign,
)
from gefeng.orgs.models import Kind as OrgKind
from gefeng.orgs.models import OrgNode


def _require_setup(campaign: Campaign) -> None:
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.NOMINATING, CampaignStatus.REVIEWING):
        raise ValidationError({"__all__": ["公示开始后不能再修改奖项、名额和规则。"]})


@accepts_system
@transaction.atomic
def award_save(
    *,
    actor: Any,
    campaign: Campaign,
    kind: str,
    title: str,
    quota: int,
    award: Award | None = None,
) -> Award:
    """Add an award to a campaign, or change one (its kind, title and total quota).

    Rule: the number of places (名额) of each award is set by the year's notice; it cannot fall below
    what is already allocated, and a person's award (奖章) and a collective's (奖状, 工人先锋号) are told
    apart by kind (《全国五一劳动奖评选表彰管理办法》, domain reference §7)."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    _require_setup(campaign)
    if kind not in HonourKind.values:
        raise ValidationError({"kind": ["荣誉类别不正确。"]})
    title = clean_text(title, "title", "荣誉名称", max_length=120)
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        quota = -1
    if not 1 <= quota <= 10000:
        raise ValidationError({"quota": ["名额应为 1 至 10000 之间的整数。"]})
    clash = Award.objects.filter(campaign=campaign, title=title)
    if award is not None:
        clash = clash.exclude(pk=award.pk)
    if clash.exists():
        raise ValidationError({"title": [f"本活动已有奖项“{title}”。"]})
    subject = Subject.COLLECTIVE if kind in COLLECTIVE_KINDS else Subject.PERSON
    if award is None:
        order = Award.objects.filter(campaign=campaign).count() + 1
        award = Award.objects.create(
            campaign=campaign, kind=kind, title=title, quota=quota, subject=subject, order=order
        )
        action = "honours.award.created"
    else:
        if award.campaign_id != campaign.pk:
            raise ValidationError({"__all__": ["奖项不属于本活动。"]})
        allocated = sum(a.quota for a in award.allocations.all())
        if allocated > quota:
            raise ValidationError({"quota": [f"已分配 {allocated} 个名额，总名额不能少于已分配数。"]})
        if award.kind != kind and Nomination.objects.filter(award=award).exists():
            raise ValidationError({"kind": ["已有推荐，不能修改荣誉类别。"]})
        award.kind, award.title, award.quota, award.subject = kind, title, quota, subject
        award.save()
        action = "honours.award.updated"
    audit.record(actor=actor, action=action, obj=award, changes={"kind": kind, "title": title, "quota": quota})
    return award


@accepts_system
@transaction.atomic
def allocation_set(*, actor: Any, campaign: Campaign, award: Award, org: OrgNode, quota: int) -> Allocation | None:
    """名额分配: give a town or a system (member unit) `quota` places of `award`; 0 removes it.

    Rule: places go down level by level (逐级推荐, 《全国五一劳动奖评选表彰管理办法》), and what is
    allocated never exceeds the award's quota of the year's notice."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    _require_setup(campaign)
    if award.campaign_id != campaign.pk:
        raise ValidationError({"award": ["奖项不属于本活动。"]})
    if org.kind not in (OrgKind.TOWN, OrgKind.MEMBER_UNIT, OrgKind.ENTERPRISE):
        raise ValidationError({"org": ["名额只能分配给镇街园区、成员单位（系统）或县直企业。"]})
    if not org.path.startswith(campaign.org.path) or org.pk == campaign.org_id:
        raise ValidationError({"org": ["只能分配给本活动组织单位的下级。"]})
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        quota = -1
    if quota < 0:
        raise ValidationError({"quota": ["名额应为不小于 0 的整数。"]})
    others = sum(a.quota for a in award.allocations.exclude(org=org))
    if others + quota > award.quota:
        raise ValidationError(
            {
                "quota": [
                    f"分配合计 {others + quota} 超过“{award.title}”总名额 {award.quota}（其余单位已分配 {others}）。"
                ]
            }
        )
    existing = Allocation.objects.filter(award=award, org=org).first()
    if quota == 0:
        if existing is not None:
            existing.delete()
        audit.record(actor=actor, action="honours.allocation.removed", obj=award, changes={"org": org.name})
        return None
    if existing is None:
        existing = Allocation.objects.create(campaign=campaign, award=award, org=org, quota=quota)
    else:
        existing.quota = quota
        existing.save(update_fields=["quota"])
    audit.record(actor=actor, action="honours.allocation.set", obj=existing, changes={"org": org.name, "quota": quota})
    return existing


@accepts_system
@transaction.atomic
def rule_add(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Rule:
    """Add one eligibility rule (values from the year's notice).

    The rules are data, never constants: each year's notice sets them (domain reference §7), e.g.
    全国劳模 2015 企业一线职工 ≥ 57 %, 企业负责人 ≤ 20 %; 五一劳动奖章 2022/2024 产业工人 ≥ 35 %,
    农民工 ≥ 10 %; 江苏省五一 already held → in principle not again (苏交传〔2023〕5号); 全国劳模 2025
    须已获省部级荣誉; 宁波 县处级以上干部不得推荐. See `compliance` for how each is checked."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    _require_setup(campaign)
    kind = data.get("kind")
    if kind not in RuleKind.values:
        raise ValidationError({"kind": ["请选择规则类型。"]})
    award = data.get("award")
    if award is not None and award.campaign_id != campaign.pk:
        raise ValidationError({"award": ["奖项不属于本活动。"]})
    rule = Rule(campaign=campaign, award=award, kind=kind, note=str(data.get("note") or "")[:200])
    if kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE, RuleKind.EXCLUDE):
        trait = data.get("trait")
        if trait not in Trait.values:
            raise ValidationError({"trait": ["请选择对象特征。"]})
        rule.trait = trait
    if kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE):
        try:
            percent = Decimal(str(data.get("percent")))
        except (InvalidOperation, ValueError):
            raise ValidationError({"percent": ["比例应为 0 至 100 之间的数字。"]}) from None
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValidationError({"percent": ["比例应为 0 至 100 之间的数字。"]})
        rule.percent = percent.quantize(Decimal("0.01"))
    if kind == RuleKind.NO_REPEAT:
        try:
            years = int(data.get("years") or 0)
        except (TypeError, ValueError):
            years = 0
        if not 1 <= years <= 50:
            raise ValidationError({"years": ["年限应为 1 至 50 年。"]})
        rule.years = years
    if kind == RuleKind.REQUIRED_PRIOR:
        prior = data.get("prior_kind")
        if prior not in HonourKind.values:
            raise ValidationError({"prior_kind": ["请选择须已获得的荣誉。"]})
        level = data.get("prior_level") or ""
        if level and level not in Level.values:
            raise ValidationError({"prior_level": ["级别不正确。"]})
        rule.prior_kind, rule.prior_level = prior, level
    rule.save()
    audit.record(
        actor=actor,
        action="honours.rule.added",
        obj=campaign,
        changes={"rule": rule_label(rule), "award": str(award or "全部个人奖项")},
    )
    return rule


@accepts_system
@transaction.atomic
def rule_delete(*, actor: Any, rule: Rule) -> None:
    campaign = rule.campaign
    actors.require(actor, campaign, "honours.manage")
    _require_setup(lock_campaign(campaign))
    label = rule_label(rule)
    rule.delete()
    audit.record(actor=actor, action="honours.rule.deleted", obj=campaign, changes={"rule": label})
