"""五小 and rationalisation proposals: submission, the committee's review, trial, application,
the 12-month benefit confirmed by finance, the reward grade and its split; patents with the
statutory inventor reward and the conversion share."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, notifications, uploads
from gefeng.core.actors import accepts_system
from gefeng.members.models import JobCategory, Member
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import (
    ATTACHMENTS,
    Contributor,
    Patent,
    PatentKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RewardGrade,
)
from gefeng.skills.services._common import REVIEW, SELF, day, employer, money, need, require_on
from gefeng.skills.services.apprentices import add_years

# 专利法实施细则 (2023) §93: without an agreement or rule, the minimum bonus per patent.
PATENT_MINIMUM = {
    PatentKind.INVENTION: Decimal(4000),
    PatentKind.UTILITY: Decimal(1500),
    PatentKind.DESIGN: Decimal(1500),
}
PATENT_MONTHS = 3
CONVERSION_SHARE = Decimal("0.5")  # 促进科技成果转化法 §45(一)
DONE = (ProposalStatus.REWARDED, ProposalStatus.PAID)
EXCLUSIONS = {
    "gov_funded": "属政府资助的科技项目",
    "gov_rewarded": "已获得政府奖励",
    "secret": "涉密或涉及国家安全",
    "ip_dispute": "存在知识产权争议",
}


def _shares(proposer: Member, team: list[tuple[Member, Any]]) -> list[tuple[Member, int]]:
    """The team and shares: the proposer alone at 100 % when no team is given; otherwise the
    shares must be whole percentages adding up to exactly 100 and name the proposer.

    Rule: group rewards are split by contribution (合理化建议和技术改进奖励条例)."""
    if not team:
        return [(proposer, 100)]
    out: list[tuple[Member, int]] = []
    seen: set[int] = set()
    for member, share in team:
        try:
            value = int(share)
        except (TypeError, ValueError):
            raise ValidationError({"team": [f"{member.name}的贡献份额应为整数（%）。"]}) from None
        if not 1 <= value <= 100:
            raise ValidationError({"team": [f"{member.name}的贡献份额应在 1–100% 之间。"]})
        if member.pk in seen:
            raise ValidationError({"team": [f"{member.name}重复列出。"]})
        seen.add(member.pk)
        out.append((member, value))
    total = sum(v for _, v in out)
    if total != 100:
        raise ValidationError({"team": [f"完成人贡献份额合计为 {total}%，应为 100%。"]})
    if proposer.pk not in seen:
        raise ValidationError({"team": ["完成人名单应包括第一完成人。"]})
    return out


@accepts_system
@transaction.atomic
def proposal_submit(
    *,
    actor: Any,
    proposer: Member,
    kind: str,
    title: Any,
    description: Any,
    team: list[tuple[Member, Any]] | None = None,
    attachment: Any = None,
    today: dt.date | None = None,
    **flags: bool,
) -> Proposal:
    """A 五小 item or proposal, by the worker on the phone or by the union for its members.

    Rule (exclusions, 泉州 example and the 条例): government-funded projects, items already rewarded
    by government, secret items, items in IP dispute are not taken; an item already rewarded is not
    rewarded again; 小建议 is for workers, not for the managers who decide (岗位类别 管理人员)."""
    own = getattr(actor, "pk", None) is not None and proposer.user_id == actor.pk
    if own:
        actors.require_perm(actor, SELF)
    else:
        require_on(actor, employer(proposer))
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": ["请选择类别（小发明、小创造、小革新、小设计、小建议）。"]})
    title_s = need(title, "title", "请填写项目名称。", 100)
    desc = need(description, "description", "请说明内容、解决的问题和预期效果。", 8000)
    hit = [label for key, label in EXCLUSIONS.items() if flags.get(key)]
    if hit:
        raise ValidationError({"__all__": [f"不属于五小和合理化建议的受理范围：{'、'.join(hit)}。"]})
    if kind == ProposalKind.SUGGESTION and proposer.job_category == JobCategory.MANAGEMENT:
        raise ValidationError({"kind": ["小建议由职工提出，负责该项决策的管理人员不在其列。"]})
    org = employer(proposer)
    if Proposal.objects.filter(org=org, title=title_s, status__in=DONE).exists():
        raise ValidationError({"title": ["本单位同名项目已获奖励，不重复受理（不重复奖励）。"]})
    members = _shares(proposer, team or [])
    for member, _share in members:
        if employer(member).pk != org.pk and not own:
            require_on(actor, employer(member))
    stored, name = "", ""
    if attachment is not None:
        checked = uploads.check(attachment, ATTACHMENTS)
        stored, name = uploads.save(checked, ATTACHMENTS), checked.name
    proposal = Proposal.objects.create(
        org=org,
        kind=kind,
        title=title_s,
        description=desc,
        proposer=proposer,
        proposer_name=proposer.name,
        submitted_by=actors.user_of(actor),
        self_submitted=own,
        submitted_on=today or dt.date.today(),
        attachment=stored,
        attachment_name=name,
    )
    Contributor.objects.bulk_create(
        [Contributor(proposal=proposal, member=m, name=m.name, share=s) for m, s in members]
    )
    audit.record(
        actor=actor,
        action="skills.proposal.submitted",
        obj=proposal,
        changes={"kind": kind, "title": title_s, "self": own},
    )
    return proposal


def _locked(proposal: Proposal, *allowed: str, doing: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("proposer").get(pk=proposal.pk)
    if proposal.status not in allowed:
        raise ValidationError(f"该项目当前状态为“{proposal.get_status_display()}”，不能{doing}。")
    return proposal


def _tell(proposal: Proposal, title: str, body: str) -> None:
    user = proposal.proposer.user if proposal.proposer.user_id else None
    if user is not None:
        notifications.send(
            user, title=title, body=body, link="/skills/w/proposals/", key=f"skills.proposal.{proposal.pk}"
        )


@accepts_system
@transaction.atomic
def proposal_review(
    *, actor: Any, proposal: Proposal, adopt: bool, committee: Any, union_member: Any, reason: Any = "", on: Any = None
) -> Proposal:
    """The enterprise's evaluation committee decides: adopt for trial, or reject with reasons.

    Rule: 合理化建议和技术改进奖励条例 — the committee is led by management with the union taking
    part (a union representative must be named); a rejection is explained to the proposer, who
    sees the reason on their phone."""
    require_on(actor, proposal)
    proposal = _locked(proposal, ProposalStatus.SUBMITTED, doing="评审")
    proposal.committee = need(committee, "committee", "请填写评审委员会成员。", 300)
    proposal.union_member = need(union_member, "union_member", "评审须有工会代表参加，请填写工会代表姓名。", 50)
    proposal.reviewed_on = day(on, "on", required=False) or dt.date.today()
    if adopt:
        proposal.status, proposal.trial_from = ProposalStatus.TRIAL, proposal.reviewed_on
    else:
        proposal.rejection_reason = need(reason, "reason", "未采纳的须向提出人说明理由。", 2000)
        proposal.status = ProposalStatus.REJECTED
    proposal.save()
    audit.record(
        actor=actor,
        action="skills.proposal.reviewed",
        obj=proposal,
        changes={"adopt": adopt, "union_member": proposal.union_member, "reason": proposal.rejection_reason},
    )
    if adopt:
        _tell(proposal, "您的五小项目已采纳试行", f"“{proposal.title}”经评审委员会评审，进入试行。")
    else:
        _tell(proposal, "您的五小项目未被采纳", f"“{proposal.title}”未被采纳。理由：{proposal.rejection_reason}")
    return proposal


@accepts_system
@transaction.atomic
def proposal_apply(*, actor: Any, proposal: Proposal, applied_on: Any) -> Proposal:
    """After a successful trial, the item is applied in production (the tested-and-applied rule)."""
    require_on(actor, proposal)
    proposal = _locked(proposal, ProposalStatus.TRIAL, doing="登记实施")
    when = day(applied_on, "applied_on")
    assert when is not None
    if proposal.trial_from and when < proposal.trial_from:
        raise ValidationError({"applied_on": ["实施日期不能早于试行开始日期。"]})
    proposal.applied_on, proposal.status = when, ProposalStatus.APPLIED
    proposal.save(update_fields=["applied_on", "status"])
    audit.record(actor=actor, action="skills.proposal.applied", obj=proposal, changes={"applied_on": when})
    return proposal


@accepts_system
@transaction.atomic
def proposal_benefit(
    *, actor: Any, proposal: Proposal, benefit_yuan: Any, benefit_to: Any, finance_confirmed_by: Any
) -> Proposal:
    """The yearly benefit, measured over the 12 months after application and confirmed by finance.

    Rule: 合理化建议和技术改进奖励条例 — the value is what 12 months of use yield, checked by the
    finance department; a reward waits until the item has been applied that long."""
    require_on(actor, proposal)
    proposal = _locked(proposal, ProposalStatus.APPLIED, doing="核定效益")
    amount = money(benefit_yuan, "benefit_yuan")
    to = day(benefit_to, "benefit_to")
    assert to is not None and proposal.applied_on is not None
    if to < add_years(proposal.applied_on, 1):
        raise ValidationError(
            {"benefit_to": [f"效益应按实施后满 12 个月测算（{add_years(proposal.applied_on, 1):%Y-%m-%d} 以后）。"]}
        )
    proposal.benefit_yuan, proposal.benefit_to = amount, to
    proposal.finance_confirmed_by = need(
        finance_confirmed_by, "finance_confirmed_by", "效益须经财务部门核定，请填写核定人。", 50
    )
    proposal.status = ProposalStatus.CONFIRMED
    proposal.save()
    audit.record(
        actor=actor, action="skills.proposal.benefit_confirmed", obj=proposal, changes={"benefit_yuan": amount}
    )
    return proposal


def grades_for(org: OrgNode) -> list[RewardGrade]:
    """The reward table in force for `org`: the nearest ancestor's (or its own) rows."""
    ancestors = [org.path[:i] for i in range(4, len(org.path) + 1, 4)]
    rows = list(RewardGrade.objects.filter(org__path__in=ancestors).select_related("org"))
    if not rows:
        return []
    nearest = max(len(r.org.path) for r in rows)
    return sorted((r for r in rows if len(r.org.path) == nearest), key=lambda r: r.grade)


