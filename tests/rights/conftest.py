"""Objects of the 维权 tests: a contract at each step, a campaign with targets, a mediation
committee, cases and consultations — on the outsider's enterprise (恒辉编织) where the URL matrix
points, and on 新格灌溉 for the flows. `world(tree)` builds them once per test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gefeng.core.actors import SYSTEM

D = dt.date
SPRING = D(2021, 4, 30)


def team(contract: Any, *, size: int = 3) -> None:
    """Two valid sides of `size` each, a chief each, and a neutral recorder."""
    from gefeng.rights import services

    for side, prefix in (("worker", "职"), ("employer", "企")):
        for i in range(size):
            services.negotiator_add(
                actor=SYSTEM,
                contract=contract,
                side=side,
                name=f"{prefix}代表{i + 1}",
                role="chief" if i == 0 else "member",
            )
    services.contract_set_recorder(actor=SYSTEM, contract=contract, recorder="记录员甲")


def contract_to(org: Any, step: str, *, offer_on: D = SPRING, kind: str = "wage", term: int = 36) -> Any:
    """A contract of `org` taken from 要约 to `step` (offered, negotiating, approved, signed, filed,
    effective), with real dates: offer 30 April 2021, reply 10 May, talks 20 May, draft 25 May,
    congress 28 May, signed 1 June, filed 8 June, passed 15 June."""
    from gefeng.rights import services

    c = services.contract_offer(
        actor=SYSTEM, org=org, kind=kind, offer_on=offer_on, title=f"{org.name}工资专项集体合同"
    )
    if step == "offered":
        return c
    c = services.contract_reply(actor=SYSTEM, contract=c, reply_on=offer_on + dt.timedelta(days=10), agrees=True)
    team(c)
    if step == "negotiating":
        return c
    services.talk_add(actor=SYSTEM, contract=c, held_on=offer_on + dt.timedelta(days=20), place="会议室")
    c = services.contract_draft(
        actor=SYSTEM,
        contract=c,
        draft_agreed_on=offer_on + dt.timedelta(days=25),
        term_months=term,
        wage_growth_pct="6",
    )
    c = services.contract_vote(
        actor=SYSTEM, contract=c, congress_on=offer_on + dt.timedelta(days=28), total=60, present=50, votes_for=45
    )
    if step == "approved":
        return c
    c = services.contract_sign(actor=SYSTEM, contract=c, signed_on=offer_on + dt.timedelta(days=32))
    if step == "signed":
        return c
    c = services.contract_file(
        actor=SYSTEM, contract=c, filed_on=offer_on + dt.timedelta(days=39), receipt="沛人社备2021-1"
    )
    if step == "filed":
        return c
    return services.contract_review(actor=SYSTEM, contract=c, review_on=offer_on + dt.timedelta(days=46), passed=True)


@dataclass
class World:
    offered: Any
    filed: Any
    effective: Any
    campaign: Any
    target: Any
    committee: Any
    case: Any
    agreed: Any
    consult: Any
    warning: Any
    negotiator: Any


def world(tree: Any) -> World:
    from gefeng.rights import services
    from gefeng.rights.models import Campaign, Case, Consultation, Contract, EarlyWarning

    if Campaign.objects.filter(org=tree.county).exists():
        # The outsider's objects first; on the demo county, any enterprise's of that state.
        contracts = {c.status: c for c in Contract.objects.order_by("-pk")}
        contracts |= {c.status: c for c in Contract.objects.filter(org=tree.henghui)}
        cases = {c.status: c for c in Case.objects.order_by("-pk")}
        cases |= {c.status: c for c in Case.objects.filter(org=tree.henghui)}
        campaign = Campaign.objects.filter(org=tree.county).order_by("pk").first()
        return World(
            contracts["offered"],
            contracts["filed"],
            contracts["effective"],
            campaign,
            campaign.targets.first(),
            cases["mediating"].committee,
            cases["mediating"],
            cases["agreed"],
            Consultation.objects.filter(org=tree.henghui).first() or Consultation.objects.first(),
            EarlyWarning.objects.filter(org=tree.henghui).first() or EarlyWarning.objects.first(),
            contracts["offered"].negotiators.first(),
        )
    offered = contract_to(tree.henghui, "offered", offer_on=dt.date.today() - dt.timedelta(days=3))
    services.negotiator_add(actor=SYSTEM, contract=offered, side="worker", name="王工会", role="chief")
    filed = contract_to(tree.henghui, "filed", kind="general")
    effective = contract_to(tree.henghui, "effective", kind="women")
    campaign = services.campaign_create(
        actor=SYSTEM,
        org=tree.county,
        year=2021,
        name="2021年春季集体协商要约行动",
        start_on=D(2021, 3, 1),
        end_on=D(2021, 6, 30),
        target_count=120,
        ceremony_on=D(2021, 4, 30),
        witnesses="县总工会、县人社局、县工商联",
    )
    target = services.target_add(actor=SYSTEM, campaign=campaign, enterprise=tree.henghui, priority="no_wage")
    committee = services.committee_create(
        actor=SYSTEM, org=tree.henghui, level="enterprise", name="恒辉编织劳动争议调解委员会"
    )
    services.committee_member_add(
        actor=SYSTEM, committee=committee, name="赵主任", side="worker", union_member=True, chair=True
    )
    services.committee_member_add(actor=SYSTEM, committee=committee, name="钱委员", side="employer")
    today = dt.date.today()
    case = services.case_apply(
        actor=SYSTEM,
        org=tree.henghui,
        applicant_name="孙职工",
        applicant_phone="13912345678",
        applied_on=today,
        facts="拖欠3个月工资",
        claims=[("wages", "9000")],
        committee=committee,
    )
    agreed = services.case_apply(
        actor=SYSTEM,
        org=tree.henghui,
        applicant_name="李职工",
        applied_on=today,
        facts="加班费",
        committee=committee,
        claims=[("overtime", "1200")],
    )
    agreed = services.case_agree(
        actor=SYSTEM,
        case=agreed,
        closed_on=today,
        agreement_text="单位于10日内支付加班费1200元",
        amount="1200",
        signed_by_parties=True,
        signed_by_mediator=True,
        sealed=True,
    )
    consult = services.consultation_create(
        actor=SYSTEM,
        org=tree.henghui,
        name="周职工",
        question="试用期被辞退有补偿吗",
        topic="dismissal",
        phone="13800001111",
    )
    warning = services.warning_create(actor=SYSTEM, org=tree.henghui, kind="arrears", reported_on=today, workers=40)
    return World(
        offered,
        filed,
        effective,
        campaign,
        target,
        committee,
        case,
        agreed,
        consult,
        warning,
        offered.negotiators.first(),
    )
