"""Aid funds, budgets and the ledger. Every payment draws on a fund under a row lock; the balance
cannot go below zero (checked here and by the database); reversals are new entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from gefeng.care.models import Campaign, EntryKind, Fund, FundBudget, FundSource, LedgerEntry
from gefeng.care.services._common import MANAGE, date, money, require, required_text, text
from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import OrgNode


@accepts_system
@transaction.atomic
def fund_create(*, actor: Any, org: OrgNode, name: Any, source: Any, year: Any, note: Any = "") -> Fund:
    require(actor, org, MANAGE)
    title = required_text(name, 60, "name", "资金名称")
    if source not in FundSource.values:
        raise ValidationError({"source": ["请选择资金来源。"]})
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": ["请填写年度。"]}) from None
    if not 2000 <= y <= 2100:
        raise ValidationError({"year": ["年度不合理。"]})
    if Fund.objects.filter(org=org, year=y, name=title).exists():
        raise ValidationError({"name": [f"{y}年已有名为“{title}”的资金。"]})
    fund = Fund.objects.create(org=org, name=title, source=source, year=y, note=text(note, 200))
    audit.record(actor=actor, action="care.fund.created", obj=fund, changes={"source": source, "year": y})
    return fund


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def post(
    actor: Any,
    fund: Fund,
    kind: str,
    amount: Decimal,
    day: dt.date,
    memo: str,
    *,
    aid: Any = None,
    reverses: Any = None,
) -> LedgerEntry:
    """Write one ledger line and move the balance (the caller holds the fund's row lock)."""
    balance = fund.balance + amount
    if balance < 0:
        raise ValidationError({"fund": [f"“{fund.name}”余额 {fund.balance:,.2f} 元，不足支付 {-amount:,.2f} 元。"]})
    fund.balance = balance
    fund.save(update_fields=["balance"])
    return LedgerEntry.objects.create(
        fund=fund,
        kind=kind,
        entry_on=day,
        amount=amount,
        balance_after=balance,
        aid=aid,
        reverses=reverses,
        memo=memo[:200],
        created_by=actors.user_of(actor),
    )


@accepts_system
@transaction.atomic
def fund_credit(*, actor: Any, fund: Fund, amount: Any, entry_on: Any, memo: Any) -> LedgerEntry:
    """Money coming into a fund (an allocation, a donation)."""
    require(actor, fund, MANAGE)
    value = money(amount, "amount", allow_zero=False)
    day = date(entry_on, "entry_on", "到账日期")
    assert day is not None
    what = required_text(memo, 200, "memo", "摘要")
    fund = _locked(fund)
    entry = post(actor, fund, EntryKind.CREDIT, value, day, what)
    audit.record(actor=actor, action="care.fund.credited", obj=fund, changes={"amount": value})
    return entry


@accepts_system
@transaction.atomic
def entry_reverse(*, actor: Any, entry: LedgerEntry, reason: Any, on: Any = None) -> LedgerEntry:
    """冲销 a credit entered by mistake (payments are reversed through their aid record)."""
    require(actor, entry.fund, MANAGE)
    if entry.kind != EntryKind.CREDIT:
        raise ValidationError("帮扶支出请在帮扶记录中冲销。")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("该笔已冲销。")
    why = required_text(reason, 150, "reason", "冲销原因")
    day = date(on, "on", "冲销日期", required=False) or dt.date.today()
    fund = _locked(entry.fund)
    out = post(actor, fund, EntryKind.REVERSAL, -entry.amount, day, f"冲销：{why}", reverses=entry)
    audit.record(actor=actor, action="care.fund.reversed", obj=fund, changes={"entry": entry.pk, "reason": why})
    return out


@accepts_system
@transaction.atomic
def budget_set(
    *, actor: Any, fund: Fund, amount: Any, campaign: Campaign | None = None, town: OrgNode | None = None
) -> FundBudget:
    """A fund's budget for a campaign and/or a town of the year."""
    require(actor, fund, MANAGE)
    if campaign is not None and campaign.org_id != fund.org_id:
        raise ValidationError({"campaign": ["活动与资金不属于同一单位。"]})
    value = money(amount, "amount", label="预算")
    row, _ = FundBudget.objects.update_or_create(fund=fund, campaign=campaign, town=town, defaults={"amount": value})
    audit.record(
        actor=actor,
        action="care.fund.budgeted",
        obj=fund,
        changes={"campaign": getattr(campaign, "pk", None), "town": getattr(town, "pk", None), "amount": value},
    )
    return row


def reconcile(fund: Fund) -> dict[str, Any]:
    """Credits − payments + reversals = the balance, to the cent."""
    grouped = LedgerEntry.objects.filter(fund=fund).order_by().values("kind").annotate(s=Sum("amount"))
    sums = {row["kind"]: row["s"] or Decimal(0) for row in grouped}
    total = sum(sums.values(), Decimal(0))
    last = LedgerEntry.objects.filter(fund=fund).order_by("-id").values_list("balance_after", flat=True).first()
    return {
        "credits": sums.get(EntryKind.CREDIT, Decimal(0)),
        "payments": sums.get(EntryKind.PAYMENT, Decimal(0)),
        "reversals": sums.get(EntryKind.REVERSAL, Decimal(0)),
        "total": total,
        "balance": fund.balance,
        "ok": total == fund.balance and (last is None or last == fund.balance),
    }