@accepts_system
@transaction.atomic
def reward_grade_save(*, actor: Any, org: OrgNode, grade: Any, min_benefit: Any, amount: Any) -> RewardGrade:
    """Rule: five reward grades by yearly value (条例; its table is lost) — the amounts are local."""
    actors.require(actor, org, REVIEW)
    try:
        g = int(grade)
    except (TypeError, ValueError):
        g = 0
    if not 1 <= g <= 5:
        raise ValidationError({"grade": ["奖励等级为 1–5 等。"]})
    values = {"min_benefit": money(min_benefit, "min_benefit"), "amount": money(amount, "amount")}
    row, created = RewardGrade.objects.update_or_create(org=org, grade=g, defaults=values)
    audit.record(actor=actor, action="skills.grade.saved", obj=row, changes={"grade": g, **values, "created": created})
    return row


@accepts_system
@transaction.atomic
def proposal_reward(*, actor: Any, proposal: Proposal) -> Proposal:
    """The grade from the table (highest grade whose threshold the benefit reaches) and the split
    of the amount by contribution shares (to the fen; the remainder to the first completer).

    Rule: no double reward — an item of the same unit and title already rewarded is refused."""
    require_on(actor, proposal)
    proposal = _locked(proposal, ProposalStatus.CONFIRMED, doing="评定奖励")
    if (
        Proposal.objects.filter(org_id=proposal.org_id, title=proposal.title, status__in=DONE)
        .exclude(pk=proposal.pk)
        .exists()
    ):
        raise ValidationError("本单位同名项目已获奖励，不重复奖励。")
    table = grades_for(proposal.org)
    if not table:
        raise ValidationError("尚未设置五小奖励等级表。")
    benefit = proposal.benefit_yuan or Decimal(0)
    hits = [g for g in table if benefit >= g.min_benefit]
    if not hits:
        raise ValidationError(f"核定效益 {benefit} 元未达到最低奖励等级。")
    best = min(hits, key=lambda g: g.grade)
    proposal.grade, proposal.reward_yuan, proposal.status = best.grade, best.amount, ProposalStatus.REWARDED
    proposal.save(update_fields=["grade", "reward_yuan", "status"])
    team = list(proposal.contributors.order_by("-share", "id"))
    shares = [(c, (best.amount * c.share / 100).quantize(Decimal("0.01"), ROUND_DOWN)) for c in team]
    rest = best.amount - sum((a for _, a in shares), Decimal(0))
    for i, (c, a) in enumerate(shares):
        c.amount = a + (rest if i == 0 else 0)
    Contributor.objects.bulk_update(team, ["amount"])
    audit.record(
        actor=actor,
        action="skills.proposal.rewarded",
        obj=proposal,
        changes={"grade": best.grade, "reward_yuan": best.amount},
    )
    _tell(proposal, "您的五小项目获得奖励", f"“{proposal.title}”评为{best.grade}等，奖金 {best.amount} 元。")
    return proposal


