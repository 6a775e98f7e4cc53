"""The 维权 figures of the county's account: contracts in force and their coverage, the spring 要约
campaign, mediation, arbitration and money recovered, and the statutory clocks overdue.

"In force in the year" means on the year's last day, or today for the current year. Every figure
is an indexed count or sum over this module's tables within the subtree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from gefeng.core import figures, scope
from gefeng.orgs.models import Kind, OrgNode
from gefeng.rights.models import (
    Case,
    CaseStatus,
    Contract,
    ContractKind,
    ContractStatus,
    Stage,
    Target,
)

SECTION = "共享聚心·维权"
MEDIATED = (CaseStatus.AGREED, CaseStatus.FAILED, CaseStatus.ARBITRATION, CaseStatus.AWARDED)
IN_FORCE = (ContractStatus.EFFECTIVE, ContractStatus.EXPIRED)


def ref_day(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def in_force(root: OrgNode, year: int):
    """Contracts in force on the reference day of the year, signed within the subtree."""
    day = ref_day(year)
    return Contract.objects.filter(scope.subtree_q("org__", root.path)).filter(
        status__in=IN_FORCE, effective_on__lte=day, end_on__gte=day
    )


def _money(total: Decimal | None) -> int | float:
    total = total or Decimal(0)
    return int(total) if total == total.to_integral_value() else float(total)


@figures.register("contracts_effective", label="有效集体合同", unit="份", kind=figures.BREAKDOWN, section=SECTION)
def contracts_effective(root: OrgNode, year: int) -> dict[str, int]:
    """Collective contracts in force at the end of the year (or today), by kind."""
    rows = in_force(root, year).values("kind").annotate(n=Count("id")).order_by()
    counts = {r["kind"]: r["n"] for r in rows}
    return {str(label): counts[value] for value, label in ContractKind.choices if counts.get(value)}


def _covered(root: OrgNode, year: int):
    contracts = in_force(root, year).filter(enterprises=OuterRef("pk"))
    return OrgNode.objects.filter(kind=Kind.ENTERPRISE).filter(scope.subtree_q("", root.path)).filter(Exists(contracts))


@figures.register(
    "contract_coverage_enterprises", label="集体合同覆盖企业", unit="家", kind=figures.COUNT, section=SECTION
)
def contract_coverage_enterprises(root: OrgNode, year: int) -> int:
    """Enterprises covered by at least one collective contract in force (their own, a 区域性 or a 行业性 one)."""
    return _covered(root, year).count()


@figures.register(
    "contract_coverage_employees", label="集体合同覆盖职工", unit="人", kind=figures.COUNT, section=SECTION
)
def contract_coverage_employees(root: OrgNode, year: int) -> int:
    """The employees of the covered enterprises (each enterprise once, its registered 职工人数)."""
    return int(_covered(root, year).aggregate(s=Sum("employee_count"))["s"] or 0)


def _targets(root: OrgNode, year: int):
    return Target.objects.filter(campaign__year=year).filter(scope.subtree_q("enterprise__", root.path))


@figures.register("yaoyue_sent", label="要约行动发出要约", unit="家", kind=figures.COUNT, section=SECTION)
def yaoyue_sent(root: OrgNode, year: int) -> int:
    """Enterprises of the year's 要约 campaigns to which a 要约 was sent."""
    return _targets(root, year).filter(stage__gte=Stage.SENT).count()


@figures.register("yaoyue_signed", label="要约行动签约企业", unit="家", kind=figures.COUNT, section=SECTION)
def yaoyue_signed(root: OrgNode, year: int) -> int:
    """Enterprises of the year's 要约 campaigns whose contract was signed (签约企业)."""
    return _targets(root, year).filter(stage__gte=Stage.SIGNED).count()


def _cases(root: OrgNode):
    return Case.objects.filter(scope.subtree_q("org__", root.path))


@figures.register("disputes_mediated", label="调解劳动争议", unit="件", kind=figures.COUNT, section=SECTION)
def disputes_mediated(root: OrgNode, year: int) -> int:
    """Dispute cases whose mediation ended in the year (agreed, failed, or handed to arbitration)."""
    return _cases(root).filter(status__in=MEDIATED, closed_on__year=year).count()


@figures.register("mediation_success_rate", label="调解成功率", unit="", kind=figures.SHARE, section=SECTION)
def mediation_success_rate(root: OrgNode, year: int) -> float:
    """Cases settled by a mediation agreement, of those whose mediation ended in the year."""
    agg = (
        _cases(root)
        .filter(status__in=MEDIATED, closed_on__year=year)
        .aggregate(n=Count("id"), ok=Count("id", filter=Q(status=CaseStatus.AGREED)))
    )
    return round(agg["ok"] / agg["n"], 4) if agg["n"] else 0.0


@figures.register("arbitration_referred", label="转劳动仲裁", unit="件", kind=figures.COUNT, section=SECTION)
def arbitration_referred(root: OrgNode, year: int) -> int:
    """Cases handed to the arbitration committee in the year."""
    return _cases(root).filter(referred_on__year=year).count()


@figures.register("wages_recovered_yuan", label="为职工追回工资待遇", unit="元", kind=figures.MONEY, section=SECTION)
def wages_recovered_yuan(root: OrgNode, year: int) -> int | float:
    """Money recovered for workers by agreements closed and awards made in the year."""
    q = Q(status=CaseStatus.AGREED, closed_on__year=year) | Q(status=CaseStatus.AWARDED, award_on__year=year)
    return _money(_cases(root).filter(q).aggregate(s=Sum("recovered"))["s"])


@figures.register("rights_clocks_overdue", label="逾期的法定时限", unit="项", kind=figures.BREAKDOWN, section=SECTION)
def rights_clocks_overdue(root: OrgNode, year: int) -> dict[str, int]:
    """Statutory deadlines passed without the step being taken, on the reference day of the year."""
    day = ref_day(year)
    contracts = Contract.objects.filter(scope.subtree_q("org__", root.path))
    cases = _cases(root)
    out = {
        "要约逾期未书面回应": contracts.filter(status=ContractStatus.OFFERED, reply_due__lt=day).count(),
        "签字后逾期未报送": contracts.filter(status=ContractStatus.SIGNED, filing_due__lt=day).count(),
        "调解逾期未结": cases.filter(
            status__in=(CaseStatus.APPLIED, CaseStatus.MEDIATING), mediation_due__lt=day
        ).count(),
        "仲裁逾期未受理": cases.filter(
            status=CaseStatus.ARBITRATION, accepted_on__isnull=True, acceptance_due__lt=day
        ).count(),
        "仲裁逾期未裁决": cases.filter(status=CaseStatus.ARBITRATION, award_due__lt=day).count(),
    }
    return {k: v for k, v in out.items() if v}
