"""The responsibility list's yearly figures for `gefeng figures` (items of units in the subtree)."""

from __future__ import annotations

import datetime as dt

from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode
from gefeng.reform import selectors
from gefeng.reform.models import Item, Report


def _items(root: OrgNode, year: int):
    units = scope.subtree_q("assignments__unit__", root.path)
    ids = Item.objects.filter(units, plan__year=year).values("pk")
    return Item.objects.filter(pk__in=ids)


@figures.register("plan_items", label="重点工作项目", unit="项", kind=figures.COUNT, section="产改责任清单")
def plan_items(root: OrgNode, year: int) -> int:
    """Key work items (重点工作项目) of the year's plan assigned to units in the subtree."""
    return _items(root, year).count()


@figures.register("plan_items_completed", label="已完成项目", unit="项", kind=figures.COUNT, section="产改责任清单")
def plan_items_completed(root: OrgNode, year: int) -> int:
    """Of those, items completed by 31 December (milestones done and targets met, or confirmed)."""
    items = _items(root, year).select_related("plan")
    states = selectors.item_states(items, on=dt.date(year, 12, 31))
    return sum(1 for s in states.values() if s.status == selectors.COMPLETED)


@figures.register("reports_late", label="迟报进展", unit="次", kind=figures.COUNT, section="产改责任清单")
def reports_late(root: OrgNode, year: int) -> int:
    """Progress reports on the year's plan submitted after their period's due date (迟报)."""
    return Report.objects.filter(
        scope.subtree_q("assignment__unit__", root.path), period__plan__year=year, late=True
    ).count()
