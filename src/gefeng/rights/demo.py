"""The demo county's 维权 work, made by running this app's own services.

The county's account: “4月30日，徐州市2021集体协商春季集中要约行动暨协商健全薪酬机制推进会在沛县召开。
沛县总工会、县人保局、县工商联等有关部门参与见证集体合同签约，每年都进行‘春季集体合同要约仪式’，建立劳资双方
预防、预警、调处机制”, and the plan item “签约企业 120家”. So:

* the 2021 spring campaign (1 March – 30 June 2021, target 120) with its ceremony on 30 April 2021
  witnessed by the federation, the 人社局 and the 工商联: 150 enterprises picked by the five priority
  kinds, 140 要约 sent at the ceremony, 140 replies (2 refusals, 4 late), talks, congress votes, and
  120 wage agreements signed (签约企业 120家), filed and effective — 100 passed by the 人社局, 20 in
  force because no objection came within 15 days;
* 20 of them renewed in 2024 in their renewal window (the others expired), a 区域性 contract of a
  town's catering trade, general contracts that expire within three months, and contracts waiting
  on each clock now (a reply, a late reply, a filing, a review);
* mediation committees of the towns and of some enterprises, cases in every state (one a group
  case of 12 workers), money recovered, consultations with a legal-aid referral, early warnings;
* the demo worker (zhigong) asks a question and applies for mediation from the phone.

Everything is drawn from `random.Random(SEED)`; dates of the current clocks are relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.db import connection
from django.utils import timezone

from gefeng.core import people
from gefeng.core.actors import SYSTEM
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights import clocks, services
from gefeng.rights.models import (
    Campaign,
    Case,
    Claim,
    Committee,
    CommitteeMember,
    Consultation,
    Contract,
    EarlyWarning,
    LimitationEvent,
    Negotiator,
    Session,
    Talk,
    Target,
)

SEED = 20210430
D = dt.date
CAMPAIGN_YEAR = 2021
CEREMONY = D(2021, 4, 30)
SIGNED_2021 = 120
WITNESSES = "沛县总工会、沛县人力资源和社会保障局、沛县工商业联合会"
PRIORITIES = ["no_contract"] * 70 + ["expired"] * 30 + ["no_wage"] * 30 + ["low_pay"] * 15 + ["soe_salary"] * 5


def _team(rng: random.Random, contract: Contract, size: int = 3) -> None:
    for side in ("worker", "employer"):
        for i in range(size):
            services.negotiator_add(
                actor=SYSTEM,
                contract=contract,
                side=side,
                name=people.contact_name(rng),
                role="chief" if i == 0 else "member",
                post=("工会主席" if side == "worker" else "总经理") if i == 0 else "",
                joined_on=contract.offer_on,
            )
    services.contract_set_recorder(actor=SYSTEM, contract=contract, recorder=f"记录员{people.contact_name(rng)}")


def _through(
    rng: random.Random,
    contract: Contract,
    *,
    reply: int,
    talk: int,
    sign: int,
    file: int,
    passed: int | None,
    term: int = 36,
    total: int = 0,
    growth: str = "",
) -> Contract:
    """Take a 要约 through the steps, each `n` days after the 要约 (None: stop before)."""
    day0 = contract.offer_on
    c = services.contract_reply(actor=SYSTEM, contract=contract, reply_on=day0 + dt.timedelta(days=reply))
    _team(rng, c)
    held = day0 + dt.timedelta(days=talk)
    services.talk_add(
        actor=SYSTEM,
        contract=c,
        held_on=held,
        place="企业会议室",
        minutes="双方就工资增长幅度、最低工资等进行协商",
        data_provided_on=held - dt.timedelta(days=6) if c.kind == "wage" else None,
    )
    c = services.contract_draft(
        actor=SYSTEM,
        contract=c,
        draft_agreed_on=held + dt.timedelta(days=3),
        term_months=term,
        wage_growth_pct=growth or f"{rng.choice([5, 6, 6, 7, 8])}",
        min_wage=str(rng.choice([2100, 2200, 2300, 2400])),
        weekly_hours=40,
    )
    reps = total or max(30, min(120, (c.employees or 60) // 3))
    present = reps - rng.randint(0, reps // 5)
    c = services.contract_vote(
        actor=SYSTEM,
        contract=c,
        congress_on=held + dt.timedelta(days=5),
        total=reps,
        present=present,
        votes_for=present - rng.randint(0, present // 10),
        ref="职工代表大会",
    )
    signed = day0 + dt.timedelta(days=sign)
    c = services.contract_sign(actor=SYSTEM, contract=c, signed_on=signed, start_on=signed, witnesses=WITNESSES)
    c = services.contract_file(
        actor=SYSTEM, contract=c, filed_on=signed + dt.timedelta(days=file), receipt=f"沛人社集备{signed:%Y}-{c.pk:04d}"
    )
    if passed is not None and c.filed_on is not None:
        c = services.contract_review(
            actor=SYSTEM, contract=c, review_on=c.filed_on + dt.timedelta(days=passed), passed=True
        )
        assert c.effective_on is not None
        c = services.contract_publish(actor=SYSTEM, contract=c, published_on=c.effective_on + dt.timedelta(days=3))
    return c


def _enterprises() -> list[OrgNode]:
    return list(OrgNode.objects.filter(kind=Kind.ENTERPRISE, valid_to__isnull=True).order_by("path"))


def _campaign(rng: random.Random, county: OrgNode, pool: list[OrgNode]) -> tuple[Campaign, list[Contract]]:
    campaign = services.campaign_create(
        actor=SYSTEM,
        org=county,
        year=CAMPAIGN_YEAR,
        name="2021年春季集体协商集中要约行动",
        start_on=D(2021, 3, 1),
        end_on=D(2021, 6, 30),
        target_count=SIGNED_2021,
        ceremony_on=CEREMONY,
        ceremony_place="沛县",
        witnesses=WITNESSES,
        is_demo=True,
        note="徐州市2021集体协商春季集中要约行动暨协商健全薪酬机制推进会在沛县召开，重点推进工资集体协商和产业工人薪酬激励机制。",
    )
    picked = pool[:150]
    targets = [
        services.target_add(actor=SYSTEM, campaign=campaign, enterprise=ent, priority=PRIORITIES[i])
        for i, ent in enumerate(picked)
    ]
    signed: list[Contract] = []
    for i, target in enumerate(targets[:140]):
        c = services.target_offer(
            actor=SYSTEM,
            target=target,
            offer_on=CEREMONY,
            kind="wage",
            is_demo=True,
            offer_text="在春季集中要约仪式上，工会向企业发出工资集体协商要约书。",
        )
        if i >= 138:  # two refusals, with their reasons
            services.contract_reply(
                actor=SYSTEM,
                contract=c,
                reply_on=D(2021, 5, 12),
                agrees=False,
                reply_text="企业停产整顿，暂不具备协商条件",
            )
            continue
        if i < SIGNED_2021:
            late = i >= SIGNED_2021 - 4  # four replies after the 20 days
            passed = None if i % 6 == 5 else rng.randint(4, 12)  # 20 deemed effective after 15 days
            talk = rng.randint(25, 35)
            signed.append(
                _through(
                    rng,
                    c,
                    reply=24 if late else rng.randint(5, 18),
                    talk=talk,
                    sign=talk + rng.randint(10, 16),
                    file=12 if i in (3, 57) else rng.randint(2, 9),
                    passed=passed,
                )
            )
        else:  # talks started, not yet agreed
            services.contract_reply(actor=SYSTEM, contract=c, reply_on=CEREMONY + dt.timedelta(days=rng.randint(5, 18)))
            _team(rng, c)
            if i < 132:
                services.talk_add(actor=SYSTEM, contract=c, held_on=D(2021, 6, 2), place="镇工会")
    return campaign, signed


def _renewals(rng: random.Random, contracts: list[Contract]) -> int:
    """Twenty 2021 agreements renewed in 2024, two months before they expired (§38)."""
    n = 0
    for c in contracts[:20]:
        assert c.end_on is not None
        new = services.contract_renew(actor=SYSTEM, contract=c, offer_on=c.end_on - dt.timedelta(days=60))
        _through(rng, new, reply=8, talk=15, sign=30, file=5, passed=7, growth="5")
        n += 1
    return n


def _current(rng: random.Random, county: OrgNode, pool: list[OrgNode], today: dt.date) -> dict[str, int]:
    """Contracts waiting on each clock today, some about to expire, and a town's regional contract."""
    from gefeng.orgs import demo as orgs_demo

    out = {"expiring": 0, "waiting": 0}
    for ent in pool[150:155]:  # general contracts in their last three months
        start = clocks.add_months(today, -34)
        c = services.contract_offer(
            actor=SYSTEM, org=ent, kind="general", offer_on=start - dt.timedelta(days=50), is_demo=True
        )
        c = _through(rng, c, reply=10, talk=20, sign=50, file=4, passed=8)
        out["expiring"] += 1
    xinge, henghui = orgs_demo.node("xinge"), orgs_demo.node("henghui")
    for ent, kind, ago, step in (
        (xinge, "wage", 5, "offered"),
        (henghui, "women", 26, "offered"),
        (pool[155], "safety", 40, "signed"),
        (pool[156], "general", 60, "filed"),
        (pool[157], "general", 70, "filed_long"),
    ):
        c = services.contract_offer(
            actor=SYSTEM, org=ent, kind=kind, offer_on=today - dt.timedelta(days=ago), is_demo=True
        )
        out["waiting"] += 1
        if step == "offered":
            continue
        c = services.contract_reply(actor=SYSTEM, contract=c, reply_on=c.offer_on + dt.timedelta(days=7))
        _team(rng, c)
        services.talk_add(actor=SYSTEM, contract=c, held_on=c.offer_on + dt.timedelta(days=12))
        c = services.contract_draft(
            actor=SYSTEM, contract=c, draft_agreed_on=c.offer_on + dt.timedelta(days=15), term_months=36
        )
        c = services.contract_vote(
            actor=SYSTEM, contract=c, congress_on=c.offer_on + dt.timedelta(days=20), total=50, present=45, votes_for=40
        )
        signed_on = today - dt.timedelta(days={"signed": 4, "filed": 12, "filed_long": 25}[step])
        c = services.contract_sign(actor=SYSTEM, contract=c, signed_on=signed_on, witnesses=WITNESSES)
        if step.startswith("filed"):
            services.contract_file(actor=SYSTEM, contract=c, filed_on=signed_on + dt.timedelta(days=3))
    town = OrgNode.objects.filter(kind=Kind.TOWN).order_by("path").first()
    if town is not None:
        members = list(OrgNode.objects.filter(kind=Kind.ENTERPRISE, path__startswith=town.path).order_by("path")[:6])
        if members:
            c = services.contract_offer(
                actor=SYSTEM,
                org=town,
                coverage="regional",
                kind="wage",
                sector="餐饮业",
                enterprises=members,
                title=f"{town.name}餐饮行业区域性工资集体合同",
                offer_on=D(2025, 1, 6),
                is_demo=True,
            )
            _through(rng, c, reply=9, talk=20, sign=35, file=3, passed=10, term=24, total=45)
    return out