@accepts_system
@transaction.atomic
def proposal_mark_paid(*, actor: Any, proposal: Proposal, paid_on: Any) -> Proposal:
    require_on(actor, proposal)
    proposal = _locked(proposal, ProposalStatus.REWARDED, doing="登记发放")
    proposal.paid_on, proposal.status = day(paid_on, "paid_on"), ProposalStatus.PAID
    proposal.save(update_fields=["paid_on", "status"])
    audit.record(actor=actor, action="skills.proposal.paid", obj=proposal, changes={"paid_on": proposal.paid_on})
    return proposal


@accepts_system
@transaction.atomic
def proposal_select(*, actor: Any, proposal: Proposal, year: Any) -> Proposal:
    """County-level selection of 优秀五小成果 (published on the results page): applied items only."""
    actors.require(actor, proposal, REVIEW)
    proposal = _locked(proposal, ProposalStatus.APPLIED, ProposalStatus.CONFIRMED, *DONE, doing="评为县级优秀成果")
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": ["请填写年度。"]}) from None
    proposal.county_year = y
    proposal.save(update_fields=["county_year"])
    audit.record(actor=actor, action="skills.proposal.selected", obj=proposal, changes={"county_year": y})
    return proposal


# ---------------------------------------------------------------- patents


@accepts_system
@transaction.atomic
def patent_record(
    *,
    actor: Any,
    org: OrgNode,
    title: Any,
    kind: str,
    number: Any,
    inventors: Any,
    applied_on: Any,
    granted_on: Any = None,
    proposal: Proposal | None = None,
    has_agreement: bool = False,
) -> Patent:
    require_on(actor, org)
    if kind not in PatentKind.values:
        raise ValidationError({"kind": ["请选择专利类型。"]})
    number_s = need(number, "number", "请填写专利申请号。", 30)
    if Patent.objects.filter(number=number_s).exists():
        raise ValidationError({"number": ["该申请号已登记。"]})
    applied, granted = day(applied_on, "applied_on"), day(granted_on, "granted_on", required=False)
    assert applied is not None
    if granted and granted < applied:
        raise ValidationError({"granted_on": ["授权日不能早于申请日。"]})
    if proposal is not None and proposal.org_id != org.pk:
        raise ValidationError({"proposal": ["对应的五小成果不属于本单位。"]})
    patent = Patent.objects.create(
        org=org,
        proposal=proposal,
        title=need(title, "title", "请填写专利名称。", 100),
        kind=kind,
        number=number_s,
        inventors=need(inventors, "inventors", "请填写发明人。", 200),
        applied_on=applied,
        granted_on=granted,
        has_agreement=bool(has_agreement),
    )
    audit.record(actor=actor, action="skills.patent.recorded", obj=patent, changes={"number": number_s, "kind": kind})
    return patent


