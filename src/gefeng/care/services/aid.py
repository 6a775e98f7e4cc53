"""The aid rule table and aid records: recorded (待审批) → approved by a second person (the
double-payment guard and the fund's ledger written in the same transaction) → reversed by a new
ledger entry if it was wrong. The bank payment file lists the approved cash aid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gefeng.care.models import (
    AidGuard,
    AidKind,
    AidRecord,
    AidRule,
    AidStatus,
    Campaign,
    EntryKind,
    Frequency,
    Fund,
    Group,
    HardshipFile,
    LedgerEntry,
    State,
)
from gefeng.care.services._common import HANDLE, MANAGE, date, money, require, required_text, text
from gefeng.care.services.funds import post
from gefeng.core import actors, audit, scope, uploads
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import OrgNode

EVIDENCE = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf"), folder="care/aid", size_setting="CARE_UPLOAD_MB", default_mb=10
)
PAID_KINDS = (AidKind.CASH, AidKind.MEDICAL, AidKind.SCHOOLING)  # paid to the bank account


@accepts_system
@transaction.atomic
def rule_save(
    *,
    actor: Any,
    org: OrgNode,
    name: Any,
    kind: Any,
    amount: Any = None,
    cap: Any = None,
    frequency: Any = Frequency.YEARLY,
    filed_only: bool = True,
    note: Any = "",
    rule: AidRule | None = None,
) -> AidRule:
    """One row of the rule table: a fixed amount or a cap per aid kind, and how often a
    household may receive it. Amounts are the county's own (its 帮扶 notice): settings in data."""
    require(actor, rule or org, MANAGE)
    title = required_text(name, 40, "name", "名称")
    if kind not in AidKind.values:
        raise ValidationError({"kind": ["请选择帮扶方式。"]})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": ["请选择频次。"]})
    fixed = money(amount, "amount", label="固定金额") if amount not in (None, "") else None
    top = money(cap, "cap", label="上限") if cap not in (None, "") else None
    if fixed is not None and top is not None and fixed > top:
        raise ValidationError({"amount": ["固定金额不能超过上限。"]})
    clash = AidRule.objects.filter(org=org, name=title)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError({"name": [f"已有名为“{title}”的帮扶标准。"]})
    values = {
        "name": title,
        "kind": kind,
        "amount": fixed,
        "cap": top,
        "frequency": frequency,
        "filed_only": bool(filed_only),
        "note": text(note, 200),
    }
    if rule is None:
        rule = AidRule.objects.create(org=org, **values)
        action = "care.rule.created"
    else:
        for k, v in values.items():
            setattr(rule, k, v)
        rule.save()
        action = "care.rule.updated"
    audit.record(actor=actor, action=action, obj=rule, changes={k: str(v) for k, v in values.items()})
    return rule


def period_of(rule: AidRule, day: dt.date, campaign: Campaign | None) -> str:
    """The period the guard counts in: the year, the campaign, or none (unlimited)."""
    if rule.frequency == Frequency.YEARLY:
        return str(day.year)
    if rule.frequency == Frequency.CAMPAIGN:
        return f"c{campaign.pk}" if campaign is not None else str(day.year)
    return ""


def check_amount(rule: AidRule, amount: Decimal) -> None:
    """The rule table's fixed amount or cap."""
    if rule.amount is not None and amount != rule.amount:
        raise ValidationError({"amount": [f"“{rule.name}”的标准为 {rule.amount:,.2f} 元。"]})
    if rule.cap is not None and amount > rule.cap:
        raise ValidationError({"amount": [f"超过“{rule.name}”的上限 {rule.cap:,.2f} 元。"]})


def _repeat_message(name: str, rule: AidRule, period: str) -> str:
    when = f"{period}年" if period.isdigit() else "本次活动"
    return f"{name}家庭{when}已领取过“{rule.name}”，同一户同一期间不能重复发放。"


@accepts_system
@transaction.atomic
def aid_create(
    *,
    actor: Any,
    file: HardshipFile,
    rule: AidRule,
    fund: Fund | None,
    amount: Any,
    given_on: Any,
    delivered_by: Any,
    goods: Any = "",
    note: Any = "",
    evidence: Any = None,
) -> AidRecord:
    """Record an act of help on a file (待审批). Refused for a file not filed when the rule asks
    for one (先建档、后帮扶), over the rule's amount or cap, or when the household already had
    this aid in the period."""
    require(actor, file, HANDLE)
    file = HardshipFile.objects.select_related("member", "union").get(pk=file.pk)
    if rule.filed_only and file.state != State.FILED:
        raise ValidationError({"file": ["先建档、后帮扶：该档案尚未建档（或正在复核），不能发放此项帮扶。"]})
    if not rule.active:
        raise ValidationError({"rule": ["该帮扶标准已停用。"]})
    value = money(amount, "amount")
    check_amount(rule, value)
    day = date(given_on, "given_on", "帮扶日期")
    assert day is not None
    if day > timezone.localdate():
        raise ValidationError({"given_on": ["帮扶日期不能晚于今天。"]})
    if value > 0 and fund is None:
        raise ValidationError({"fund": ["请选择支出的资金。"]})
    if fund is not None:
        fund_org = OrgNode.objects.get(pk=fund.org_id)
        if not (fund_org.pk == file.union_id or fund_org.is_ancestor_of(file.union)):
            raise ValidationError({"fund": ["该资金不能用于本单位的档案。"]})
    household = file.family.filter(relation="self").values_list("id_hash", flat=True).first() or ""
    period = period_of(rule, day, None)
    if period and AidGuard.objects.filter(household=household, rule=rule, period=period).exists():
        raise ValidationError({"rule": [_repeat_message(file.member.name, rule, period)]})
    proof = ""
    if evidence:
        checked = uploads.check(evidence, EVIDENCE)
        proof = uploads.save(checked, EVIDENCE)
    aid = AidRecord.objects.create(
        org=file.union,
        town=file.town,
        file=file,
        member=file.member,
        name=file.member.name,
        unit_name=file.unit_name,
        household=household,
        category=file.category,
        group=Group.HARDSHIP,
        rule=rule,
        kind=rule.kind,
        fund=fund,
        period=period,
        amount=value,
        goods=text(goods, 100),
        given_on=day,
        delivered_by=required_text(delivered_by, 50, "delivered_by", "经办人"),
        evidence=proof,
        note=text(note, 200),
        bank_name=file.bank_name,
        bank_holder=file.bank_holder,
        bank_account=file.bank_account,
        created_by=actors.user_of(actor),
    )
    audit.record(actor=actor, action="care.aid.created", obj=aid, changes={"file": file.pk, "amount": value})
    return aid


