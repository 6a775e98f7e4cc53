"""A collective contract from 要约 to effect: offer → written reply → negotiators and talks →
draft → congress vote → signatures → filing → review (or deemed effective after 15 days) →
publication; then expiry and renewal. Every step checks the statutory rule it follows and names
the article in its refusal (rules in `rights.clocks`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights import clocks
from gefeng.rights.models import (
    Contract,
    ContractKind,
    ContractStatus,
    Coverage,
    Negotiator,
    Role,
    Side,
    Stage,
    Talk,
    Target,
)
from gefeng.rights.services.common import MANAGE, Clean, require, today

# Contract status → the campaign target's stage.
STAGE_OF: dict[str, Stage] = {
    ContractStatus.OFFERED: Stage.SENT,
    ContractStatus.REFUSED: Stage.REPLIED,
    ContractStatus.NEGOTIATING: Stage.REPLIED,
    ContractStatus.APPROVED: Stage.TALKS,
    ContractStatus.SIGNED: Stage.SIGNED,
    ContractStatus.FILED: Stage.FILED,
    ContractStatus.OBJECTED: Stage.FILED,
    ContractStatus.EFFECTIVE: Stage.EFFECTIVE,
    ContractStatus.EXPIRED: Stage.EFFECTIVE,
}


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _status(contract: Contract, allowed: tuple[str, ...], doing: str) -> None:
    if contract.status not in allowed:
        raise ValidationError(f"该合同当前状态为“{contract.get_status_display()}”，不能{doing}（请刷新页面）。")


def _sync_targets(contract: Contract) -> None:
    stage = STAGE_OF.get(contract.status)
    if stage is None:
        return
    if contract.status == ContractStatus.NEGOTIATING and contract.talks.exists():
        stage = Stage.TALKS
    Target.objects.filter(contract=contract).update(stage=stage)


def _save(actor: Any, contract: Contract, action: str, changes: dict[str, Any]) -> Contract:
    contract.save()
    _sync_targets(contract)
    audit.record(actor=actor, action=action, obj=contract, changes=changes)
    return contract


@accepts_system
@transaction.atomic
def contract_offer(
    *,
    actor: Any,
    org: OrgNode,
    kind: str = ContractKind.GENERAL,
    coverage: str = Coverage.ENTERPRISE,
    title: Any = "",
    offer_side: str = Side.WORKER,
    offer_on: Any = None,
    offer_text: Any = "",
    enterprises: list[OrgNode] | None = None,
    employees: Any = None,
    sector: Any = "",
    previous: Contract | None = None,
    is_demo: bool = False,
) -> Contract:
    """Record a written 要约 (集体合同规定 §32): the other side must reply in writing within 20 days.
    A 区域性 / 行业性 contract is made at county level or below (劳动合同法 §53); a renewal is
    requested in the 3 months before the previous contract expires (§38)."""
    require(actor, org, MANAGE)
    c = Clean()
    if kind not in ContractKind.values:
        c.add("kind", "请选择合同种类。")
    if coverage not in Coverage.values:
        c.add("coverage", "请选择合同类型。")
    if offer_side not in Side.values:
        c.add("offer_side", "请选择要约方。")
    offer_d = c.date(offer_on, "offer_on", "要约书送达日期", required=True)
    c.not_future(offer_d, "offer_on", "要约书送达日期")
    covered = list(enterprises or [])
    if coverage == Coverage.ENTERPRISE:
        if org.kind != Kind.ENTERPRISE:
            c.add("org", "企业集体合同的签约单位应为企业。")
        covered = [org]
    elif coverage in (Coverage.REGIONAL, Coverage.SECTOR):
        if org.kind not in (Kind.TOWN, Kind.COUNTY):
            c.add(
                "org",
                f"区域性、行业性集体合同在县级以下区域内签订，签约单位应为镇街或县（{clocks.REGIONAL_ARTICLE}）。",
            )
        outside = [e for e in covered if not (e.kind == Kind.ENTERPRISE and org.is_ancestor_of(e))]
        if outside or not covered:
            c.add("enterprises", "请选择本区域内的覆盖企业。")
    staff = c.integer(employees, "employees", "覆盖职工人数", maximum=10**7)
    if staff is None:
        staff = sum(e.employee_count or 0 for e in covered)
    if previous is not None and offer_d and previous.renewal_from and offer_d < previous.renewal_from:
        since = f"{previous.renewal_from:%Y-%m-%d}"
        c.add("offer_on", f"续订要约应在原合同期满前3个月内提出（{since} 起）（{clocks.TERM_ARTICLE}）。")
    title_s = (
        c.text(title, "title", "合同名称", limit=120)
        or f"{org.display_name}{ContractKind(kind).label if kind in ContractKind.values else ''}"
    )
    c.done()
    assert offer_d is not None
    contract = Contract.objects.create(
        org=org,
        coverage=coverage,
        kind=kind,
        title=title_s,
        sector=c.text(sector, "sector", "行业", limit=40),
        enterprise_count=len(covered),
        employees=staff,
        offer_side=offer_side,
        offer_on=offer_d,
        offer_text=c.long_text(offer_text),
        reply_due=offer_d + dt.timedelta(days=clocks.REPLY.days),
        previous=previous,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    contract.enterprises.set(covered)
    audit.record(
        actor=actor,
        action="rights.contract.offered",
        obj=contract,
        changes={"kind": kind, "offer_on": offer_d, "reply_due": contract.reply_due},
    )
    return contract


@accepts_system
@transaction.atomic
def contract_reply(
    *, actor: Any, contract: Contract, reply_on: Any, agrees: bool = True, reply_text: Any = ""
) -> Contract:
    """The written reply to a 要约, due within 20 days; refusing needs a good reason (§32)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.OFFERED,), "登记回应")
    c = Clean()
    day = c.date(reply_on, "reply_on", "书面回应日期", required=True)
    c.not_future(day, "reply_on", "书面回应日期")
    if day and day < contract.offer_on:
        c.add(
            "reply_on", f"书面回应日期不能早于要约书送达日期 {contract.offer_on:%Y-%m-%d}（{clocks.REPLY.article}）。"
        )
    text = c.long_text(reply_text)
    if not agrees and not text:
        c.add("reply_text", f"无正当理由不得拒绝协商，拒绝时请填写理由（{clocks.REPLY.article}）。")
    c.done()
    contract.reply_on, contract.reply_agrees, contract.reply_text = day, bool(agrees), text
    contract.status = ContractStatus.NEGOTIATING if agrees else ContractStatus.REFUSED
    return _save(actor, contract, "rights.contract.replied", {"reply_on": day, "agrees": bool(agrees)})


