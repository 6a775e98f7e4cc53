"""Reads of 引领聚魂, starting from `core.scope`: lists, a round's rates by union / town /
member unit, score distribution, a unit's trend, contest rankings, register counts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from gefeng.core import scope
from gefeng.learning import conf
from gefeng.learning.models import (
    Attempt,
    AttemptStatus,
    Campaign,
    Contest,
    Position,
    PositionKind,
    Question,
    Round,
    RoundStatus,
    RoundTally,
    StudyResult,
)
from gefeng.orgs.models import OrgNode

SEGMENT = 4
UNION, TOWN = "union", "town"


def campaigns(user: Any) -> QuerySet[Campaign]:
    return scope.visible(user, Campaign).select_related("org").annotate(n_rounds=Count("rounds"))


def rounds(user: Any, campaign: Campaign) -> QuerySet[Round]:
    return scope.visible(user, Round).filter(campaign=campaign).order_by("number")


def _rate(participants: int, target: int) -> float | None:
    return participants / target if target else None


def unit_rates(rnd: Round, level: str = UNION) -> list[dict[str, Any]]:
    """The round's rates per union, or per town / member unit (the county's direct children),
    from its tallies; ordered from the highest rate down."""
    tallies = list(
        RoundTally.objects.filter(round=rnd)
        .select_related("union")
        .only("target", "participants", "score_sum", "union__name", "union__short_name", "union__path")
    )
    groups: dict[Any, dict[str, Any]] = {}
    if level == TOWN:
        depth = len(rnd.campaign.org.path) + SEGMENT if rnd.campaign.org.path else 2 * SEGMENT
        depth = max(depth, 2 * SEGMENT)
        names = {
            n.path: n
            for n in OrgNode.objects.filter(path__in={t.union.path[:depth] for t in tallies}).only(
                "name", "short_name", "path", "kind"
            )
        }
        for t in tallies:
            node = names.get(t.union.path[:depth])
            key = node.path if node else t.union.path[:depth]
            g = groups.setdefault(
                key,
                {
                    "node": node,
                    "name": node.name if node else "—",
                    "target": 0,
                    "participants": 0,
                    "score_sum": Decimal(0),
                },
            )
            g["target"] += t.target
            g["participants"] += t.participants
            g["score_sum"] += t.score_sum
    else:
        for t in tallies:
            groups[t.union_id] = {
                "node": t.union,
                "name": t.union.short_name or t.union.name,
                "target": t.target,
                "participants": t.participants,
                "score_sum": t.score_sum,
            }
    out = []
    for g in groups.values():
        g["rate"] = _rate(g["participants"], g["target"])
        g["average"] = float(g["score_sum"]) / g["participants"] if g["participants"] else None
        out.append(g)
    out.sort(key=lambda g: (-(g["rate"] or 0), -(g["average"] or 0), g["name"]))
    return out


def lagging(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units below the lagging rate (`LEARNING_LAGGING_RATE` per cent), lowest first."""
    limit = conf.get("LEARNING_LAGGING_RATE") / 100
    return sorted(
        (r for r in rows if r["target"] and (r["rate"] or 0) < limit), key=lambda r: (r["rate"] or 0, r["name"])
    )


def distribution(rnd: Round) -> list[tuple[str, int]]:
    """Participants by score band (share of the full score)."""
    full = rnd.campaign.full_score
    bands = [
        ("90%以上", Decimal("0.9"), None),
        ("80%～90%", Decimal("0.8"), Decimal("0.9")),
        ("60%～80%", Decimal("0.6"), Decimal("0.8")),
        ("60%以下", None, Decimal("0.6")),
    ]
    agg: dict[str, Any] = {}
    for _label, low, high in bands:
        q = Q()
        if low is not None:
            q &= Q(score__gte=full * low)
        if high is not None:
            q &= Q(score__lt=full * high)
        agg[f"b{len(agg)}"] = Count("id", filter=q)
    counts = StudyResult.objects.filter(round=rnd).aggregate(**agg)
    return [(label, counts[f"b{i}"]) for i, (label, _l, _h) in enumerate(bands)]


def trend(campaign: Campaign, union: OrgNode | None = None) -> list[dict[str, Any]]:
    """Per round: the rate of the whole campaign or of one unit's subtree."""
    qs = RoundTally.objects.filter(round__campaign=campaign)
    if union is not None:
        qs = qs.filter(scope.subtree_q("union__", union.path))
    rows = qs.values("round__number").annotate(t=Sum("target"), p=Sum("participants")).order_by("round__number")
    return [{"number": r["round__number"], "rate": _rate(r["p"] or 0, r["t"] or 0)} for r in rows]


