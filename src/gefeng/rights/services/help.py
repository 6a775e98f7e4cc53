"""Legal consultations, legal-aid referrals and the early-warning register; the worker's own
requests from the phone pages (a consultation, or a mediation application)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gefeng.core import audit, scope
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights.models import Case, ClaimKind, Consultation, ConsultStatus, EarlyWarning, Topic, WarningKind
from gefeng.rights.services.common import CASES, CONSULT, REVEAL, Clean, enterprise_of, require, today
from gefeng.rights.services.disputes import case_apply


def _officer(actor: Any) -> None:
    """Answering and referring are the 法工部's (county and town offices), never the asker's."""
    if getattr(actor, "pk", None) is not None and not scope.has_perm_beyond_self(actor, CONSULT):
        raise PermissionDenied


@accepts_system
@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    org: OrgNode,
    name: Any,
    question: Any,
    topic: str = Topic.OTHER,
    phone: Any = "",
    asked_on: Any = None,
    channel: str = "phone",
    user: Any = None,
    is_demo: bool = False,
) -> Consultation:
    require(actor, org, CONSULT)
    c = Clean()
    name_s = c.text(name, "name", "咨询人", limit=50, required=True)
    text = c.long_text(question, limit=4000)
    if not text:
        c.add("question", "请填写咨询内容。")
    if topic not in Topic.values:
        c.add("topic", "请选择咨询类别。")
    day = c.date(asked_on, "asked_on", "咨询日期") or today()
    c.not_future(day, "asked_on", "咨询日期")
    c.done()
    item = Consultation.objects.create(
        org=org,
        user=user,
        name=name_s,
        phone=c.text(phone, "phone", "联系电话", limit=20),
        topic=topic,
        question=text,
        asked_on=day,
        channel=channel if channel in ("phone", "visit", "online") else "phone",
        is_demo=is_demo,
    )
    audit.record(
        actor=actor, action="rights.consult.created", obj=item, changes={"topic": topic, "channel": item.channel}
    )
    return item


@accepts_system
@transaction.atomic
def consultation_answer(*, actor: Any, item: Consultation, answer: Any, answered_on: Any = None) -> Consultation:
    require(actor, item, CONSULT)
    _officer(actor)
    c = Clean()
    text = c.long_text(answer, limit=4000)
    if not text:
        c.add("answer", "请填写答复内容。")
    day = c.date(answered_on, "answered_on", "答复日期") or today()
    if day < item.asked_on:
        c.add("answered_on", "答复日期不能早于咨询日期。")
    c.done()
    item.answer, item.answered_on, item.status = text, day, ConsultStatus.ANSWERED
    item.answered_by = actor if getattr(actor, "pk", None) else None
    item.save()
    audit.record(actor=actor, action="rights.consult.answered", obj=item, changes={"answered_on": day})
    return item


@accepts_system
@transaction.atomic
def consultation_refer(*, actor: Any, item: Consultation, aid_to: Any, on: Any = None) -> Consultation:
    """Refer to legal aid (法律援助中心, 职工法律援助工作站 …)."""
    require(actor, item, CONSULT)
    _officer(actor)
    c = Clean()
    to = c.text(aid_to, "aid_to", "法律援助机构", limit=100, required=True)
    day = c.date(on, "on", "转介日期") or today()
    c.done()
    item.aid_to, item.status = to, ConsultStatus.REFERRED
    item.answered_on = item.answered_on or day
    item.save()
    audit.record(actor=actor, action="rights.consult.referred", obj=item, changes={"aid_to": to})
    return item


def _worker_org(actor: Any) -> tuple[Any, OrgNode]:
    from gefeng.workers import selectors as worker_selectors

    member = worker_selectors.own_member(actor)
    if member is None:
        raise ValidationError("请先完成实名绑定。")
    org = member.enterprise or enterprise_of(member.union) or member.union
    return member, org


@transaction.atomic
def worker_consult(*, actor: Any, topic: str, question: Any, phone: Any = "") -> Consultation:
    """A worker asks for legal consultation from the phone pages (the 法工部 answers)."""
    member, org = _worker_org(actor)
    item = Consultation(org=org, user=actor)
    require_self(actor, item, CONSULT)
    c = Clean()
    text = c.long_text(question, limit=4000)
    if not text:
        c.add("question", "请填写想咨询的问题。")
    if topic not in Topic.values:
        c.add("topic", "请选择咨询类别。")
    c.done()
    item = Consultation.objects.create(
        org=org,
        user=actor,
        name=member.name,
        phone=c.text(phone, "phone", "联系电话", limit=20),
        topic=topic,
        question=text,
        asked_on=today(),
        channel="online",
    )
    audit.record(actor=actor, action="rights.consult.created", obj=item, changes={"topic": topic, "channel": "online"})
    return item


@transaction.atomic
def worker_mediation(
    *,
    actor: Any,
    facts: Any,
    claim_kind: str = ClaimKind.WAGES,
    amount: Any = None,
    knew_on: Any = None,
    phone: Any = "",
) -> Case:
    """A worker applies for mediation against the employer from the phone pages (§12)."""
    member, org = _worker_org(actor)
    if org.kind != Kind.ENTERPRISE:
        raise ValidationError("会员信息中没有所在企业，请联系工会登记后再申请调解。")
    require_self(actor, Case(org=org, applicant_user=actor), CASES)
    if not str(facts or "").strip():
        raise ValidationError({"facts": ["请简要说明争议情况和请求。"]})
    from gefeng.core.actors import SYSTEM

    case = case_apply(
        actor=SYSTEM,
        org=org,
        applicant_name=member.name,
        applicant_phone=phone,
        applied_on=today(),
        facts=facts,
        claims=[(claim_kind, amount or 0)],
        knew_on=knew_on,
        member=member,
        user=actor,
    )
    audit.record(actor=actor, action="rights.case.worker_applied", obj=case, changes={"org": org.pk})
    return case


def require_self(actor: Any, obj: Any, perm: str) -> None:
    """The worker's own request: the 本人 grant of `perm` and nothing more."""
    if not scope.has_perm(actor, perm) or getattr(actor, "pk", None) is None:
        raise PermissionDenied