def _committees(rng: random.Random, pool: list[OrgNode]) -> dict[str, Committee]:
    out: dict[str, Committee] = {}
    for town in OrgNode.objects.filter(kind=Kind.TOWN).order_by("path")[:20]:
        c = services.committee_create(actor=SYSTEM, org=town, level="town", name=f"{town.name}劳动争议调解中心")
        services.committee_member_add(
            actor=SYSTEM, committee=c, name=people.contact_name(rng), side="neutral", chair=True, union_member=True
        )
        services.committee_member_add(
            actor=SYSTEM, committee=c, name=people.contact_name(rng), side="worker", union_member=True
        )
        services.committee_member_add(actor=SYSTEM, committee=c, name=people.contact_name(rng), side="employer")
        out[town.path] = c
    for ent in pool[:6]:
        c = services.committee_create(
            actor=SYSTEM, org=ent, level="enterprise", name=f"{ent.display_name}劳动争议调解委员会"
        )
        services.committee_member_add(
            actor=SYSTEM, committee=c, name=people.contact_name(rng), side="worker", union_member=True, chair=True
        )
        services.committee_member_add(
            actor=SYSTEM, committee=c, name=people.contact_name(rng), side="worker", elected=True
        )
        services.committee_member_add(actor=SYSTEM, committee=c, name=people.contact_name(rng), side="employer")
        out[ent.path] = c
    return out