def _team(contract: Contract) -> dict[str, list[dict]]:
    sides: dict[str, list[dict]] = {Side.WORKER: [], Side.EMPLOYER: []}
    for n in contract.negotiators.filter(left_on__isnull=True):
        sides[n.side].append(
            {"name": n.name, "key": n.name, "chief": n.role == Role.CHIEF, "expert": n.role == Role.EXPERT}
        )
    return sides


def team_problems(contract: Contract) -> list[str]:
    return clocks.team_problems(_team(contract), contract.recorder)


@accepts_system
@transaction.atomic
def negotiator_add(
    *,
    actor: Any,
    contract: Contract,
    side: str,
    name: Any,
    role: str = Role.MEMBER,
    post: Any = "",
    joined_on: Any = None,
) -> Negotiator:
    """Add a negotiator; a newcomer on a side fills that side's oldest open vacancy (§31)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.OFFERED, ContractStatus.NEGOTIATING), "调整协商代表")
    c = Clean()
    if side not in Side.values:
        c.add("side", "请选择代表方。")
    if role not in Role.values:
        c.add("role", "请选择身份。")
    name_s = c.text(name, "name", "姓名", limit=50, required=True)
    joined = c.date(joined_on, "joined_on", "产生日期") or today()
    active = contract.negotiators.filter(left_on__isnull=True)
    if name_s and active.filter(name=name_s).exists():
        c.add("name", f"{name_s}已是本次协商的代表，双方不得共用代表（{clocks.SHARED_ARTICLE}）。")
    if name_s and name_s == contract.recorder:
        c.add("name", f"{name_s}是记录员，记录员应由非协商代表担任（{clocks.RECORDER_ARTICLE}）。")
    if role == Role.CHIEF and active.filter(side=side, role=Role.CHIEF).exists():
        c.add("role", f"本方已有首席代表（{clocks.SIDE_ARTICLE}）。")
    c.done()
    n = Negotiator.objects.create(
        contract=contract,
        side=side,
        name=name_s,
        role=role,
        post=c.text(post, "post", "职务", limit=60),
        joined_on=joined,
    )
    vacancy = (
        contract.negotiators.filter(side=side, left_on__isnull=False, filled_on__isnull=True)
        .order_by("left_on")
        .first()
    )
    if vacancy is not None:
        vacancy.filled_on = joined
        vacancy.save(update_fields=["filled_on"])
    audit.record(
        actor=actor,
        action="rights.negotiator.added",
        obj=contract,
        changes={"name": name_s, "side": side, "role": role},
    )
    return n


@accepts_system
@transaction.atomic
def negotiator_leave(*, actor: Any, negotiator: Negotiator, left_on: Any) -> Negotiator:
    """A negotiator leaves: the vacancy must be filled within 15 days (集体合同规定 §31)."""
    require(actor, negotiator, MANAGE)
    c = Clean()
    day = c.date(left_on, "left_on", "离任日期", required=True)
    if negotiator.left_on:
        c.add("left_on", "该代表已离任。")
    c.done()
    negotiator.left_on = day
    negotiator.save(update_fields=["left_on"])
    audit.record(
        actor=actor,
        action="rights.negotiator.left",
        obj=negotiator.contract,
        changes={"name": negotiator.name, "left_on": day},
    )
    return negotiator


@accepts_system
@transaction.atomic
def contract_set_recorder(*, actor: Any, contract: Contract, recorder: Any) -> Contract:
    """The neutral recorder of the talks, who is not a negotiator (§33)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    c = Clean()
    name = c.text(recorder, "recorder", "记录员", limit=50, required=True)
    if name and contract.negotiators.filter(left_on__isnull=True, name=name).exists():
        c.add("recorder", f"记录员应由非协商代表担任（{clocks.RECORDER_ARTICLE}）。")
    c.done()
    before = contract.recorder
    contract.recorder = name
    return _save(actor, contract, "rights.contract.recorder", audit.diff({"recorder": before}, {"recorder": name}))


