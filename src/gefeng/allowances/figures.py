"""The allowance figures of the county's account: who was paid in the year and how much.

Both read the payment ledger, which holds the lines of approved and paid runs only (a run's
ledger rows are written when it is approved), counted at the payee's union when the roster
was built.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from gefeng.allowances.models import Payment
from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode


def _ledger(root: OrgNode, year: int):
    return Payment.objects.filter(year=year).filter(scope.subtree_q("org__", root.path))


@figures.register("allowance_recipients", label="劳模津贴发放人数", unit="人", kind=figures.COUNT, section="劳模津贴")
def allowance_recipients(root: OrgNode, year: int) -> int:
    """Distinct people paid labour-model allowances (三金一贴) in the year's approved or paid runs."""
    return _ledger(root, year).values("person_id").distinct().count()


@figures.register("allowance_total_yuan", label="劳模津贴发放总额", unit="元", kind=figures.MONEY, section="劳模津贴")
def allowance_total_yuan(root: OrgNode, year: int) -> int | float:
    """The total of the labour-model allowances paid in the year, in yuan."""
    total = _ledger(root, year).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return int(total) if total == total.to_integral_value() else float(total)
