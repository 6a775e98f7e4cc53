"""Reads for 选树表彰, always within the actor's scope.

A campaign hangs on its organising node (the county). Units below it (towns, systems,
enterprises) reach an open campaign through `campaign_for`, which adds the campaigns organised
above them to what `scope.visible` gives — they see its awards, their allocation and their own
nominations, never other units' nominations (those hang on the nominating unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gefeng.core import actors, scope
from gefeng.honours.compliance import Report, evaluate, person_rule_errors
from gefeng.honours.models import (
    LIVE_STATUSES,
    Allocation,
    Campaign,
    CampaignStatus,
    Honour,
    HonourKind,
    Level,
    Nomination,
    NominationStatus,
    Objection,
)
from gefeng.members.models import Member
from gefeng.members.models import Status as MemberStatus
from gefeng.members.selectors import search_in as search_members
from gefeng.orgs.models import SEGMENT, Kind, OrgNode

PICK_LIMIT = 20


def _ancestor_paths(node: OrgNode | None) -> list[str]:
    if node is None:
        return []
    return [node.path[:i] for i in range(SEGMENT, len(node.path) + 1, SEGMENT)]


def campaigns_open_to(actor: Any) -> QuerySet[Campaign]:
    """Campaigns organised at or above the actor's node, once they take nominations, for units
    that may nominate (towns, systems, enterprises)."""
    if not scope.has_perm(actor, "honours.nominate") or getattr(actor, "org", None) is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(org__path__in=_ancestor_paths(actor.org)).exclude(
        status__in=[CampaignStatus.DRAFT, CampaignStatus.CANCELLED]
    )


def campaign_list(actor: Any) -> QuerySet[Campaign]:
    visible = scope.visible(actor, Campaign)
    opened = campaigns_open_to(actor)
    return (
        Campaign.objects.filter(Q(pk__in=visible.order_by().values("pk")) | Q(pk__in=opened.order_by().values("pk")))
        .select_related("org")
        .order_by("-year", "-id")
    )


def campaign_for(actor: Any, pk: int) -> Campaign:
    """The campaign for a page: organised in the actor's scope, or open to the actor's unit."""
    campaign = scope.visible(actor, Campaign).filter(pk=pk).select_related("org").first()
    if campaign is None:
        campaign = campaigns_open_to(actor).filter(pk=pk).select_related("org").first()
    if campaign is None:
        raise Http404
    return campaign


def manages(actor: Any, campaign: Campaign) -> bool:
    return scope.can(actor, campaign, "honours.manage")


def nominations(actor: Any, campaign: Campaign | None = None) -> QuerySet[Nomination]:
    qs = scope.visible(actor, Nomination).select_related("unit", "award", "campaign", "org")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


@dataclass
class NominationFilters:
    status: str = ""
    award: int | None = None
    q: str = ""


def nomination_list(actor: Any, campaign: Campaign, filters: NominationFilters) -> QuerySet[Nomination]:
    qs = nominations(actor, campaign)
    if filters.status == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif filters.status in NominationStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.award:
        qs = qs.filter(award_id=filters.award)
    if filters.q:
        qs = qs.filter(Q(name__startswith=filters.q) | Q(unit_name__startswith=filters.q))
    return qs.order_by("award__order", "status", "id")


def to_review(actor: Any, campaign: Campaign) -> QuerySet[Nomination]:
    """What waits for this actor's decision: the town step (honours.review) or the county step."""
    town = scope.permitted(actor, Nomination, "honours.review").filter(campaign=campaign, status=NominationStatus.TOWN)
    county = scope.permitted(actor, Nomination, "honours.manage").filter(
        campaign=campaign, status=NominationStatus.COUNTY
    )
    return (town | county).select_related("unit", "award").order_by("award__order", "id")


def status_counts(actor: Any, campaign: Campaign) -> dict[str, int]:
    rows = nominations(actor, campaign).order_by().values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def compliance(actor: Any, campaign: Campaign, *, basis: str = "") -> tuple[str, Report]:
    """Quota use and every rule, computed live over the nominations the actor sees: the
    shortlist (入围) once the notice starts, otherwise every nomination still in the running."""
    if basis not in ("shortlist", "live"):
        basis = "shortlist" if campaign.status in (CampaignStatus.NOTICE, CampaignStatus.DECIDED) else "live"
    statuses = [NominationStatus.SHORTLISTED, NominationStatus.AWARDED] if basis == "shortlist" else list(LIVE_STATUSES)
    rows = list(nominations(actor, campaign).filter(status__in=statuses).order_by("award__order", "id"))
    return basis, evaluate(campaign, rows, allocations=allocations(actor, campaign))


def allocations(actor: Any, campaign: Campaign) -> list[Allocation]:
    """The campaign's quota allocations the actor may see: the organiser all of them, a town or
    system its own (the scope rule of Allocation hangs each on the unit given the places)."""
    qs = scope.visible(actor, Allocation).filter(campaign=campaign).select_related("org", "award")
    return list(qs.order_by("award__order", "org__path"))


def nominating_units(actor: Any, campaign: Campaign) -> QuerySet[OrgNode]:
    """Nodes the actor may nominate for (its own node and, for towns and the county, the
    enterprises, towns and systems below)."""
    kinds = [Kind.COUNTY, Kind.TOWN, Kind.MEMBER_UNIT, Kind.ENTERPRISE]
    return (
        scope.permitted(actor, OrgNode, "honours.nominate")
        .filter(scope.subtree_q("", campaign.org.path), kind__in=kinds)
        .order_by("path")
    )


