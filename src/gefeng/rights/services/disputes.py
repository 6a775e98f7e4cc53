"""Dispute mediation and the arbitration hand-off (劳动争议调解仲裁法).

application (§12) → mediation within 15 days (§14) → agreement, signed by both parties and the
mediator and sealed (§14) — or failure → arbitration: acceptance within 5 days (§29), award within
45 days extendable once by ≤ 15 (§43), final for the employer up to 12 months of the minimum wage
(§47); the limitation (1 year, interruption and suspension, §27) is computed on every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import audit
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights import clocks, conf
from gefeng.rights.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Claim,
    ClaimKind,
    Committee,
    CommitteeLevel,
    CommitteeMember,
    LimitationEvent,
    LimitationKind,
    MemberSide,
    Session,
)
from gefeng.rights.services.common import CASES, Clean, require, today


def committee_problems(committee: Committee) -> list[str]:
    """劳动争议调解仲裁法 §10: an enterprise committee has worker and employer members; worker
    members are union members or elected by all staff; the chair is a union member or a person
    both sides chose."""
    members = list(committee.members.all())
    out: list[str] = []
    art = clocks.COMMITTEE_ARTICLE
    chairs = [m for m in members if m.chair]
    if len(chairs) != 1:
        out.append(f"调解委员会应有1名主任（现有 {len(chairs)} 名）（{art}）。")
    if committee.level == CommitteeLevel.ENTERPRISE:
        if not any(m.side == MemberSide.WORKER for m in members):
            out.append(f"企业劳动争议调解委员会应有职工代表（{art}）。")
        if not any(m.side == MemberSide.EMPLOYER for m in members):
            out.append(f"企业劳动争议调解委员会应有企业代表（{art}）。")
        for m in members:
            if m.side == MemberSide.WORKER and not (m.union_member or m.elected):
                out.append(f"职工代表{m.name}应为工会成员或由全体职工推举产生（{art}）。")
        for m in chairs:
            if not (m.union_member or m.side == MemberSide.NEUTRAL):
                out.append(f"主任{m.name}应由工会成员或双方推举的人员担任（{art}）。")
    return out


@accepts_system
@transaction.atomic
def committee_create(*, actor: Any, org: OrgNode, level: str, name: Any, founded_on: Any = None) -> Committee:
    require(actor, org, CASES)
    c = Clean()
    if level not in CommitteeLevel.values:
        c.add("level", "请选择调解组织类型。")
    elif level == CommitteeLevel.ENTERPRISE and org.kind != Kind.ENTERPRISE:
        c.add("org", "企业劳动争议调解委员会应设在企业。")
    elif level != CommitteeLevel.ENTERPRISE and org.kind not in (Kind.TOWN, Kind.COUNTY):
        c.add("org", "乡镇（街道）调解组织应设在镇街。")
    name_s = c.text(name, "name", "名称", limit=100, required=True)
    founded = c.date(founded_on, "founded_on", "成立日期")
    c.done()
    committee = Committee.objects.create(org=org, level=level, name=name_s, founded_on=founded)
    committee.problems = committee_problems(committee)
    committee.save(update_fields=["problems"])
    audit.record(actor=actor, action="rights.committee.created", obj=committee, changes={"name": name_s})
    return committee


@accepts_system
@transaction.atomic
def committee_member_add(
    *,
    actor: Any,
    committee: Committee,
    name: Any,
    side: str,
    union_member: bool = False,
    elected: bool = False,
    chair: bool = False,
) -> CommitteeMember:
    require(actor, committee, CASES)
    c = Clean()
    name_s = c.text(name, "name", "姓名", limit=50, required=True)
    if side not in MemberSide.values:
        c.add("side", "请选择代表方。")
    if chair and committee.members.filter(chair=True).exists():
        c.add("chair", "该调解委员会已有主任。")
    c.done()
    member = CommitteeMember.objects.create(
        committee=committee, name=name_s, side=side, union_member=union_member, elected=elected, chair=chair
    )
    committee.problems = committee_problems(committee)
    committee.save(update_fields=["problems"])
    audit.record(
        actor=actor, action="rights.committee.member_added", obj=committee, changes={"name": name_s, "side": side}
    )
    return member


def _refresh_limitation(case: Case) -> None:
    events = [clocks.LimitationEvent(e.kind, e.on) for e in case.limitation_events.all()] if case.pk else []
    case.limitation_until = clocks.limitation_until(
        case.knew_on, events, wage_arrears=case.wage_arrears, employment_ended_on=case.employment_ended_on
    )


def _number(day: dt.date) -> str:
    n = Case.objects.filter(number__startswith=f"沛劳调〔{day.year}〕").count() + 1
    while Case.objects.filter(number=f"沛劳调〔{day.year}〕{n}号").exists():
        n += 1
    return f"沛劳调〔{day.year}〕{n}号"


@accepts_system
@transaction.atomic
def case_apply(
    *,
    actor: Any,
    org: OrgNode,
    applicant_name: Any,
    applied_on: Any,
    facts: Any = "",
    employer_name: Any = "",
    applicant_phone: Any = "",
    claims: list[tuple[str, Any]] | None = None,
    worker_count: Any = 1,
    representatives: Any = "",
    oral: bool = False,
    knew_on: Any = None,
    wage_arrears: bool = False,
    employment_ended_on: Any = None,
    committee: Committee | None = None,
    member: Any = None,
    user: Any = None,
    is_demo: bool = False,
) -> Case:
    """A written or oral application (§12; an oral one is recorded on the spot). Mediation has
    15 days (§14). ≥ 10 workers with a common claim are a group dispute and elect
    representatives (§7)."""
    require(actor, org, CASES)
    c = Clean()
    if org.kind not in (Kind.ENTERPRISE, Kind.TOWN, Kind.COUNTY):
        c.add("org", "用人单位应为企业；不在组织树中的用人单位请选所在镇街并填写单位名称。")
    name = c.text(applicant_name, "applicant_name", "申请人", limit=50, required=True)
    employer = c.text(employer_name, "employer_name", "用人单位名称", limit=120) or org.name
    if org.kind != Kind.ENTERPRISE and not c.text(employer_name, "employer_name", "用人单位名称"):
        c.add("employer_name", "请填写用人单位名称。")
    day = c.date(applied_on, "applied_on", "申请日期", required=True)
    c.not_future(day, "applied_on", "申请日期")
    workers = c.integer(worker_count, "worker_count", "涉及职工人数", minimum=1, maximum=100000) or 1
    reps = c.text(representatives, "representatives", "推举的代表")
    if workers >= clocks.GROUP_MIN and not reps:
        c.add("representatives", f"涉及 {workers} 名职工的集体争议，请填写职工推举的代表（{clocks.GROUP_ARTICLE}）。")
    knew = c.date(knew_on, "knew_on", "知道权利被侵害之日")
    if knew and day and knew > day:
        c.add("knew_on", "知道权利被侵害之日不能晚于申请日期。")
    ended = c.date(employment_ended_on, "employment_ended_on", "劳动关系终止日期")
    lines: list[tuple[str, Decimal]] = []
    for i, (kind, amount) in enumerate(claims or []):
        if kind not in ClaimKind.values:
            c.add("claims", f"第 {i + 1} 项请求事项无法识别。")
            continue
        money = c.money(amount, "claims", f"第 {i + 1} 项请求金额") or Decimal(0)
        lines.append((kind, money))
    if committee is not None:
        require(actor, committee, CASES)
        if not (committee.org.path == org.path or committee.org.is_ancestor_of(org)):
            c.add("committee", "调解组织应为用人单位本单位或所在镇街的调解组织。")
        elif committee.problems:
            c.add("committee", f"该调解委员会组成不符合规定：{committee.problems[0]}")
    c.done()
    assert day is not None
    case = Case(
        number=_number(day),
        org=org,
        employer_name=employer,
        committee=committee,
        applicant_name=name,
        applicant_phone=c.text(applicant_phone, "applicant_phone", "联系电话", limit=20),
        applicant_member=member,
        applicant_user=user,
        oral=bool(oral),
        applied_on=day,
        facts=c.long_text(facts),
        claim_total=sum((m for _, m in lines), Decimal(0)),
        is_group=workers >= clocks.GROUP_MIN,
        worker_count=workers,
        representatives=reps,
        mediation_due=day + dt.timedelta(days=clocks.MEDIATION.days),
        knew_on=knew or (day if not wage_arrears else None),
        wage_arrears=bool(wage_arrears),
        employment_ended_on=ended,
        status=CaseStatus.MEDIATING if committee is not None else CaseStatus.APPLIED,
        is_demo=is_demo,
    )
    _refresh_limitation(case)
    case.save()
    Claim.objects.bulk_create([Claim(case=case, kind=k, amount=m) for k, m in lines])
    audit.record(
        actor=actor,
        action="rights.case.applied",
        obj=case,
        changes={
            "org": org.pk,
            "group": case.is_group,
            "claim_total": case.claim_total,
            "mediation_due": case.mediation_due,
        },
    )
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("org", "committee").get(pk=case.pk)


def _status(case: Case, allowed: tuple[str, ...], doing: str) -> None:
    if case.status not in allowed:
        raise ValidationError(f"该案件当前状态为“{case.get_status_display()}”，不能{doing}（请刷新页面）。")


@accepts_system
@transaction.atomic
def case_assign(*, actor: Any, case: Case, committee: Committee) -> Case:
    require(actor, case, CASES)
    require(actor, committee, CASES)
    case = _locked(case)
    _status(case, OPEN_STATUSES, "指定调解组织")
    if not (committee.org.path == case.org.path or committee.org.is_ancestor_of(case.org)):
        raise ValidationError({"committee": ["调解组织应为用人单位本单位或所在镇街的调解组织。"]})
    if committee.problems:
        raise ValidationError({"committee": [f"该调解委员会组成不符合规定：{committee.problems[0]}"]})
    case.committee, case.status = committee, CaseStatus.MEDIATING
    case.save()
    audit.record(actor=actor, action="rights.case.assigned", obj=case, changes={"committee": committee.pk})
    return case


@accepts_system
@transaction.atomic
def session_add(*, actor: Any, case: Case, held_on: Any, mediator: Any = "", notes: Any = "") -> Session:
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.MEDIATING,), "登记调解")
    c = Clean()
    day = c.date(held_on, "held_on", "调解日期", required=True)
    c.not_future(day, "held_on", "调解日期")
    if day and day < case.applied_on:
        c.add("held_on", "调解日期不能早于申请日期。")
    c.done()
    assert day is not None
    session = Session.objects.create(
        case=case, held_on=day, mediator=c.text(mediator, "mediator", "调解员", limit=50), notes=c.long_text(notes)
    )
    audit.record(actor=actor, action="rights.case.session", obj=case, changes={"held_on": day})
    return session


@accepts_system
@transaction.atomic
def case_agree(
    *,
    actor: Any,
    case: Case,
    closed_on: Any,
    agreement_text: Any,
    amount: Any = None,
    signed_by_parties: bool = False,
    signed_by_mediator: bool = False,
    sealed: bool = False,
    recovered: Any = None,
) -> Case:
    """Close as agreed: the agreement is written, signed by both parties and the mediator, and
    sealed by the committee (§14) — otherwise the case cannot be closed as agreed."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.MEDIATING,), "登记调解协议")
    c = Clean()
    art = clocks.AGREEMENT_ARTICLE
    day = c.date(closed_on, "closed_on", "达成协议日期", required=True)
    c.not_future(day, "closed_on", "达成协议日期")
    if day and day < case.applied_on:
        c.add("closed_on", "达成协议日期不能早于申请日期。")
    text = c.long_text(agreement_text)
    if not text:
        c.add("agreement_text", f"调解成功应当制作调解协议书，请填写协议内容（{art}）。")
    if not (signed_by_parties and signed_by_mediator):
        c.add("signed_by_parties", f"调解协议书须由双方当事人签名或盖章，经调解员签名（{art}）。")
    if not sealed:
        c.add("sealed", f"调解协议书须加盖调解组织印章后生效（{art}）。")
    money = c.money(amount, "amount", "协议金额")
    got = c.money(recovered, "recovered", "追回金额")
    c.done()
    case.closed_on, case.agreement_text, case.agreement_amount = day, text, money
    case.signed_by_parties, case.signed_by_mediator, case.sealed = True, True, True
    case.recovered = got if got is not None else (money or Decimal(0))
    case.status = CaseStatus.AGREED
    case.save()
    audit.record(actor=actor, action="rights.case.agreed", obj=case, changes={"closed_on": day, "amount": money})
    return case