def reward_due(patent: Patent) -> dt.date | None:
    """The last day of the inventor bonus: 3 months after the grant (专利法实施细则 §93)."""
    if patent.granted_on is None:
        return None
    g = patent.granted_on
    month = g.month + PATENT_MONTHS
    year, month = g.year + (month - 1) // 12, (month - 1) % 12 + 1
    for d in (g.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return None


@accepts_system
@transaction.atomic
def patent_grant(*, actor: Any, patent: Patent, granted_on: Any) -> Patent:
    require_on(actor, patent)
    when = day(granted_on, "granted_on")
    assert when is not None
    if when < patent.applied_on:
        raise ValidationError({"granted_on": ["授权日不能早于申请日。"]})
    patent.granted_on = when
    patent.save(update_fields=["granted_on"])
    audit.record(actor=actor, action="skills.patent.granted", obj=patent, changes={"granted_on": when})
    return patent


@accepts_system
@transaction.atomic
def patent_reward(*, actor: Any, patent: Patent, amount: Any, paid_on: Any) -> Patent:
    """The inventor's bonus after the grant.

    Rule: 专利法 §15, 实施细则 (2023) §92–93 — without an agreement or internal rule, at least
    ¥4,000 per invention patent and ¥1,500 per utility model or design, within 3 months of the
    grant. Enforced in code (statutory)."""
    require_on(actor, patent)
    if patent.granted_on is None:
        raise ValidationError("专利尚未授权，授权后才发放发明人奖金。")
    value = money(amount, "amount")
    assert value is not None
    minimum = PATENT_MINIMUM[PatentKind(patent.kind)]
    if not patent.has_agreement and value < minimum:
        raise ValidationError(
            {
                "amount": [
                    f"{patent.get_kind_display()}的发明人奖金不得低于 {minimum:.0f} 元（专利法实施细则第九十三条）。"
                ]
            }
        )
    when = day(paid_on, "paid_on")
    assert when is not None
    if when < patent.granted_on:
        raise ValidationError({"paid_on": ["发放日期不能早于授权日。"]})
    patent.reward_yuan, patent.reward_paid_on = value, when
    patent.save(update_fields=["reward_yuan", "reward_paid_on"])
    late = when > (reward_due(patent) or when)
    audit.record(actor=actor, action="skills.patent.rewarded", obj=patent, changes={"amount": value, "late": late})
    return patent


@accepts_system
@transaction.atomic
def patent_conversion(*, actor: Any, patent: Patent, income: Any, inventor_share: Any) -> Patent:
    """Income from transferring or licensing the result and what the inventors received.

    Rule: 促进科技成果转化法 §45 — without an agreement, at least 50 % of the net income goes to
    the people who made the result."""
    require_on(actor, patent)
    total = money(income, "income")
    share = money(inventor_share, "inventor_share")
    assert total is not None and share is not None
    if share > total:
        raise ValidationError({"inventor_share": ["发明人所得不能大于净收入。"]})
    if not patent.has_agreement and share < total * CONVERSION_SHARE:
        raise ValidationError(
            {
                "inventor_share": [
                    f"无约定时，发明人所得不得低于净收入的 50%（{(total * CONVERSION_SHARE):.2f} 元，"
                    "促进科技成果转化法第四十五条）。"
                ]
            }
        )
    patent.income_yuan, patent.inventor_share_yuan = total, share
    patent.save(update_fields=["income_yuan", "inventor_share_yuan"])
    audit.record(actor=actor, action="skills.patent.conversion", obj=patent, changes={"income": total, "share": share})
    return patent