def _committee_for(committees: dict[str, Committee], ent: OrgNode) -> Committee | None:
    for path in sorted(committees, key=len, reverse=True):
        if ent.path.startswith(path):
            return committees[path]
    return None


def _cases(rng: random.Random, committees: dict[str, Committee], pool: list[OrgNode], today: dt.date) -> int:
    """Cases in every state; dates relative to today so the clocks run."""
    made = 0
    pool = [e for e in pool if _committee_for(committees, e) is not None] or pool
    plan = [
        ("agreed", 80, "wages", 6800),
        ("agreed", 60, "overtime", 3200),
        ("agreed", 45, "compensation", 15000),
        ("agreed", 30, "wages", 4600),
        ("failed", 50, "compensation", 26000),
        ("awarded", 110, "wages", 18500),
        ("arbitration", 35, "injury", 42000),
        ("mediating", 6, "wages", 5200),
        ("mediating", 20, "insurance", 3000),
        ("applied", 2, "overtime", 2400),
        ("withdrawn", 40, "other", 0),
        ("group", 10, "wages", 96000),
    ]
    for i, (state, ago, kind, amount) in enumerate(plan):
        ent = pool[i * 7 % len(pool)]
        committee = _committee_for(committees, ent) if state != "applied" else None
        applied = today - dt.timedelta(days=ago)
        group = state == "group"
        reps = "、".join(people.contact_name(rng) for _ in range(3)) if group else ""
        case = services.case_apply(
            actor=SYSTEM,
            org=ent,
            applicant_name=people.contact_name(rng),
            applicant_phone=people.contact_mobile(rng),
            applied_on=applied,
            facts="单位拖欠工资，多次催要未果" if kind == "wages" else "请求依法支付相关待遇",
            claims=[(kind, amount)],
            knew_on=applied - dt.timedelta(days=rng.randint(10, 90)),
            committee=committee,
            worker_count=12 if group else 1,
            representatives=reps,
            is_demo=True,
        )
        made += 1
        if state in ("mediating", "applied", "group"):
            if state != "applied":
                services.session_add(
                    actor=SYSTEM,
                    case=case,
                    held_on=applied + dt.timedelta(days=2),
                    mediator="调解员",
                    notes="听取双方陈述",
                )
            continue
        if state == "withdrawn":
            services.case_withdraw(actor=SYSTEM, case=case, on=applied + dt.timedelta(days=3))
            continue
        services.session_add(
            actor=SYSTEM, case=case, held_on=applied + dt.timedelta(days=3), mediator="调解员", notes="组织双方调解"
        )
        if state == "agreed":
            services.case_agree(
                actor=SYSTEM,
                case=case,
                closed_on=applied + dt.timedelta(days=9),
                amount=amount,
                recovered=amount,
                agreement_text=f"用人单位于协议签订之日起10日内一次性支付{amount}元，双方劳动争议就此了结。",
                signed_by_parties=True,
                signed_by_mediator=True,
                sealed=True,
            )
            continue
        services.case_fail(
            actor=SYSTEM, case=case, closed_on=applied + dt.timedelta(days=12), reason="用人单位不同意调解方案"
        )
        if state == "failed":
            continue
        case = services.case_refer(
            actor=SYSTEM,
            case=Case.objects.get(pk=case.pk),
            referred_on=applied + dt.timedelta(days=14),
            arb_case_no=f"沛劳人仲案字〔{applied:%Y}〕{30 + i}号",
        )
        case = services.case_accept(actor=SYSTEM, case=case, accepted_on=applied + dt.timedelta(days=17))
        if state == "awarded":
            services.case_award(
                actor=SYSTEM,
                case=case,
                award_on=applied + dt.timedelta(days=55),
                amount=amount,
                recovered=amount,
                note="裁决用人单位支付拖欠工资",
            )
    return made