@accepts_system
@transaction.atomic
def case_fail(*, actor: Any, case: Case, closed_on: Any, reason: Any) -> Case:
    """Mediation fails (a party refuses, or no agreement within 15 days, §14): arbitration is open."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, OPEN_STATUSES, "登记调解不成")
    c = Clean()
    day = c.date(closed_on, "closed_on", "调解结束日期", required=True)
    if day and day < case.applied_on:
        c.add("closed_on", "调解结束日期不能早于申请日期。")
    text = c.text(reason, "reason", "调解不成原因", required=True)
    c.done()
    case.closed_on, case.fail_reason, case.status = day, text, CaseStatus.FAILED
    case.save()
    audit.record(actor=actor, action="rights.case.failed", obj=case, changes={"closed_on": day})
    return case


@accepts_system
@transaction.atomic
def limitation_add(*, actor: Any, case: Case, kind: str, on: Any, note: Any = "") -> LimitationEvent:
    """An interruption (restarts the year) or a suspension and its end (§27)."""
    require(actor, case, CASES)
    case = _locked(case)
    c = Clean()
    if kind not in LimitationKind.values:
        c.add("kind", "请选择事由。")
    day = c.date(on, "on", "日期", required=True)
    if day and case.knew_on and day < case.knew_on:
        c.add("on", "日期不能早于知道权利被侵害之日。")
    c.done()
    assert day is not None
    event = LimitationEvent.objects.create(case=case, kind=kind, on=day, note=c.text(note, "note", "说明"))
    before = case.limitation_until
    _refresh_limitation(case)
    case.save(update_fields=["limitation_until", "updated_at"])
    audit.record(
        actor=actor,
        action="rights.case.limitation",
        obj=case,
        changes={
            "kind": kind,
            "on": day,
            **audit.diff({"limitation_until": before}, {"limitation_until": case.limitation_until}),
        },
    )
    return event


@accepts_system
@transaction.atomic
def case_refer(*, actor: Any, case: Case, referred_on: Any, arb_case_no: Any = "") -> Case:
    """Hand the case to the 人社局's arbitration committee: after a failed mediation, after 15 days
    without agreement (§14), or when an agreement is not performed (§15) — within the limitation
    (§27). The committee decides on acceptance within 5 days (§29)."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.FAILED, CaseStatus.APPLIED, CaseStatus.MEDIATING, CaseStatus.AGREED), "转仲裁")
    c = Clean()
    day = c.date(referred_on, "referred_on", "申请仲裁日期", required=True)
    c.not_future(day, "referred_on", "申请仲裁日期")
    if day and case.status in OPEN_STATUSES and day <= case.mediation_due:
        c.add(
            "referred_on",
            f"调解期限 {case.mediation_due:%Y-%m-%d} 未满且未登记调解不成，暂不能转仲裁"
            f"（{clocks.MEDIATION.article}）。",
        )
    if day and case.limitation_until and day > case.limitation_until:
        c.add(
            "referred_on", f"已超过仲裁时效（{case.limitation_until:%Y-%m-%d} 届满）（{clocks.LIMITATION_ARTICLE}）。"
        )
    c.done()
    assert day is not None
    if case.status in OPEN_STATUSES:
        case.closed_on, case.fail_reason = case.mediation_due, "调解期满未达成协议"
    case.referred_on, case.arb_case_no = day, c.text(arb_case_no, "arb_case_no", "仲裁案号", limit=40)
    case.acceptance_due = day + dt.timedelta(days=clocks.ACCEPTANCE.days)
    case.status = CaseStatus.ARBITRATION
    case.save()
    audit.record(
        actor=actor,
        action="rights.case.referred",
        obj=case,
        changes={"referred_on": day, "acceptance_due": case.acceptance_due},
    )
    return case