GUARD_REFUSED = "该户在同一期间已领取过此项帮扶（可能刚由他人审批），不能重复发放。"


def settle(actor: Any, aid: AidRecord) -> None:
    """Write the guard and the ledger of an aid being approved (inside the caller's transaction)."""
    if aid.period:
        try:
            with transaction.atomic():
                AidGuard.objects.create(household=aid.household, rule=aid.rule, period=aid.period, aid=aid)
        except IntegrityError as exc:
            raise ValidationError(GUARD_REFUSED) from exc
    if aid.amount > 0:
        if aid.fund_id is None:
            raise ValidationError({"fund": ["请选择支出的资金。"]})
        fund = Fund.objects.select_for_update().get(pk=aid.fund_id)
        post(actor, fund, EntryKind.PAYMENT, -aid.amount, aid.given_on, f"{aid.rule.name} {aid.name}", aid=aid)


@accepts_system
@transaction.atomic
def aid_approve(*, actor: Any, aid: AidRecord) -> AidRecord:
    """Approval by a second person (经办与审批分离): not the one who recorded it."""
    require(actor, aid, MANAGE)
    aid = AidRecord.objects.select_for_update().select_related("rule").get(pk=aid.pk)
    if aid.status != AidStatus.SUBMITTED:
        raise ValidationError(f"该帮扶记录当前状态为“{aid.get_status_display()}”，不能审批（可能已由他人处理）。")
    me = getattr(actor, "pk", None)
    if me is not None and me == aid.created_by_id:
        raise ValidationError("审批人不能是经办人，请由另一名工作人员审批。")
    settle(actor, aid)
    aid.status, aid.approved_by, aid.approved_at = AidStatus.APPROVED, actors.user_of(actor), timezone.now()
    aid.save()
    audit.record(actor=actor, action="care.aid.approved", obj=aid, changes={"amount": aid.amount})
    return aid


@accepts_system
@transaction.atomic
def aid_reject(*, actor: Any, aid: AidRecord, reason: Any) -> AidRecord:
    require(actor, aid, MANAGE)
    aid = AidRecord.objects.select_for_update().get(pk=aid.pk)
    if aid.status != AidStatus.SUBMITTED:
        raise ValidationError(f"该帮扶记录当前状态为“{aid.get_status_display()}”，不能退回。")
    why = required_text(reason, 150, "reason", "不予批准的理由")
    aid.status, aid.note = AidStatus.REJECTED, (aid.note + " 不予批准：" + why)[:200]
    aid.save()
    audit.record(actor=actor, action="care.aid.rejected", obj=aid, changes={"reason": why})
    return aid


@accepts_system
@transaction.atomic
def aid_reverse(*, actor: Any, aid: AidRecord, reason: Any, on: Any = None) -> AidRecord:
    """冲销 an approved aid: a new ledger entry gives the money back to the fund; the record and
    its payment entry stay as they were. The household may then be paid again in the period."""
    require(actor, aid, MANAGE)
    aid = AidRecord.objects.select_for_update().get(pk=aid.pk)
    if aid.status != AidStatus.APPROVED:
        raise ValidationError("只有已审批的帮扶记录可以冲销。")
    why = required_text(reason, 150, "reason", "冲销原因")
    day = date(on, "on", "冲销日期", required=False) or timezone.localdate()
    payment = LedgerEntry.objects.filter(aid=aid, kind=EntryKind.PAYMENT).first()
    if payment is not None:
        fund = Fund.objects.select_for_update().get(pk=payment.fund_id)
        post(actor, fund, EntryKind.REVERSAL, -payment.amount, day, f"冲销：{why}", aid=aid, reverses=payment)
    AidGuard.objects.filter(aid=aid).delete()
    aid.status = AidStatus.REVERSED
    aid.note = (aid.note + " 冲销：" + why)[:200]
    aid.save()
    audit.record(actor=actor, action="care.aid.reversed", obj=aid, changes={"reason": why})
    return aid


def export_changes(*, actor: Any, reveal: bool, rows: int | None = None) -> dict[str, Any]:
    """The audit entry of a bank file: full account numbers only for those who manage aid."""
    if reveal and not scope.has_perm(actor, MANAGE):
        raise PermissionDenied
    return {"reveal": reveal}
