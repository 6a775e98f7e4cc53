"""The 引领聚魂 figures of the county's account, each an indexed count or sum over this module's
tables for a subtree and a year."""

from __future__ import annotations

from django.db.models import Avg, Count, Sum

from gefeng.core import figures, scope
from gefeng.learning.models import (
    AttemptStatus,
    HomeLevel,
    PartyDevelopment,
    Position,
    PositionKind,
    RoundTally,
    SafetySession,
    SafetyTrainee,
)
from gefeng.learning.models.contest import Attempt
from gefeng.orgs.models import OrgNode

SECTION = "引领聚魂"


@figures.register("study_participation_rate", label="在线学习参学率", unit="", kind=figures.SHARE, section=SECTION)
def study_participation_rate(root: OrgNode, year: int) -> float | None:
    """Participants ÷ target population over the year's study rounds (the target counted from the
    registry at each round's date), for the unions of the subtree."""
    agg = (
        RoundTally.objects.filter(round__as_of__year=year)
        .filter(scope.subtree_q("union__", root.path))
        .aggregate(t=Sum("target"), p=Sum("participants"))
    )
    return (agg["p"] or 0) / agg["t"] if agg["t"] else None


def _attempts(root: OrgNode, year: int):
    return Attempt.objects.filter(status=AttemptStatus.SUBMITTED, contest__starts_at__year=year).filter(
        scope.subtree_q("union__", root.path)
    )


@figures.register("quiz_participants", label="知识竞赛参赛人数", unit="人", kind=figures.COUNT, section=SECTION)
def quiz_participants(root: OrgNode, year: int) -> int:
    """Distinct people who submitted a paper in the year's contests."""
    return _attempts(root, year).values("member_id").distinct().count()


@figures.register("quiz_average_score", label="知识竞赛平均得分", unit="分", kind=figures.COUNT, section=SECTION)
def quiz_average_score(root: OrgNode, year: int) -> float:
    """The average score of the year's submitted papers."""
    avg = _attempts(root, year).aggregate(a=Avg("score"))["a"]
    return round(float(avg), 1) if avg is not None else 0


def _developments(root: OrgNode):
    return PartyDevelopment.objects.filter(scope.subtree_q("union__", root.path))


@figures.register("party_activists", label="培养入党积极分子", unit="人", kind=figures.COUNT, section=SECTION)
def party_activists(root: OrgNode, year: int) -> int:
    """People made 入党积极分子 in the year."""
    return _developments(root).filter(activist_on__year=year).count()


@figures.register("party_members_admitted", label="发展正式党员", unit="人", kind=figures.COUNT, section=SECTION)
def party_members_admitted(root: OrgNode, year: int) -> int:
    """People who became 正式党员 in the year (the account's 发展正式党员)."""
    return _developments(root).filter(full_on__year=year).count()


def _positions(root: OrgNode, kind: str):
    return Position.objects.filter(kind=kind).filter(scope.subtree_q("org__", root.path))


@figures.register("education_bases", label="新建产业工人素质教育基地", unit="个", kind=figures.COUNT, section=SECTION)
def education_bases(root: OrgNode, year: int) -> int:
    """Education bases opened in the year."""
    return _positions(root, PositionKind.BASE).filter(opened_on__year=year).count()


@figures.register("reading_rooms", label="新建歌风书房", unit="个", kind=figures.COUNT, section=SECTION)
def reading_rooms(root: OrgNode, year: int) -> int:
    """Reading rooms (歌风书房 / 职工书屋) opened in the year."""
    return _positions(root, PositionKind.READING).filter(opened_on__year=year).count()


@figures.register("worker_homes", label="职工之家命名（按级别）", unit="个", kind=figures.BREAKDOWN, section=SECTION)
def worker_homes(root: OrgNode, year: int) -> dict[str, int]:
    """职工之家 named in the year, by level (市级“四有”职工之家 …)."""
    rows = (
        _positions(root, PositionKind.HOME)
        .filter(level_year=year)
        .exclude(level="")
        .values("level")
        .annotate(n=Count("id"))
    )
    labels = dict(HomeLevel.choices)
    return {str(labels.get(r["level"], r["level"])): r["n"] for r in rows}


def _sessions(root: OrgNode, year: int):
    return SafetySession.objects.filter(held_on__year=year).filter(scope.subtree_q("enterprise__", root.path))


@figures.register("safety_sessions", label="安全生产宣讲培训场次", unit="场", kind=figures.COUNT, section=SECTION)
def safety_sessions(root: OrgNode, year: int) -> int:
    """Sessions of the safety campaigns held at enterprises in the year."""
    return _sessions(root, year).count()


@figures.register("safety_trainees", label="安全生产受训人次", unit="人次", kind=figures.COUNT, section=SECTION)
def safety_trainees(root: OrgNode, year: int) -> int:
    """Trainees of the year's safety sessions: the registry members recorded on each session plus
    the people counted who are not in the registry (a member is recorded once per session)."""
    sessions = _sessions(root, year)
    counted = int(sessions.aggregate(s=Sum("trainees"))["s"] or 0)
    return counted + SafetyTrainee.objects.filter(session__in=sessions.values("pk")).count()