@accepts_system
@transaction.atomic
def case_accept(*, actor: Any, case: Case, accepted_on: Any, hearing_on: Any = None, arb_case_no: Any = "") -> Case:
    """Acceptance by the arbitration committee (§29); the award is due 45 days later (§43)."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.ARBITRATION,), "登记受理")
    c = Clean()
    day = c.date(accepted_on, "accepted_on", "受理日期", required=True)
    if case.accepted_on:
        c.add("accepted_on", "已登记受理。")
    if day and case.referred_on and day < case.referred_on:
        c.add("accepted_on", "受理日期不能早于申请仲裁日期。")
    hearing = c.date(hearing_on, "hearing_on", "开庭日期")
    if hearing and day and hearing < day:
        c.add("hearing_on", "开庭日期不能早于受理日期。")
    c.done()
    assert day is not None
    case.accepted_on, case.hearing_on = day, hearing
    case.arb_case_no = c.text(arb_case_no, "arb_case_no", "仲裁案号", limit=40) or case.arb_case_no
    case.award_due = day + dt.timedelta(days=clocks.AWARD.days)
    case.save()
    audit.record(
        actor=actor, action="rights.case.accepted", obj=case, changes={"accepted_on": day, "award_due": case.award_due}
    )
    return case


@accepts_system
@transaction.atomic
def case_extend(*, actor: Any, case: Case, days: Any) -> Case:
    """The one extension of the award deadline, by at most 15 days (§43)."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.ARBITRATION,), "延长审理期限")
    c = Clean()
    n = c.integer(days, "days", "延长天数", minimum=1, maximum=365, required=True)
    if case.award_due is None:
        c.add("days", "尚未受理，不能延长审理期限。")
    if case.extension_days:
        c.add("days", f"审理期限只能延长一次（{clocks.AWARD.article}）。")
    if n is not None and n > clocks.AWARD_EXTENSION_MAX:
        c.add("days", f"延长期限不得超过 {clocks.AWARD_EXTENSION_MAX} 日（{clocks.AWARD.article}）。")
    c.done()
    assert n is not None and case.award_due is not None
    case.extension_days, case.award_due = n, case.award_due + dt.timedelta(days=n)
    case.save()
    audit.record(actor=actor, action="rights.case.extended", obj=case, changes={"days": n, "award_due": case.award_due})
    return case


