"""The spring 要约 campaign: its period, ceremony and witnesses, its targets picked by the five
priority kinds (全总 2008《关于开展集体协商要约行动的意见》), and the 要约 sent to each target, which
starts that target's contract (the target then follows the contract's progress)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights.models import Campaign, Contract, ContractKind, ContractStatus, Priority, Stage, Target
from gefeng.rights.services.common import MANAGE, Clean, require, town_of
from gefeng.rights.services.contracts import contract_offer

PICK_LIMIT = 2000


@accepts_system
@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    org: OrgNode,
    year: Any,
    name: Any,
    start_on: Any,
    end_on: Any,
    target_count: Any = 0,
    ceremony_on: Any = None,
    ceremony_place: Any = "",
    witnesses: Any = "",
    note: Any = "",
    is_demo: bool = False,
) -> Campaign:
    require(actor, org, MANAGE)
    c = Clean()
    if org.kind not in (Kind.COUNTY, Kind.TOWN):
        c.add("org", "要约行动由县或镇街工会组织。")
    year_i = c.integer(year, "year", "年度", minimum=2000, maximum=2100, required=True)
    name_s = c.text(name, "name", "名称", limit=120, required=True)
    start = c.date(start_on, "start_on", "开始日期", required=True)
    end = c.date(end_on, "end_on", "结束日期", required=True)
    if start and end and end < start:
        c.add("end_on", "结束日期不能早于开始日期。")
    ceremony = c.date(ceremony_on, "ceremony_on", "要约仪式日期")
    if ceremony and start and end and not start <= ceremony <= end:
        c.add("ceremony_on", "要约仪式应在行动期间内举行。")
    goal = c.integer(target_count, "target_count", "签约目标", maximum=100000) or 0
    c.done()
    assert year_i is not None and start is not None and end is not None
    campaign = Campaign.objects.create(
        org=org,
        year=year_i,
        name=name_s,
        start_on=start,
        end_on=end,
        target_count=goal,
        ceremony_on=ceremony,
        ceremony_place=c.text(ceremony_place, "ceremony_place", "仪式地点", limit=100),
        witnesses=c.text(witnesses, "witnesses", "见证单位"),
        note=c.long_text(note, limit=4000),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action="rights.campaign.created", obj=campaign, changes={"year": year_i, "target": goal})
    return campaign


def _check_enterprise(campaign: Campaign, enterprise: OrgNode) -> None:
    if enterprise.kind != Kind.ENTERPRISE or not campaign.org.is_ancestor_of(enterprise):
        raise ValidationError({"enterprise": ["请选择本次行动范围内的企业。"]})


@accepts_system
@transaction.atomic
def target_add(*, actor: Any, campaign: Campaign, enterprise: OrgNode, priority: str) -> Target:
    """Put an enterprise on the campaign's list under one of the five priority kinds."""
    require(actor, campaign, MANAGE)
    require(actor, enterprise, MANAGE)
    _check_enterprise(campaign, enterprise)
    if priority not in Priority.values:
        raise ValidationError({"priority": ["请选择重点类型。"]})
    if Target.objects.filter(campaign=campaign, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [f"{enterprise.display_name}已在本次要约对象中。"]})
    target = Target.objects.create(
        campaign=campaign,
        enterprise=enterprise,
        town=town_of(enterprise),
        priority=priority,
        employees=enterprise.employee_count or 0,
    )
    audit.record(
        actor=actor,
        action="rights.target.added",
        obj=campaign,
        changes={"enterprise": enterprise.pk, "priority": priority},
    )
    return target


def candidates(actor: Any, campaign: Campaign, priority: str) -> Any:
    """Enterprises of the campaign's area that fall under a priority kind the register can tell:
    no collective contract at all, a contract that has expired (and no effective one), or no
    effective wage agreement. The other two kinds (low or frozen pay, SOE annual salaries) need
    facts the register does not hold: they are added one by one."""
    nodes = OrgNode.objects.all() if actors.is_system(actor) else scope.permitted(actor, OrgNode, MANAGE)
    base = (
        nodes.filter(kind=Kind.ENTERPRISE, valid_to__isnull=True)
        .filter(scope.subtree_q("", campaign.org.path))
        .exclude(Exists(Target.objects.filter(campaign=campaign, enterprise_id=OuterRef("pk"))))
    )
    contracts = Contract.objects.filter(enterprises=OuterRef("pk"))
    effective = contracts.filter(status=ContractStatus.EFFECTIVE)
    if priority == Priority.NO_CONTRACT:
        return base.exclude(Exists(contracts))
    if priority == Priority.EXPIRED:
        return base.filter(Exists(contracts.filter(status=ContractStatus.EXPIRED))).exclude(Exists(effective))
    if priority == Priority.NO_WAGE:
        return base.filter(Exists(effective)).exclude(Exists(effective.filter(kind=ContractKind.WAGE)))
    return base.none()


@accepts_system
@transaction.atomic
def targets_pick(*, actor: Any, campaign: Campaign, priority: str, limit: int = PICK_LIMIT) -> int:
    """Add every enterprise of one priority kind the register can find (at most `limit`)."""
    require(actor, campaign, MANAGE)
    if priority not in (Priority.NO_CONTRACT, Priority.EXPIRED, Priority.NO_WAGE):
        raise ValidationError({"priority": ["此类重点企业需逐家添加（登记册中没有工资水平或年薪制的数据）。"]})
    rows = []
    for ent in candidates(actor, campaign, priority).order_by("path")[: max(1, min(limit, PICK_LIMIT))]:
        rows.append(
            Target(
                campaign=campaign,
                enterprise=ent,
                town=town_of(ent),
                priority=priority,
                employees=ent.employee_count or 0,
            )
        )
    Target.objects.bulk_create(rows, batch_size=500)
    audit.record(
        actor=actor, action="rights.target.picked", obj=campaign, changes={"priority": priority, "added": len(rows)}
    )
    return len(rows)


@accepts_system
@transaction.atomic
def target_offer(
    *,
    actor: Any,
    target: Target,
    offer_on: Any,
    kind: str = ContractKind.WAGE,
    offer_text: Any = "",
    is_demo: bool = False,
) -> Contract:
    """Send the 要约 to a target: it starts the enterprise's contract (reply due in 20 days, §32)."""
    require(actor, target, MANAGE)
    target = Target.objects.select_for_update().select_related("campaign", "enterprise").get(pk=target.pk)
    if target.contract_id is not None:
        raise ValidationError("已向该企业发出要约。")
    c = Clean()
    day = c.date(offer_on, "offer_on", "要约书送达日期", required=True)
    campaign = target.campaign
    if day and not campaign.start_on <= day <= campaign.end_on:
        c.add("offer_on", f"要约日期应在行动期间（{campaign.start_on:%Y-%m-%d} 至 {campaign.end_on:%Y-%m-%d}）内。")
    c.done()
    previous = (
        Contract.objects.filter(enterprises=target.enterprise, kind=kind, end_on__isnull=False)
        .filter(Q(status=ContractStatus.EFFECTIVE) | Q(status=ContractStatus.EXPIRED))
        .order_by("-end_on")
        .first()
    )
    contract = contract_offer(
        actor=actor,
        org=target.enterprise,
        kind=kind,
        offer_on=day,
        offer_text=offer_text or f"根据{campaign.name}，工会向企业发出集体协商要约。",
        previous=previous if previous and previous.renewal_from and day and day >= previous.renewal_from else None,
        is_demo=is_demo,
    )
    target.contract, target.stage = contract, Stage.SENT
    target.save(update_fields=["contract", "stage"])
    return contract