@accepts_system
@transaction.atomic
def talk_add(
    *, actor: Any, contract: Contract, held_on: Any, place: Any = "", minutes: Any = "", data_provided_on: Any = None
) -> Talk:
    """A negotiating meeting. Talks start only with valid teams (§19, §23, §24) and a recorder
    (§33); for wage talks the data are due 5 days before (工资集体协商试行办法)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.NEGOTIATING, ContractStatus.OBJECTED), "登记协商会议")
    c = Clean()
    day = c.date(held_on, "held_on", "协商日期", required=True)
    if day and contract.reply_on and day < contract.reply_on:
        c.add("held_on", "协商日期不能早于书面回应日期。")
    data_day = c.date(data_provided_on, "data_provided_on", "资料提供日期")
    for problem in team_problems(contract):
        c.add("__all__", problem)
    c.done()
    assert day is not None
    talk = Talk.objects.create(
        contract=contract,
        held_on=day,
        place=c.text(place, "place", "地点", limit=100),
        minutes=c.long_text(minutes),
        data_provided_on=data_day,
    )
    _sync_targets(contract)
    audit.record(actor=actor, action="rights.contract.talked", obj=contract, changes={"held_on": day})
    return talk


@accepts_system
@transaction.atomic
def contract_draft(
    *,
    actor: Any,
    contract: Contract,
    draft_agreed_on: Any,
    term_months: Any,
    draft_text: Any = "",
    wage_growth_pct: Any = None,
    min_wage: Any = None,
    weekly_hours: Any = None,
    terms_note: Any = "",
) -> Contract:
    """The draft both chiefs agreed (§34), with its term: 1 to 3 years (§38)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.NEGOTIATING, ContractStatus.OBJECTED), "形成草案")
    c = Clean()
    day = c.date(draft_agreed_on, "draft_agreed_on", "草案形成日期", required=True)
    last = contract.talks.order_by("-held_on").first()
    if last is None:
        c.add("draft_agreed_on", "请先登记协商会议。")
    elif day and day < last.held_on:
        c.add("draft_agreed_on", "草案形成日期不能早于最后一次协商。")
    months = c.integer(term_months, "term_months", "期限（月）", minimum=0, maximum=1200, required=True)
    if months is not None and not clocks.TERM_MIN_MONTHS <= months <= clocks.TERM_MAX_MONTHS:
        c.add("term_months", f"集体合同期限为1至3年（12–36个月），现为 {months} 个月（{clocks.TERM_ARTICLE}）。")
    growth = c.money(wage_growth_pct, "wage_growth_pct", "工资增长幅度")
    if growth is not None and growth > 100:
        c.add("wage_growth_pct", "工资增长幅度应在 0–100% 之间。")
    hours = c.integer(weekly_hours, "weekly_hours", "每周工作时间", minimum=1, maximum=44)
    c.done()
    assert months is not None
    contract.draft_agreed_on, contract.term_months = day, months
    contract.draft_text, contract.terms_note = c.long_text(draft_text), c.long_text(terms_note, limit=4000)
    contract.wage_growth_pct, contract.min_wage, contract.weekly_hours = (
        growth,
        c.money(min_wage, "min_wage", ""),
        hours,
    )
    return _save(actor, contract, "rights.contract.drafted", {"draft_agreed_on": day, "term_months": months})