@accepts_system
@transaction.atomic
def case_award(
    *, actor: Any, case: Case, award_on: Any, amount: Any = None, note: Any = "", recovered: Any = None
) -> Case:
    """The award. It is final for the employer when the claims do not exceed 12 months of the local
    minimum wage (§47(一), `GEFENG_RIGHTS_MINIMUM_WAGE_MONTHLY`)."""
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, (CaseStatus.ARBITRATION,), "登记裁决")
    c = Clean()
    day = c.date(award_on, "award_on", "裁决日期", required=True)
    if case.accepted_on is None:
        c.add("award_on", "请先登记仲裁受理。")
    elif day and day < case.accepted_on:
        c.add("award_on", "裁决日期不能早于受理日期。")
    money = c.money(amount, "amount", "裁决金额")
    got = c.money(recovered, "recovered", "追回金额")
    c.done()
    limit = clocks.final_award_limit(conf.get("RIGHTS_MINIMUM_WAGE_MONTHLY"))
    case.award_on, case.award_amount, case.award_note = day, money, c.text(note, "note", "裁决结果")
    case.award_final = case.claim_total <= limit
    case.recovered = got if got is not None else (money or Decimal(0))
    case.status = CaseStatus.AWARDED
    case.save()
    audit.record(
        actor=actor, action="rights.case.awarded", obj=case, changes={"award_on": day, "final": case.award_final}
    )
    return case


