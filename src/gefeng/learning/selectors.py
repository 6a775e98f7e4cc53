"""Reads of 引领聚魂, starting from `core.scope`: lists, a round's rates by union / town /
member unit, score distribution, a unit's trend, contest rankings, register counts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from gefeng.core import scope
from gefeng.learning import conf
from gefeng.learning.models import (
    Attempt,
    AttemptStatus,
    Campaign,
    Contest,
    HomeLevel,
    Position,
    PositionKind,
    Question,
    Round,
    RoundStatus,
    RoundTally,
    SafetyCampaign,
    SafetySession,
    SafetyTrainee,
    StudyResult,
)
from gefeng.orgs.models import Kind, OrgNode

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


def _town_of(path: str) -> str:
    return path[: 2 * SEGMENT]


def _town_names(paths: Any) -> dict[str, str]:
    return {n.path: n.name for n in OrgNode.objects.filter(path__in=list(paths)).only("name", "path")}


def position_counts(user: Any) -> list[dict[str, Any]]:
    """Positions by town (the county's direct children) and kind, and the 职工之家 by the level
    they are named at (`home_<level>`, `home_none` for those not named)."""
    rows = scope.visible(user, Position).values("kind", "level", "org__path")
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pos in rows.iterator():
        town = out[_town_of(pos["org__path"])]
        town[pos["kind"]] += 1
        if pos["kind"] == PositionKind.HOME:
            town[f"home_{pos['level'] or 'none'}"] += 1
    names = _town_names(out)
    result: list[dict[str, Any]] = [
        {"name": names.get(p, "县本级"), **dict(v), "total": sum(v[k] for k in PositionKind.values)}
        for p, v in sorted(out.items())
    ]
    if result:
        totals: dict[str, int] = defaultdict(int)
        for line in result:
            for k, n in line.items():
                if k != "name":
                    totals[k] += int(n)
        result.append({"name": "合计", **totals, "is_total": True})
    return result


HOME_LEVELS = [(level.value or "none", level.label if level.value else "未命名") for level in HomeLevel]
HOME_LEVELS = HOME_LEVELS[1:] + HOME_LEVELS[:1]

PARTY_HEADERS = [
    "镇（街道）",
    "党组织",
    "其中党小组",
    "名册中的党员",
    "其中预备党员",
    "入党积极分子",
    "发展对象",
    "预备党员（发展中）",
    "年内确定积极分子",
    "年内接收预备党员",
    "年内发展正式党员",
]
PARTY_KEYS = [
    "orgs",
    "groups",
    "members",
    "probationary_members",
    "activists",
    "candidates",
    "probationary",
    "activists_year",
    "probationary_year",
    "admitted_year",
]


def party_by_town(user: Any, year: int) -> list[dict[str, Any]]:
    """党组织 and party members by town, from what the user may see under `learning.view`:
    party organisations; party members in the registry (在会 members whose 政治面貌 is 中共党员 or
    中共预备党员); the people now at the stages 入党积极分子, 发展对象, 预备党员; and, in the year,
    those made activists, admitted as probationary members and made full members. Empty when the
    setting `LEARNING_PARTY_DATA` says party data is not kept."""
    if not conf.get("LEARNING_PARTY_DATA"):
        return []
    from gefeng.learning.models import PartyDevelopment, PartyKind, PartyOrg, Stage
    from gefeng.members.models import Member, Political, Status

    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PARTY_KEYS, 0))
    for o in scope.visible(user, PartyOrg).values("org__path", "kind").iterator():
        row = out[_town_of(o["org__path"])]
        row["orgs"] += 1
        row["groups"] += o["kind"] == PartyKind.GROUP
    members = (
        scope.permitted(user, Member, "learning.view")
        .filter(status=Status.ACTIVE, political_status__in=[Political.CPC, Political.PROBATIONARY])
        .values("union__path", "political_status")
    )
    for m in members.iterator():
        row = out[_town_of(m["union__path"])]
        row["members"] += 1
        row["probationary_members"] += m["political_status"] == Political.PROBATIONARY
    stage_key = {Stage.ACTIVIST: "activists", Stage.CANDIDATE: "candidates", Stage.PROBATIONARY: "probationary"}
    devs = scope.visible(user, PartyDevelopment).values(
        "union__path", "stage", "activist_on", "probationary_on", "full_on"
    )
    for d in devs.iterator():
        row = out[_town_of(d["union__path"])]
        key = stage_key.get(Stage(d["stage"]))
        if key:
            row[key] += 1
        row["activists_year"] += bool(d["activist_on"] and d["activist_on"].year == year)
        row["probationary_year"] += bool(d["probationary_on"] and d["probationary_on"].year == year)
        row["admitted_year"] += bool(d["full_on"] and d["full_on"].year == year)
    towns = scope.visible(user, OrgNode).filter(kind__in=[Kind.TOWN, Kind.MEMBER_UNIT]).values_list("path", flat=True)
    for path in towns[:200]:
        out[path]
    names = _town_names(out)
    rows: list[dict[str, Any]] = [{"name": names.get(p, "县本级"), **v} for p, v in sorted(out.items())]
    if rows:
        rows.append({"name": "合计", **{k: sum(int(r[k]) for r in rows) for k in PARTY_KEYS}, "is_total": True})
    return rows


def safety_totals(sessions: QuerySet[SafetySession]) -> dict[str, int]:
    """Sessions, trainees (registered + counted, never the same person twice in a session) and
    materials of a set of sessions."""
    agg = sessions.aggregate(n=Count("id"), counted=Sum("trainees"), materials=Sum("materials"))
    registered = SafetyTrainee.objects.filter(session__in=sessions.values("pk")).count()
    counted = int(agg["counted"] or 0)
    return {
        "n": agg["n"],
        "registered": registered,
        "counted": counted,
        "people": registered + counted,
        "materials": int(agg["materials"] or 0),
    }


def with_registered(sessions: QuerySet[SafetySession]) -> QuerySet[SafetySession]:
    """Sessions with `n_registered`, their registry trainees (a subquery: no join multiplies)."""
    count = (
        SafetyTrainee.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(c=Count("id"))
        .values("c")
    )
    return sessions.annotate(n_registered=Coalesce(Subquery(count), 0))


def campaigns_with_totals(user: Any) -> QuerySet[SafetyCampaign]:
    """Safety campaigns with their sessions and trainees (registered + counted), by subqueries."""
    sessions = SafetySession.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
    registered = SafetyTrainee.objects.filter(session__campaign=OuterRef("pk")).order_by().values("session__campaign")
    return (
        scope.visible(user, SafetyCampaign)
        .select_related("org")
        .annotate(
            n=Coalesce(Subquery(sessions.annotate(c=Count("id")).values("c")), 0),
            counted=Coalesce(Subquery(sessions.annotate(c=Sum("trainees")).values("c")), 0),
            registered=Coalesce(Subquery(registered.annotate(c=Count("id")).values("c")), 0),
        )
        .annotate(people=F("counted") + F("registered"))
    )


def circulated(user: Any) -> QuerySet[Round]:
    return scope.visible(user, Round).filter(status=RoundStatus.CIRCULATED)
