"""提案 (proposals with co-signers → 立案 or 转意见 → assigned → answered → rated), 厂务公开
(disclosure items with read counts) and the charter and rules (versions, the §4 flags)."""

from __future__ import annotations

import difflib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from gefeng.core import audit, scope
from gefeng.core.actors import accepts_system
from gefeng.democracy import rules
from gefeng.democracy.models import (
    Congress,
    DisclosureItem,
    DisclosureRead,
    DocKind,
    Document,
    DocumentVersion,
    Meeting,
    Proposal,
    ProposalStatus,
    Rating,
    Representative,
    RepStatus,
)
from gefeng.democracy.services._common import MANAGE, date, require, text, today
from gefeng.democracy.services.meetings import own_representative
from gefeng.orgs.models import Kind, OrgNode


def _cosigners(congress: Congress, proposer: Representative, ids: list[Any]) -> list[Representative]:
    wanted = {int(i) for i in ids if str(i).strip().isdigit()} - {proposer.pk}
    reps = list(Representative.objects.filter(congress=congress, status=RepStatus.ACTIVE, pk__in=wanted))
    if len(reps) != len(wanted):
        raise ValidationError({"cosigners": ["附议人应为本届在任职工代表。"]})
    if len(reps) < congress.cosigners_min:
        raise ValidationError(
            {"cosigners": [f"提案须有至少 {congress.cosigners_min} 名代表附议（本企业设置），现有 {len(reps)} 名。"]}
        )
    return reps


@accepts_system
@transaction.atomic
def proposal_submit(
    *,
    actor: Any,
    congress: Congress,
    title: Any,
    content: Any,
    cosigner_ids: list[Any],
    proposer: Representative | None = None,
    meeting: Meeting | None = None,
    submitted_on: Any = None,
) -> Proposal:
    """A representative submits a proposal (on the phone: `proposer` is the actor's own seat; the
    secretary may enter one for a representative)."""
    if proposer is None:
        proposer = own_representative(actor, congress.pk)
        if proposer is None:
            raise PermissionDenied
    else:
        require(actor, congress, MANAGE)
        if proposer.congress_id != congress.pk or proposer.status != RepStatus.ACTIVE:
            raise ValidationError({"proposer": ["提案人应为本届在任职工代表。"]})
    if meeting is not None and meeting.congress_id != congress.pk:
        raise ValidationError({"meeting": ["会议不属于本届职代会。"]})
    reps = _cosigners(congress, proposer, cosigner_ids)
    Congress.objects.select_for_update().filter(pk=congress.pk).first()
    number = (Proposal.objects.filter(congress=congress).aggregate(n=Max("number"))["n"] or 0) + 1
    p = Proposal.objects.create(
        congress=congress,
        meeting=meeting,
        number=number,
        proposer=proposer,
        title=text(title, field="title", limit=150, label="案由"),
        content=text(content, field="content", limit=10000, label="理由与建议"),
        submitted_on=date(submitted_on, field="submitted_on", label="提交日期", required=False) or today(),
    )
    p.cosigners.set(reps)
    audit.record(actor=actor, action="democracy.proposal.submitted", obj=p, changes={"cosigners": len(reps)})
    return p