@accepts_system
@transaction.atomic
def contract_vote(
    *, actor: Any, contract: Contract, congress_on: Any, total: Any, present: Any, votes_for: Any, ref: Any = ""
) -> Contract:
    """The congress (or all staff) vote, recorded by hand: ≥ ⅔ present and more than half of ALL
    representatives for (集体合同规定 §36). A vote below quorum or without a majority is refused."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.NEGOTIATING, ContractStatus.OBJECTED), "登记职代会表决")
    c = Clean()
    day = c.date(congress_on, "congress_on", "职代会审议日期", required=True)
    if contract.draft_agreed_on is None:
        c.add("congress_on", "请先登记双方首席代表确认的合同草案。")
    elif day and day < contract.draft_agreed_on:
        c.add("congress_on", "审议日期不能早于草案形成日期。")
    n_total = c.integer(total, "total", "职工代表总数", minimum=1, required=True)
    n_present = c.integer(present, "present", "出席人数", required=True)
    n_for = c.integer(votes_for, "votes_for", "同意人数", required=True)
    if n_total is not None and n_present is not None and n_for is not None:
        for problem in clocks.vote_problems(n_total, n_present, n_for):
            c.add("present" if "出席" in problem else "votes_for", problem)
    c.done()
    contract.congress_on, contract.congress_total, contract.congress_present, contract.congress_for = (
        day,
        n_total,
        n_present,
        n_for,
    )
    contract.congress_ref = c.text(ref, "ref", "会议记录", limit=120)
    contract.status = ContractStatus.APPROVED
    return _save(actor, contract, "rights.contract.voted", {"total": n_total, "present": n_present, "for": n_for})


@accepts_system
@transaction.atomic
def contract_sign(
    *, actor: Any, contract: Contract, signed_on: Any, start_on: Any = None, witnesses: Any = ""
) -> Contract:
    """Both chiefs sign the approved text (§37); the employer files it within 10 days (§42)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.APPROVED,), "签字")
    c = Clean()
    day = c.date(signed_on, "signed_on", "首席代表签字日期", required=True)
    c.not_future(day, "signed_on", "首席代表签字日期")
    if day and contract.congress_on and day < contract.congress_on:
        c.add("signed_on", f"签字日期不能早于职代会审议日期 {contract.congress_on:%Y-%m-%d}。")
    start = c.date(start_on, "start_on", "起始日期") or day
    c.done()
    assert day is not None and start is not None
    contract.signed_on, contract.start_on = day, start
    contract.end_on = clocks.term_end(start, contract.term_months)
    contract.renewal_from = clocks.renewal_from(contract.end_on)
    contract.filing_due = day + dt.timedelta(days=clocks.FILING.days)
    contract.witnesses = c.text(witnesses, "witnesses", "见证单位") or contract.witnesses
    contract.status = ContractStatus.SIGNED
    return _save(actor, contract, "rights.contract.signed", {"signed_on": day, "filing_due": contract.filing_due})


@accepts_system
@transaction.atomic
def contract_file(*, actor: Any, contract: Contract, filed_on: Any, receipt: Any = "") -> Contract:
    """Filing with the labour department (due 10 days after signing, §42); the department has 15
    days from receipt to object (§47)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.SIGNED,), "登记报送")
    c = Clean()
    day = c.date(filed_on, "filed_on", "报送日期", required=True)
    c.not_future(day, "filed_on", "报送日期")
    if day and contract.signed_on and day < contract.signed_on:
        c.add("filed_on", "报送日期不能早于签字日期。")
    c.done()
    assert day is not None
    contract.filed_on, contract.filing_receipt = day, c.text(receipt, "receipt", "回执号", limit=60)
    contract.review_due = day + dt.timedelta(days=clocks.REVIEW.days)
    contract.status = ContractStatus.FILED
    return _save(actor, contract, "rights.contract.filed", {"filed_on": day, "review_due": contract.review_due})


@accepts_system
@transaction.atomic
def contract_review(*, actor: Any, contract: Contract, review_on: Any, passed: bool, note: Any = "") -> Contract:
    """The department's review result. An objection (审查意见书) after the 15 days is too late: the
    contract has taken effect (§45, §47)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.FILED,), "登记审查结果")
    c = Clean()
    day = c.date(review_on, "review_on", "审查结果日期", required=True)
    if day and contract.filed_on and day < contract.filed_on:
        c.add("review_on", "审查结果日期不能早于报送日期。")
    text = c.long_text(note, limit=4000)
    if not passed:
        if not text:
            c.add("note", "请填写审查意见书的内容。")
        if day and contract.review_due and day > contract.review_due:
            c.add("review_on", f"收到合同15日内未提出异议，合同已依法生效，不能再登记异议（{clocks.REVIEW.article}）。")
    c.done()
    assert day is not None
    contract.review_on, contract.review_note = day, text
    if passed:
        contract.review_result, contract.status, contract.effective_on = "passed", ContractStatus.EFFECTIVE, day
    else:
        contract.review_result, contract.status = "objected", ContractStatus.OBJECTED
    return _save(actor, contract, "rights.contract.reviewed", {"review_on": day, "result": contract.review_result})