COLLECTIVE_KINDS = (Kind.ENTERPRISE, Kind.UNION, Kind.TEAM)


def nominable_people(actor: Any, unit: OrgNode) -> QuerySet[Member]:
    """Members of unions under `unit` whom the actor may put forward: rows it sees in the
    registry (members.view) and may nominate (honours.nominate) in its own scope. A unit being
    the actor's does not open the registry below it: a 本级 liaison without members.view reaches
    nobody. The system (inside a service that accepts it) reaches everyone under `unit`."""
    qs = Member.objects.filter(scope.subtree_q("union__", unit.path))
    if actors.is_system(actor):
        return qs
    return scope.permitted(actor, scope.visible(actor, qs), "honours.nominate")


def nominable_collectives(actor: Any, unit: OrgNode) -> QuerySet[OrgNode]:
    """Enterprises, unions and teams at or under `unit` that the actor sees and may nominate."""
    qs = OrgNode.objects.filter(scope.subtree_q("", unit.path), kind__in=COLLECTIVE_KINDS)
    if actors.is_system(actor):
        return qs
    return scope.permitted(actor, scope.visible(actor, qs), "honours.nominate")


def pick_people(actor: Any, unit: OrgNode, term: str) -> list[Member]:
    """Members the actor may nominate for `unit` (`nominable_people`), found by name, pinyin, ID
    number or card number (the registry's own search)."""
    if not scope.can(actor, unit, "honours.nominate") or not term.strip():
        return []
    qs = nominable_people(actor, unit).filter(status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED])
    return list(search_members(qs, term).select_related("union", "enterprise").order_by("name", "id")[:PICK_LIMIT])


def pick_collectives(actor: Any, unit: OrgNode, term: str) -> list[OrgNode]:
    if not scope.can(actor, unit, "honours.nominate"):
        return []
    qs = nominable_collectives(actor, unit)
    text = term.strip()
    if text:
        qs = qs.filter(Q(name__startswith=text) | Q(short_name__startswith=text) | Q(name__contains=text))
    return list(qs.order_by("path")[:PICK_LIMIT])


def person_problems(nomination: Nomination) -> list[str]:
    """The per-person rules a nomination breaks now (exclusions, repeats, prior honours)."""
    return person_rule_errors(nomination.campaign, nomination.award, nomination)


def objections(actor: Any, campaign: Campaign) -> QuerySet[Objection]:
    return scope.visible(actor, Objection).filter(campaign=campaign).select_related("nomination")


def public_campaign(token: str) -> Campaign:
    """The campaign behind a public notice link (no login): in notice or decided, by token only."""
    if not token or len(token) < 20:
        raise Http404
    campaign = (
        Campaign.objects.filter(notice_token=token, status__in=[CampaignStatus.NOTICE, CampaignStatus.DECIDED])
        .exclude(notice_token="")
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def public_rows(campaign: Campaign) -> list[dict[str, Any]]:
    """Only what a notice must show: award, name, unit, post — nothing else personal."""
    statuses = [NominationStatus.SHORTLISTED]
    if campaign.status == CampaignStatus.DECIDED:
        statuses.append(NominationStatus.AWARDED)
    rows = (
        Nomination.objects.filter(campaign=campaign, status__in=statuses)
        .select_related("award")
        .order_by("award__order", "id")
        .values("pk", "award__title", "name", "unit_name", "post")
    )
    return [
        {"pk": r["pk"], "award": r["award__title"], "name": r["name"], "unit": r["unit_name"], "post": r["post"]}
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# The register


@dataclass
class HonourFilters:
    q: str = ""
    kind: str = ""
    level: str = ""
    year: int | None = None
    campaign: int | None = None


def honour_list(actor: Any, filters: HonourFilters) -> QuerySet[Honour]:
    qs = scope.visible(actor, Honour).select_related("org", "person", "campaign")
    if filters.kind in HonourKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.level in Level.values:
        qs = qs.filter(level=filters.level)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.q:
        qs = qs.filter(Q(name__startswith=filters.q) | Q(title__contains=filters.q))
    return qs.order_by("-year", "kind", "id")


# ---------------------------------------------------------------------------------------------
# Figures


def awarded_counts(root: OrgNode, year: int) -> dict[str, int]:
    """Honours conferred in `year` (any level), not revoked, held in `root`'s subtree, by kind."""
    rows = (
        Honour.objects.filter(scope.subtree_q("org__", root.path), year=year, revoked_on__isnull=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {r["kind"]: r["n"] for r in rows}
    return {str(label): counts[value] for value, label in HonourKind.choices if counts.get(value)}


def frontline_share(root: OrgNode, year: int) -> float:
    """Share of the labour models conferred in `year` who are 一线工人 or 技术人员: the 岗位类别
    recorded on their nomination when they were honoured, else the registry's current one."""
    base = Honour.objects.filter(
        scope.subtree_q("org__", root.path),
        year=year,
        kind=HonourKind.LABOUR_MODEL,
        revoked_on__isnull=True,
        person__isnull=False,
    )
    total = base.count()
    if not total:
        return 0.0
    kinds = ["一线工人", "技术人员"]
    front = base.filter(
        Q(nomination__isnull=False, nomination__job_category__in=kinds)
        | Q(nomination__isnull=True, person__job_category__in=kinds)
    ).count()
    return round(front / total, 3)