def trend_svg(points: list[dict[str, Any]], width: int = 360, height: int = 90) -> str:
    """A small bar chart of rates (inline SVG, printable, no script)."""
    if not points:
        return ""
    bar = width / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 16}" role="img" aria-label="参学率走势">'  # noqa: E501
    ]
    for i, p in enumerate(points):
        rate = p["rate"] or 0
        h = round(rate * height, 1)
        x = round(i * bar + 2, 1)
        parts.append(
            f'<rect x="{x}" y="{round(height - h, 1)}" width="{round(bar - 4, 1)}" height="{h}" fill="#c00000"><title>第{p["number"]}期 {rate * 100:.1f}%</title></rect>'  # noqa: E501
        )
        parts.append(
            f'<text x="{round(x + (bar - 4) / 2, 1)}" y="{height + 12}" font-size="9" text-anchor="middle">{p["number"]}</text>'  # noqa: E501
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- contests


def questions(user: Any) -> QuerySet[Question]:
    return scope.visible(user, Question).select_related("org").order_by("-id")


def contests(user: Any) -> QuerySet[Contest]:
    return scope.visible(user, Contest).select_related("org", "eligible")


def person_ranking(contest: Contest, limit: int = 50) -> list[dict[str, Any]]:
    """The live ranking: each participant's best submitted attempt (score high, time short)."""
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    qs = (
        Attempt.objects.filter(contest=contest, status=AttemptStatus.SUBMITTED)
        .select_related("member", "union")
        .only(
            "score",
            "seconds",
            "correct",
            "member__name",
            "union__name",
            "union__short_name",
            "member_id",
            "submitted_at",
        )
        .order_by("-score", "seconds", "submitted_at", "pk")
    )
    for a in qs.iterator(chunk_size=200):
        if a.member_id in seen:
            continue
        seen.add(a.member_id)
        out.append(
            {
                "rank": len(out) + 1,
                "attempt": a,
                "name": a.member.name,
                "unit": a.union.short_name or a.union.name,
                "score": a.score,
                "seconds": a.seconds,
                "correct": a.correct,
            }
        )
        if len(out) >= limit:
            break
    return out


LIVE_SECONDS = 5


def live_ranking(contest: Contest, limit: int = 10) -> list[dict[str, Any]]:
    """The phone's live ranking: the top of `person_ranking`, recomputed at most every
    `LIVE_SECONDS` per contest and process (thousands of phones refresh it at once); names are
    shown with the given name masked (the organiser's page shows them whole)."""
    from django.core.cache import cache

    key = f"learning:live:{contest.pk}:{contest.created_at.timestamp()}:{limit}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            {**{k: v for k, v in r.items() if k != "attempt"}, "name": r["name"][:1] + "*" * (len(r["name"]) - 1)}
            for r in person_ranking(contest, limit)
        ]
        cache.set(key, rows, LIVE_SECONDS)
    return rows


def unit_ranking(contest: Contest) -> list[dict[str, Any]]:
    """Units by the average of their participants' best scores."""
    best = (
        Attempt.objects.filter(contest=contest, status=AttemptStatus.SUBMITTED)
        .values("union_id", "member_id")
        .annotate(best=Max("score"))
    )
    groups: dict[int, list[int]] = defaultdict(list)
    for row in best:
        groups[row["union_id"]].append(row["best"])
    names = {n.pk: n.short_name or n.name for n in OrgNode.objects.filter(pk__in=groups).only("name", "short_name")}
    rows: list[dict[str, Any]] = [
        {"name": names.get(k, "—"), "participants": len(v), "average": sum(v) / len(v)} for k, v in groups.items()
    ]
    rows.sort(key=lambda r: (-r["average"], -r["participants"], r["name"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def contest_stats(contest: Contest) -> dict[str, Any]:
    agg = Attempt.objects.filter(contest=contest).aggregate(
        started=Count("id"),
        submitted=Count("id", filter=Q(status=AttemptStatus.SUBMITTED)),
        people=Count("member", distinct=True, filter=Q(status=AttemptStatus.SUBMITTED)),
    )
    return agg


def rank_of(attempt: Attempt) -> int | None:
    """The participant's place in the ranking (best attempts), or None if not submitted."""
    best = (
        Attempt.objects.filter(
            contest_id=attempt.contest_id, member_id=attempt.member_id, status=AttemptStatus.SUBMITTED
        )
        .order_by("-score", "seconds", "submitted_at", "pk")
        .first()
    )
    if best is None:
        return None
    better = (
        Attempt.objects.filter(contest_id=attempt.contest_id, status=AttemptStatus.SUBMITTED)
        .filter(Q(score__gt=best.score) | Q(score=best.score, seconds__lt=best.seconds))
        .exclude(member_id=attempt.member_id)
        .values("member_id")
        .distinct()
        .count()
    )
    return better + 1


def my_attempts(user: Any) -> QuerySet[Attempt]:
    return scope.permitted(user, Attempt, "learning.take").select_related("contest").order_by("-started_at")


# ---------------------------------------------------------------- registers


def positions(user: Any, kind: str = "", town: OrgNode | None = None, q: str = "") -> QuerySet[Position]:
    qs = scope.visible(user, Position).select_related("org")
    if kind in PositionKind.values:
        qs = qs.filter(kind=kind)
    if town is not None:
        qs = qs.filter(scope.subtree_q("org__", town.path))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(place__contains=q))
    return qs


def position_counts(user: Any) -> list[dict[str, Any]]:
    """Positions by town (the county's direct children) and kind."""
    rows = scope.visible(user, Position).values("kind", "org__path")
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows.iterator():
        out[r["org__path"][: 2 * SEGMENT]][r["kind"]] += 1
    names = {n.path: n.name for n in OrgNode.objects.filter(path__in=list(out)).only("name", "path")}
    return [{"name": names.get(p, "县本级"), **dict(v), "total": sum(v.values())} for p, v in sorted(out.items())]


def circulated(user: Any) -> QuerySet[Round]:
    return scope.visible(user, Round).filter(status=RoundStatus.CIRCULATED)
