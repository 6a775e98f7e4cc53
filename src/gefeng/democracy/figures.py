"""The figures of 民主管理, counted over this module's tables in a subtree and a year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from gefeng.core import figures, scope
from gefeng.democracy import rules
from gefeng.democracy.models import (
    VOTING_KINDS,
    Congress,
    CongressKind,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
    Proposal,
    ProposalStatus,
)
from gefeng.orgs.models import OrgNode

SECTION = "民主管理"


def _congresses(root: OrgNode, year: int):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Congress.objects.filter(scope.subtree_q("org__", root.path), term_start__lte=end, term_end__gte=start)


def _meetings(root: OrgNode, year: int):
    return Meeting.objects.filter(scope.subtree_q("congress__org__", root.path), date__year=year)


@figures.register(
    "congresses_established", label="建立职代会（职工大会）", unit="个", kind=figures.BREAKDOWN, section=SECTION
)
def congresses_established(root: OrgNode, year: int) -> dict[str, int]:
    """Congresses whose term covers part of the year, by kind (职工代表大会 / 职工大会 / 区域 / 行业)."""
    rows = dict(_congresses(root, year).values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {str(label): rows.get(value, 0) for value, label in CongressKind.choices}


@figures.register("congress_meetings_held", label="召开民主管理会议", unit="次", section=SECTION)
def congress_meetings_held(root: OrgNode, year: int) -> int:
    """Meetings held (closed with minutes) in the year: 会员会议, 扩大会议, 职代会, 职工大会."""
    return _meetings(root, year).filter(status=MeetingStatus.CLOSED).count()


@figures.register(
    "congress_quorum_rate", label="职代会到会达法定人数比例", unit="%", kind=figures.SHARE, section=SECTION
)
def congress_quorum_rate(root: OrgNode, year: int) -> float:
    """Of the voting meetings held in the year, the share where at least ⅔ of all representatives
    signed in (企业民主管理规定)."""
    held = _meetings(root, year).filter(status=MeetingStatus.CLOSED, kind__in=list(VOTING_KINDS), entitled__gt=0)
    # Whole-number test (3·present ≥ 2·entitled) in the database: indexed, no rounding.
    row = held.aggregate(n=Count("id"), ok=Count("id", filter=Q(present__gte=(F("entitled") * 2 + 2) / 3)))
    return row["ok"] / row["n"] if row["n"] else 0.0


@figures.register("motions_adopted", label="职代会表决通过事项", unit="项", section=SECTION)
def motions_adopted(root: OrgNode, year: int) -> int:
    """Motions and elections counted in the year that passed under the rules."""
    return Motion.objects.filter(
        scope.subtree_q("meeting__congress__org__", root.path),
        status=MotionStatus.CLOSED,
        passed=True,
        meeting__date__year=year,
    ).count()


def _proposals(root: OrgNode):
    return Proposal.objects.filter(scope.subtree_q("congress__org__", root.path))


@figures.register("proposals_submitted", label="职工代表提案", unit="件", section=SECTION)
def proposals_submitted(root: OrgNode, year: int) -> int:
    return _proposals(root).filter(submitted_on__year=year).count()


@figures.register("proposals_answered", label="提案已答复", unit="件", section=SECTION)
def proposals_answered(root: OrgNode, year: int) -> int:
    return (
        _proposals(root)
        .filter(answered_on__year=year, status__in=[ProposalStatus.ANSWERED, ProposalStatus.RATED])
        .count()
    )


@figures.register("disclosure_compliance", label="厂务公开按期公开率", unit="%", kind=figures.SHARE, section=SECTION)
def disclosure_compliance(root: OrgNode, year: int) -> float:
    """Of the required 厂务公开 categories of the enterprises with a congress in the year, the share
    disclosed within their interval at the year's end (or today, within the year)."""
    from gefeng.democracy.selectors import disclosure_gaps

    on = min(dt.date(year, 12, 31), dt.date.today())
    rows: list[Any] = list(_congresses(root, year).filter(active=True).only("id", "org_id", "disclosure_months"))
    if not rows:
        return 0.0
    gaps = disclosure_gaps(rows, on=on)
    required = len(rows) * len(rules.DISCLOSURE_CATEGORIES)
    missing = sum(len(g) for g in gaps.values())
    return (required - missing) / required