def _locked(p: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("congress").get(pk=p.pk)


@accepts_system
@transaction.atomic
def proposal_decide(*, actor: Any, proposal: Proposal, register: bool, reason: Any = "") -> Proposal:
    """The proposals committee: 立案, or turn it into an opinion (意见建议) with a reason."""
    require(actor, proposal)
    p = _locked(proposal)
    if p.status != ProposalStatus.SUBMITTED:
        raise ValidationError("该提案已审查。")
    if register:
        p.status = ProposalStatus.REGISTERED
        p.decision_reason = text(reason, field="reason", limit=300, required=False)
    else:
        p.status = ProposalStatus.OPINION
        p.decision_reason = text(reason, field="reason", limit=300, label="不予立案的理由")
    p.save()
    audit.record(actor=actor, action="democracy.proposal.decided", obj=p, changes={"status": p.status})
    return p


@accepts_system
@transaction.atomic
def proposal_assign(*, actor: Any, proposal: Proposal, department: Any, deadline: Any) -> Proposal:
    require(actor, proposal)
    p = _locked(proposal)
    if p.status not in (ProposalStatus.REGISTERED, ProposalStatus.OPINION, ProposalStatus.ASSIGNED):
        raise ValidationError("立案或转为意见建议后才能交办。")
    p.department = text(department, field="department", limit=60, label="承办部门")
    day = date(deadline, field="deadline", label="办理期限")
    assert day is not None
    if day < p.submitted_on:
        raise ValidationError({"deadline": ["办理期限不能早于提交日期。"]})
    p.deadline, p.status = day, ProposalStatus.ASSIGNED
    p.save()
    audit.record(actor=actor, action="democracy.proposal.assigned", obj=p, changes={"department": p.department})
    return p


@accepts_system
@transaction.atomic
def proposal_answer(*, actor: Any, proposal: Proposal, reply: Any, on: Any = None) -> Proposal:
    require(actor, proposal)
    p = _locked(proposal)
    if p.status != ProposalStatus.ASSIGNED:
        raise ValidationError("交办后才能答复。")
    p.reply = text(reply, field="reply", limit=10000, label="答复")
    p.answered_on = date(on, field="on", label="答复日期", required=False) or today()
    p.status = ProposalStatus.ANSWERED
    p.save()
    audit.record(actor=actor, action="democracy.proposal.answered", obj=p)
    return p


@transaction.atomic
def proposal_rate(*, actor: Any, proposal: Proposal, rating: Any) -> Proposal:
    """The proposer rates the answer (on the phone)."""
    p = _locked(proposal)
    if not scope.permitted(actor, Proposal, "democracy.vote").filter(pk=p.pk).exists():
        raise PermissionDenied
    if p.status != ProposalStatus.ANSWERED:
        raise ValidationError("答复后才能评价。")
    if rating not in Rating.values:
        raise ValidationError({"rating": ["请选择评价。"]})
    p.rating, p.status = rating, ProposalStatus.RATED
    p.save()
    audit.record(actor=actor, action="democracy.proposal.rated", obj=p, changes={"rating": rating})
    return p


# ---------------------------------------------------------------- 厂务公开


@accepts_system
@transaction.atomic
def disclosure_publish(
    *, actor: Any, org: OrgNode, category: Any, title: Any, content: Any, period: Any = "", published_on: Any = None
) -> DisclosureItem:
    require(actor, org, MANAGE)
    if org.kind != Kind.ENTERPRISE:
        raise ValidationError({"org": ["厂务公开由企业发布。"]})
    if category not in rules.DISCLOSURE_CATEGORIES:
        raise ValidationError({"category": ["请选择公开类别。"]})
    item = DisclosureItem.objects.create(
        org=org,
        category=category,
        title=text(title, field="title", limit=150, label="标题"),
        content=text(content, field="content", limit=20000, label="内容"),
        period=text(period, field="period", limit=30, required=False),
        published_on=date(published_on, field="published_on", label="公开日期", required=False) or today(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="democracy.disclosure.published", obj=item, changes={"category": category})
    return item


def disclosure_read(*, actor: Any, item: DisclosureItem) -> bool:
    """Count a worker's first reading of an item (once per person). True when newly counted."""
    if getattr(actor, "pk", None) is None:
        return False
    try:
        with transaction.atomic():
            DisclosureRead.objects.create(item=item, user=actor)
            DisclosureItem.objects.filter(pk=item.pk).update(reads=F("reads") + 1)
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------- charter and rules


@accepts_system
@transaction.atomic
def document_create(
    *,
    actor: Any,
    congress: Congress,
    kind: Any,
    title: Any,
    text_body: Any,
    adopted_on: Any,
    statutory_item: Any = "",
    note: Any = "",
) -> Document:
    """Register the charter or a rule with its version in force. A rule on a 劳动合同法 §4 matter
    entered this way (not adopted by a congress vote) is flagged until the congress votes on it."""
    require(actor, congress)
    if kind not in DocKind.values:
        raise ValidationError({"kind": ["请选择类型。"]})
    if statutory_item and statutory_item not in rules.STATUTORY_ITEMS:
        raise ValidationError({"statutory_item": ["未知的事项。"]})
    name = text(title, field="title", limit=120, label="名称")
    if Document.objects.filter(congress=congress, title=name).exists():
        raise ValidationError({"title": ["已有同名的章程或制度。"]})
    doc = Document.objects.create(congress=congress, kind=kind, title=name, statutory_item=statutory_item or "")
    DocumentVersion.objects.create(
        document=doc,
        number=1,
        text=text(text_body, field="text_body", limit=100000, label="全文"),
        adopted_on=date(adopted_on, field="adopted_on", label="施行日期") or today(),
        note=text(note, field="note", limit=200, required=False) or "登记现行版本",
    )
    audit.record(actor=actor, action="democracy.document.created", obj=doc, changes={"kind": kind})
    return doc


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """A line diff for the amendment page: (“+”/“-”/“ ”, line)."""
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("?"):
            continue
        out.append((line[:1], line[2:]))
    return out


def statutory_flags(congress: Congress) -> list[Document]:
    """Rules on 劳动合同法 §4 matters whose version in force was not adopted by a congress vote."""
    out = []
    for doc in Document.objects.filter(congress=congress).exclude(statutory_item="").prefetch_related("versions"):
        current = max(doc.versions.all(), key=lambda v: v.number, default=None)
        if current is not None and current.motion_id is None:
            out.append(doc)
    return out