@accepts_system
@transaction.atomic
def case_withdraw(*, actor: Any, case: Case, on: Any = None) -> Case:
    require(actor, case, CASES)
    case = _locked(case)
    _status(case, OPEN_STATUSES, "撤回")
    case.status, case.closed_on = CaseStatus.WITHDRAWN, Clean().date(on, "on", "日期") or today()
    case.save()
    audit.record(actor=actor, action="rights.case.withdrawn", obj=case, changes={"closed_on": case.closed_on})
    return case


def case_clocks(case: Case) -> list[clocks.Clock]:
    """The case's statutory clocks, each with its article."""
    c = clocks
    mediation_done = case.closed_on if case.status not in OPEN_STATUSES else None
    out = [c.Clock("调解（15日内）", c.MEDIATION.article, case.applied_on, case.mediation_due, mediation_done)]
    out.append(
        c.Clock(
            "仲裁申请时效（1年）",
            c.LIMITATION_ARTICLE,
            case.knew_on,
            case.limitation_until,
            case.referred_on,
            "劳动关系存续期间拖欠劳动报酬不受时效限制" if case.wage_arrears and not case.employment_ended_on else "",
        )
    )
    if case.referred_on:
        out.append(
            c.Clock("仲裁受理（5日内）", c.ACCEPTANCE.article, case.referred_on, case.acceptance_due, case.accepted_on)
        )
    if case.accepted_on:
        note = f"已延长 {case.extension_days} 日" if case.extension_days else "可延长一次，不超过15日"
        out.append(c.Clock("仲裁裁决（45日）", c.AWARD.article, case.accepted_on, case.award_due, case.award_on, note))
    return out
