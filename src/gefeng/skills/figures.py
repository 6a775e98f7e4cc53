"""The 成长聚能 figures of the county's account, counted over this module's tables for a subtree
(the row's own unit) and a year; the plan's indicators (结对师徒 100对, 五小成果 50项, 培训职工 400人次)
bind to them."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import (
    Competition,
    CompStatus,
    Enrolment,
    Entry,
    EntryStatus,
    Group,
    Pair,
    PairStatus,
    Patent,
    Proposal,
    ProposalStatus,
)

SECTION = "成长聚能"
HELD = (CompStatus.NOTICE, CompStatus.CLOSED)
ADOPTED = (ProposalStatus.APPLIED, ProposalStatus.CONFIRMED, ProposalStatus.REWARDED, ProposalStatus.PAID)


def _entries(root: OrgNode, year: int):
    return (
        Entry.objects.filter(competition__year=year, competition__status__in=HELD)
        .exclude(status=EntryStatus.WITHDRAWN)
        .filter(scope.subtree_q("enterprise__", root.path))
    )


@figures.register("competitions_held", label="举办技能竞赛", unit="场", kind=figures.COUNT, section=SECTION)
def competitions_held(root: OrgNode, year: int) -> int:
    """Competitions of the year organised in the subtree whose results were published."""
    return Competition.objects.filter(year=year, status__in=HELD).filter(scope.subtree_q("org__", root.path)).count()


@figures.register("competition_participants", label="参赛职工", unit="人次", kind=figures.COUNT, section=SECTION)
def competition_participants(root: OrgNode, year: int) -> int:
    """Entries (person-times) of the year's held competitions, counted at the contestant's unit."""
    return _entries(root, year).count()


@figures.register(
    "competition_participants_by_industry",
    label="参赛职工（按行业）",
    unit="人次",
    kind=figures.BREAKDOWN,
    section=SECTION,
)
def competition_participants_by_industry(root: OrgNode, year: int) -> dict[str, int]:
    rows = _entries(root, year).order_by().values("competition__industry__name").annotate(n=Count("id"))
    return {r["competition__industry__name"]: r["n"] for r in rows}


def _trainees(root: OrgNode, year: int):
    return Enrolment.objects.filter(course__starts_on__year=year).filter(scope.subtree_q("course__org__", root.path))


@figures.register("trainees", label="培训职工", unit="人次", kind=figures.COUNT, section=SECTION)
def trainees(root: OrgNode, year: int) -> int:
    """Person-times enrolled in the year's courses organised in the subtree (dropped-out excluded)."""
    return _trainees(root, year).exclude(status="dropped").count()


@figures.register(
    "trainees_by_group", label="培训职工（按人员类别）", unit="人次", kind=figures.BREAKDOWN, section=SECTION
)
def trainees_by_group(root: OrgNode, year: int) -> dict[str, int]:
    rows = _trainees(root, year).exclude(status="dropped").order_by().values("group").annotate(n=Count("id"))
    return {str(Group(r["group"]).label): r["n"] for r in rows}


@figures.register(
    "trainees_by_specialty", label="培训职工（按专业）", unit="人次", kind=figures.BREAKDOWN, section=SECTION
)
def trainees_by_specialty(root: OrgNode, year: int) -> dict[str, int]:
    rows = (
        _trainees(root, year).exclude(status="dropped").order_by().values("course__specialty").annotate(n=Count("id"))
    )
    return {r["course__specialty"]: r["n"] for r in rows}


@figures.register("apprentice_pairs", label="结对师徒", unit="对", kind=figures.COUNT, section=SECTION)
def apprentice_pairs(root: OrgNode, year: int) -> int:
    """Master–apprentice pairs whose agreement was signed in the year (units of the subtree)."""
    return Pair.objects.filter(starts_on__year=year).filter(scope.subtree_q("org__", root.path)).count()


@figures.register("apprentices_qualified", label="徒弟出师", unit="人", kind=figures.COUNT, section=SECTION)
def apprentices_qualified(root: OrgNode, year: int) -> int:
    return (
        Pair.objects.filter(status=PairStatus.QUALIFIED, finished_on__year=year)
        .filter(scope.subtree_q("org__", root.path))
        .count()
    )


def _proposals(root: OrgNode):
    return Proposal.objects.filter(scope.subtree_q("org__", root.path))


@figures.register(
    "innovations_submitted", label="五小成果与合理化建议（提交）", unit="项", kind=figures.COUNT, section=SECTION
)
def innovations_submitted(root: OrgNode, year: int) -> int:
    return _proposals(root).filter(submitted_on__year=year).count()


@figures.register("innovations_adopted", label="五小成果（实施）", unit="项", kind=figures.COUNT, section=SECTION)
def innovations_adopted(root: OrgNode, year: int) -> int:
    """Items applied in production in the year (tested and applied)."""
    return _proposals(root).filter(applied_on__year=year, status__in=ADOPTED).count()


@figures.register("innovation_benefit_yuan", label="五小成果经济效益", unit="元", kind=figures.MONEY, section=SECTION)
def innovation_benefit_yuan(root: OrgNode, year: int) -> int | float:
    """The finance-confirmed 12-month benefit of the items applied in the year."""
    total = (
        _proposals(root).filter(applied_on__year=year, benefit_yuan__isnull=False).aggregate(s=Sum("benefit_yuan"))["s"]
    )
    total = total or Decimal(0)
    return int(total) if total == total.to_integral_value() else float(total)


@figures.register("patents_granted", label="职工专利授权", unit="件", kind=figures.COUNT, section=SECTION)
def patents_granted(root: OrgNode, year: int) -> int:
    return Patent.objects.filter(granted_on__year=year).filter(scope.subtree_q("org__", root.path)).count()