def _help(rng: random.Random, pool: list[OrgNode], today: dt.date) -> int:
    rows = [
        (
            "contract",
            "单位不签书面劳动合同，可以要求双倍工资吗？",
            "可以。用工之日起超过一个月不满一年未订立书面劳动合同的，应向劳动者每月支付二倍工资（《劳动合同法》第八十二条）。",
            "",
        ),
        (
            "injury",
            "下班路上被车撞了算工伤吗？",
            "在上下班途中受到非本人主要责任的交通事故伤害的，应当认定为工伤（《工伤保险条例》第十四条）。",
            "",
        ),
        ("wages", "工厂拖欠三个月工资，怎么办？", "", "沛县法律援助中心"),
        ("dismissal", "试用期被辞退有没有补偿？", "", ""),
        ("women", "怀孕期间单位要调岗降薪，合法吗？", "", ""),
    ]
    for i, (topic, question, answer, aid) in enumerate(rows):
        item = services.consultation_create(
            actor=SYSTEM,
            org=pool[i * 11 % len(pool)],
            name=people.contact_name(rng),
            phone=people.contact_mobile(rng),
            topic=topic,
            question=question,
            asked_on=today - dt.timedelta(days=10 - i * 2),
            is_demo=True,
        )
        if answer:
            services.consultation_answer(actor=SYSTEM, item=item, answer=answer, answered_on=item.asked_on)
        elif aid:
            services.consultation_refer(actor=SYSTEM, item=item, aid_to=aid, on=item.asked_on + dt.timedelta(days=1))
    warnings = [
        (
            "arrears",
            35,
            420000,
            "连续两个月未足额发放工资，职工情绪不稳",
            "镇工会、人社所约谈企业负责人，企业承诺分期支付，已支付首期",
        ),
        ("closure", 120, 0, "企业计划停产搬迁", ""),
        ("layoff", 48, 0, "订单下滑，拟裁减人员20人以上", ""),
    ]
    for i, (kind, workers, amount, text, handling) in enumerate(warnings):
        w = services.warning_create(
            actor=SYSTEM,
            org=pool[40 + i * 5],
            kind=kind,
            reported_on=today - dt.timedelta(days=30 - i * 9),
            workers=workers,
            amount=amount,
            description=text,
            is_demo=True,
        )
        if handling:
            services.warning_handle(
                actor=SYSTEM, warning=w, handling=handling, handled_on=w.reported_on + dt.timedelta(days=6)
            )
    return len(rows)


