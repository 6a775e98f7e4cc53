"""Reads of the allowances, within the actor's scope (`allowances.view`)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from gefeng.allowances.models import LEVEL_ORDER, AllowanceKind, AllowanceRule, AllowanceRun, Level, RunLine
from gefeng.core import scope
from gefeng.core.pii import mask_id_number
from gefeng.orgs.models import Kind, OrgNode
from gefeng.talent.models import mask_account


def county_for(actor: Any) -> OrgNode | None:
    """The county node the actor pays allowances for (the root it may act on)."""
    return (
        scope.permitted(actor, OrgNode.objects.filter(kind=Kind.COUNTY), "allowances.manage").order_by("path").first()
    )


def kinds(actor: Any) -> QuerySet[AllowanceKind]:
    return scope.visible(actor, AllowanceKind).order_by("order", "id")


def rules(actor: Any) -> QuerySet[AllowanceRule]:
    return scope.visible(actor, AllowanceRule).select_related("kind")


def rule_table(actor: Any) -> list[dict[str, Any]]:
    """Per kind: its rows by effective year (newest first), each with the four levels."""
    out = []
    all_rules = list(rules(actor).order_by("kind__order", "kind_id", "-effective_from")[:2000])
    for kind in kinds(actor)[:100]:
        years: dict[int, dict[str, AllowanceRule]] = {}
        for rule in all_rules:
            if rule.kind_id == kind.pk:
                years.setdefault(rule.effective_from, {})[rule.level] = rule
        out.append(
            {
                "kind": kind,
                "years": [
                    {
                        "year": year,
                        "cells": [levels.get(level) for level in LEVEL_ORDER],
                        "conditions": "；".join(dict.fromkeys("、".join(r.conditions) or "—" for r in levels.values())),
                    }
                    for year, levels in sorted(years.items(), reverse=True)
                ],
            }
        )
    return out


def runs(actor: Any) -> QuerySet[AllowanceRun]:
    return scope.visible(actor, AllowanceRun).select_related("prepared_by", "approved_by").order_by("-year", "-id")


def lines(actor: Any, run: AllowanceRun, *, q: str = "", kind: int | None = None, level: str = "") -> QuerySet[RunLine]:
    qs = scope.visible(actor, RunLine).filter(run=run).select_related("kind")
    if q.strip():
        qs = qs.filter(name__contains=q.strip())
    if kind:
        qs = qs.filter(kind_id=kind)
    if level in Level.values:
        qs = qs.filter(level=level)
    return qs.order_by("name", "person_id", "kind__order", "kind_id")


def totals(actor: Any, run: AllowanceRun) -> dict[str, Any]:
    """The run's totals by kind and by level: people (distinct) and amounts."""
    qs = scope.visible(actor, RunLine).filter(run=run).order_by()
    cells = {
        (r["kind_id"], r["level"]): r
        for r in qs.values("kind_id", "level").annotate(n=Count("person", distinct=True), amount=Sum("amount"))
    }
    by_kind = {
        r["kind_id"]: r for r in qs.values("kind_id").annotate(n=Count("person", distinct=True), amount=Sum("amount"))
    }
    by_level = {
        r["level"]: r for r in qs.values("level").annotate(n=Count("person", distinct=True), amount=Sum("amount"))
    }
    kind_ids = sorted(by_kind, key=lambda k: k)
    kind_rows = list(AllowanceKind.objects.filter(pk__in=kind_ids).order_by("order", "id"))
    rows = []
    for kind in kind_rows:
        rows.append(
            {
                "kind": kind,
                "cells": [cells.get((kind.pk, level)) for level in LEVEL_ORDER],
                "total": by_kind.get(kind.pk),
            }
        )
    overall = qs.aggregate(n=Count("person", distinct=True), amount=Sum("amount"))
    return {
        "levels": [Level(level).label for level in LEVEL_ORDER],
        "rows": rows,
        "by_level": [by_level.get(level) for level in LEVEL_ORDER],
        "overall": {"n": overall["n"] or 0, "amount": overall["amount"] or Decimal(0)},
    }


PAYMENT_HEADERS = ("序号", "姓名", "身份证号", "开户行", "账号", "金额", "备注")


def payment_rows(actor: Any, run: AllowanceRun, *, reveal: bool) -> Iterator[tuple[Any, ...]]:
    """The bank's batch-payment file: one row per payee with the total of the payee's lines; the
    remark lists the kinds. Full ID and account numbers only when `reveal`."""
    qs = (
        scope.visible(actor, RunLine)
        .filter(run=run)
        .select_related("person", "kind")
        .order_by("person_id", "kind__order", "kind_id")
    )
    number = 0
    current: list[RunLine] = []

    def row(group: list[RunLine]) -> tuple[Any, ...]:
        first = group[0]
        total = sum((line.amount for line in group), Decimal(0))
        parts = [
            f"{line.kind.name}{line.amount:.0f}元"
            if line.amount == line.amount.to_integral_value()
            else f"{line.kind.name}{line.amount}元"
            for line in group
        ]
        remark = f"{run.year}年" + "、".join(parts)
        if first.bank_holder and first.bank_holder != first.name:
            remark += f"；开户人：{first.bank_holder}"
        id_number = first.person.id_number
        account = first.bank_account
        return (
            number,
            first.name,
            id_number if reveal else mask_id_number(id_number),
            first.bank_name,
            account if reveal else mask_account(account),
            total,
            remark,
        )

    for line in qs.iterator(chunk_size=1000):
        if current and current[0].person_id != line.person_id:
            number += 1
            yield row(current)
            current = []
        current.append(line)
    if current:
        number += 1
        yield row(current)


def report_rows(report: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The totals report as spreadsheet rows (kind × level: people, amount)."""
    for r in report["rows"]:
        cells: list[Any] = [r["kind"].name]
        for cell in r["cells"]:
            cells += [cell["n"] if cell else 0, cell["amount"] if cell else 0]
        cells += [r["total"]["n"] if r["total"] else 0, r["total"]["amount"] if r["total"] else 0]
        yield tuple(cells)
    last: list[Any] = ["合计（人数按人去重）"]
    for cell in report["by_level"]:
        last += [cell["n"] if cell else 0, cell["amount"] if cell else 0]
    last += [report["overall"]["n"], report["overall"]["amount"]]
    yield tuple(last)


def report_headers(report: dict[str, Any]) -> tuple[str, ...]:
    heads = ["津贴种类"]
    for label in report["levels"]:
        heads += [f"{label}人数", f"{label}金额"]
    heads += ["合计人数", "合计金额（元）"]
    return tuple(heads)
