"""Reads of 民主管理, each starting from `core.scope` (visible / permitted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from gefeng.core import scope
from gefeng.democracy import rules
from gefeng.democracy.models import (
    Congress,
    DisclosureItem,
    Meeting,
    MeetingStatus,
    Motion,
    Proposal,
    ProposalStatus,
    Representative,
    RepStatus,
)
from gefeng.democracy.services._common import MANAGE, VOTE, today


def congresses(user: Any, *, q: str = "", kind: str = "", active_only: bool = True) -> QuerySet[Congress]:
    qs = scope.visible(user, Congress).select_related("org")
    if active_only:
        qs = qs.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(org__name__contains=q))
    return qs.annotate(
        seats=Count("representatives", filter=Q(representatives__status=RepStatus.ACTIVE), distinct=True)
    ).order_by("org__path", "-session")


def manageable_orgs(user: Any) -> QuerySet[Any]:
    """Enterprises (and towns, for a 区域 congress) the user may form a congress for."""
    from gefeng.orgs.models import Kind, OrgNode

    return (
        scope.permitted(user, OrgNode, MANAGE)
        .filter(kind__in=[Kind.ENTERPRISE, Kind.TOWN], valid_to__isnull=True)
        .order_by("path")
    )


def representatives(user: Any, congress: Congress, *, status: str = "") -> QuerySet[Representative]:
    qs = scope.visible(user, Representative).filter(congress=congress).select_related("constituency")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "constituency_id", "id")


def meetings(user: Any, congress: Congress, *, year: int | None = None) -> QuerySet[Meeting]:
    qs = scope.visible(user, Meeting).filter(congress=congress)
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(n_motions=Count("motions")).order_by("date", "id")


def calendar(user: Any, congress: Congress, year: int) -> list[dict[str, Any]]:
    """Twelve months, each with its meetings (held, planned, cancelled)."""
    months: list[dict[str, Any]] = [{"month": m, "meetings": []} for m in range(1, 13)]
    for meeting in meetings(user, congress, year=year):
        months[meeting.date.month - 1]["meetings"].append(meeting)
    return months


def motions(user: Any, meeting: Meeting) -> QuerySet[Motion]:
    return scope.visible(user, Motion).filter(meeting=meeting).prefetch_related("options").order_by("order", "id")


def proposals(user: Any, *, status: str = "", overdue: bool = False, congress: Congress | None = None):
    qs = scope.visible(user, Proposal).select_related("congress", "congress__org", "proposer", "meeting")
    if congress is not None:
        qs = qs.filter(congress=congress)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=ProposalStatus.ASSIGNED, deadline__lt=today())
    return qs.annotate(n_cosigners=Count("cosigners")).order_by("-submitted_on", "-id")


def proposal_stats(user: Any, congress: Congress) -> list[dict[str, Any]]:
    """Proposals per meeting by state (the statistics of each congress session)."""
    rows = (
        scope.visible(user, Proposal)
        .filter(congress=congress)
        .values("meeting__title", "status")
        .annotate(n=Count("id"))
        .order_by("meeting__title")
    )
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row["meeting__title"] or "闭会期间"
        entry = out.setdefault(key, {"meeting": key, "total": 0})
        entry[row["status"]] = row["n"]
        entry["total"] += row["n"]
    return list(out.values())


def disclosures(user: Any, *, category: str = "", org_id: int | None = None) -> QuerySet[DisclosureItem]:
    qs = scope.visible(user, DisclosureItem).select_related("org")
    if category:
        qs = qs.filter(category=category)
    if org_id:
        qs = qs.filter(org_id=org_id)
    return qs.order_by("-published_on", "-id")


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def intervals(congress: Congress) -> dict[str, int]:
    """Each category's interval in months: the congress's setting or the default."""
    own = congress.disclosure_months or {}
    return {k: int(own.get(k, months)) for k, (_label, months) in rules.DISCLOSURE_CATEGORIES.items()}


def disclosure_gaps(congress_rows: list[Congress], *, on: dt.date | None = None) -> dict[int, list[dict[str, Any]]]:
    """For each congress's enterprise: the categories due (never disclosed, or the interval
    since the last publication passed), from one grouped query."""
    on = on or today()
    orgs = [c.org_id for c in congress_rows]
    last: dict[tuple[int, str], dt.date] = {}
    for row in (
        DisclosureItem.objects.filter(org_id__in=orgs, published_on__lte=on)
        .values("org_id", "category")
        .annotate(last=Max("published_on"))
    ):
        last[(row["org_id"], row["category"])] = row["last"]
    out: dict[int, list[dict[str, Any]]] = {}
    for c in congress_rows:
        gaps = []
        for key, months in intervals(c).items():
            when = last.get((c.org_id, key))
            due = add_months(when, months) if when else None
            if when is None or due is None or due < on:
                gaps.append({"category": key, "label": rules.DISCLOSURE_CATEGORIES[key][0], "last": when, "due": due})
        out[c.pk] = gaps
    return out


def own_seats(user: Any) -> QuerySet[Representative]:
    return (
        scope.permitted(user, Representative, VOTE)
        .filter(status=RepStatus.ACTIVE)
        .select_related("congress", "congress__org")
    )


def worker_meetings(user: Any) -> QuerySet[Meeting]:
    congress_ids = own_seats(user).values("congress_id")
    return (
        Meeting.objects.filter(congress_id__in=congress_ids)
        .exclude(status__in=[MeetingStatus.PLANNED, MeetingStatus.CANCELLED])
        .order_by("-date", "-id")
    )


def worker_enterprises(user: Any) -> list[int]:
    """The enterprise of the worker's own registry record (reached through the registry's scope)."""
    from gefeng.members.models import Member

    row = scope.visible(user, Member).values_list("enterprise_id", "union__parent_id").first()
    if row is None:
        return []
    return [i for i in row if i]


def worker_disclosures(user: Any) -> QuerySet[DisclosureItem]:
    return DisclosureItem.objects.filter(org_id__in=worker_enterprises(user), published_on__lte=today()).order_by(
        "-published_on", "-id"
    )