def _worker() -> bool:
    from gefeng.accounts.models import User
    from gefeng.workers import selectors

    user = User.objects.filter(username="zhigong", is_active=True).first()
    if user is None or selectors.own_member(user) is None:
        return False
    services.worker_consult(actor=user, topic="hours", question="每天加班到晚上九点，加班费怎么算？", phone="")
    services.worker_mediation(actor=user, facts="车间调岗后工资降低，要求补发差额", claim_kind="wages", amount="1500")
    return True


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    county = OrgNode.objects.filter(kind=Kind.COUNTY, parent__isnull=True).order_by("path").first()
    if county is None:
        return {}
    rng = random.Random(SEED)
    from gefeng.orgs import demo as orgs_demo

    named = {orgs_demo.node("xinge").pk, orgs_demo.node("henghui").pk}
    pool = [e for e in _enterprises() if e.pk not in named]
    if len(pool) < 160:
        return {}
    today = timezone.localdate()
    campaign, signed = _campaign(rng, county, pool)
    # The daily pass of the clocks, as it ran at the end of 2021: 20 filed agreements without an
    # objection in 15 days took effect (§47); then the renewals of 2024 and today's pass (expiries).
    deemed = services.contracts_sweep(actor=SYSTEM, on=D(2021, 12, 31))["deemed"]
    renewed = _renewals(rng, [Contract.objects.get(pk=c.pk) for c in signed])
    expired = services.contracts_sweep(actor=SYSTEM, on=today)["expired"]
    current = _current(rng, county, pool, today)
    committees = _committees(rng, pool)
    cases = _cases(rng, committees, pool, today)
    consults = _help(rng, pool, today)
    worker = _worker()
    signed_2021 = Target.objects.filter(campaign=campaign, stage__gte=4).count()
    if signed_2021 != SIGNED_2021:
        raise RuntimeError(f"维权演示数据不符：签约企业 {signed_2021} 家")
    if stdout is not None:
        stdout.write(
            f"维权：{campaign.name} 要约 140 家、签约 {signed_2021} 家（{CEREMONY:%Y年%-m月%-d日}要约仪式），"
            f"续订 {renewed} 份，争议案件 {cases} 件\n"
        )
    return {
        "yaoyue_signed_2021": signed_2021,
        "contracts_renewed": renewed,
        "contracts_deemed": deemed,
        "contracts_expired": expired,
        "contracts_waiting": current["waiting"],
        "dispute_cases": cases,
        "consultations": consults,
        "worker_requests": int(worker),
    }


def clear() -> None:
    # Every row hangs on the demo tree, which is about to be rebuilt: plain deletes, children first.
    through = Contract.enterprises.through
    with connection.cursor() as cur:
        for model in (
            LimitationEvent,
            Session,
            Claim,
            Case,
            CommitteeMember,
            Committee,
            Consultation,
            EarlyWarning,
            Target,
            Campaign,
            Talk,
            Negotiator,
            through,
        ):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        cur.execute(f"UPDATE {connection.ops.quote_name(Contract._meta.db_table)} SET previous_id = NULL")  # noqa: S608
        cur.execute(f"DELETE FROM {connection.ops.quote_name(Contract._meta.db_table)}")  # noqa: S608