@accepts_system
@transaction.atomic
def warning_create(
    *,
    actor: Any,
    org: OrgNode,
    kind: str,
    reported_on: Any,
    workers: Any = 0,
    amount: Any = None,
    description: Any = "",
    is_demo: bool = False,
) -> EarlyWarning:
    require(actor, org, CASES)
    c = Clean()
    if org.kind != Kind.ENTERPRISE:
        c.add("org", "预警对象应为企业。")
    if kind not in WarningKind.values:
        c.add("kind", "请选择风险类型。")
    day = c.date(reported_on, "reported_on", "发现日期", required=True)
    c.not_future(day, "reported_on", "发现日期")
    n = c.integer(workers, "workers", "涉及职工人数", maximum=100000) or 0
    money = c.money(amount, "amount", "涉及金额") or 0
    c.done()
    assert day is not None
    w = EarlyWarning.objects.create(
        org=org,
        kind=kind,
        reported_on=day,
        workers=n,
        amount=money,
        description=c.long_text(description, limit=4000),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action="rights.warning.created", obj=w, changes={"kind": kind, "workers": n})
    return w


@accepts_system
@transaction.atomic
def warning_handle(*, actor: Any, warning: EarlyWarning, handling: Any, handled_on: Any = None) -> EarlyWarning:
    require(actor, warning, CASES)
    c = Clean()
    text = c.long_text(handling, limit=4000)
    if not text:
        c.add("handling", "请填写处置情况。")
    day = c.date(handled_on, "handled_on", "处置完毕日期") or today()
    if day < warning.reported_on:
        c.add("handled_on", "处置完毕日期不能早于发现日期。")
    c.done()
    warning.handling, warning.handled_on = text, day
    warning.save()
    audit.record(actor=actor, action="rights.warning.handled", obj=warning, changes={"handled_on": day})
    return warning


def case_reveal_phone(*, actor: Any, case: Case) -> str:
    """The applicant's phone in full, for a handler holding `rights.reveal`; every reveal is audited."""
    require(actor, case, REVEAL)
    audit.record(actor=actor, action="rights.case.revealed", obj=case, changes={"field": "applicant_phone"})
    return case.applicant_phone or ""