def _deem(contract: Contract) -> None:
    assert contract.review_due is not None
    contract.effective_on = contract.review_due + dt.timedelta(days=1)
    contract.review_on, contract.review_result, contract.status = (
        contract.review_due,
        "deemed",
        ContractStatus.EFFECTIVE,
    )


@accepts_system
@transaction.atomic
def contract_deem_effective(*, actor: Any, contract: Contract, on: dt.date | None = None) -> Contract:
    """No objection within 15 days of receipt: the contract takes effect (§47, 劳动合同法 §54)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.FILED,), "确认生效")
    day = on or today()
    if contract.review_due is None or day <= contract.review_due:
        raise ValidationError(
            f"审查期限 {contract.review_due:%Y-%m-%d} 尚未届满，期满无异议方视为生效（{clocks.REVIEW.article}）。"
        )
    _deem(contract)
    return _save(actor, contract, "rights.contract.deemed", {"effective_on": contract.effective_on})


@accepts_system
@transaction.atomic
def contract_publish(*, actor: Any, contract: Contract, published_on: Any) -> Contract:
    """Publication to all staff after the contract takes effect (§48)."""
    require(actor, contract, MANAGE)
    contract = _locked(contract)
    _status(contract, (ContractStatus.EFFECTIVE,), "登记公布")
    c = Clean()
    day = c.date(published_on, "published_on", "公布日期", required=True)
    if day and contract.effective_on and day < contract.effective_on:
        c.add("published_on", "公布日期不能早于生效日期。")
    c.done()
    contract.published_on = day
    return _save(actor, contract, "rights.contract.published", {"published_on": day})


@accepts_system
@transaction.atomic
def contracts_sweep(*, actor: Any, on: dt.date | None = None) -> dict[str, int]:
    """The daily pass of the clocks: filed contracts whose 15-day review passed without objection
    take effect (§47); effective contracts past their end date expire (§38)."""
    day = on or today()
    deemed = expired = 0
    if actors.is_system(actor):
        base = Contract.objects.all()
    else:
        actors.require_perm(actor, MANAGE)
        base = scope.permitted(actor, Contract, MANAGE)
    for contract in base.select_for_update().filter(status=ContractStatus.FILED, review_due__lt=day)[:5000]:
        _deem(contract)
        _save(actor, contract, "rights.contract.deemed", {"effective_on": contract.effective_on})
        deemed += 1
    for contract in base.select_for_update().filter(status=ContractStatus.EFFECTIVE, end_on__lt=day)[:5000]:
        contract.status = ContractStatus.EXPIRED
        _save(actor, contract, "rights.contract.expired", {"end_on": contract.end_on})
        expired += 1
    return {"deemed": deemed, "expired": expired}


@accepts_system
@transaction.atomic
def contract_renew(*, actor: Any, contract: Contract, offer_on: Any, offer_text: Any = "") -> Contract:
    """A 续订 要约 for a contract in force (or expired): same parties, kind and coverage; it may be
    requested in the 3 months before expiry (集体合同规定 §38)."""
    require(actor, contract, MANAGE)
    if contract.status not in (ContractStatus.EFFECTIVE, ContractStatus.EXPIRED):
        raise ValidationError("只有已生效或已到期的集体合同可以提出续订。")
    if contract.renewals.exists():
        raise ValidationError("已就该合同提出续订要约。")
    return contract_offer(
        actor=actor,
        org=contract.org,
        kind=contract.kind,
        coverage=contract.coverage,
        title=contract.title,
        offer_side=contract.offer_side,
        offer_on=offer_on,
        offer_text=offer_text or f"《{contract.title}》将于 {contract.end_on:%Y-%m-%d} 期满，提出续订协商要约。",
        enterprises=list(contract.enterprises.all()),
        employees=contract.employees,
        sector=contract.sector,
        previous=contract,
        is_demo=contract.is_demo,
    )
