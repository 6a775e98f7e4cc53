"""Reads of the registry, always within the actor's scope.

Search by name substring is a prefix range on one of three indexed columns (the name, the name
from its 2nd character, from its 3rd), by pinyin (`zhangsan`) or initials (`zs`) a prefix range
on their columns; the database answers the OR of the ranges from the indexes. By ID number or
phone it is an exact match on the keyed blind index; by card number an exact match.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gefeng.core import pii, scope
from gefeng.core.validators import clean_text, normalize_id_number
from gefeng.members.models import EventKind, Member, MembershipEvent, Status
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import visible_nodes

SORTS = {
    "name": ("name", "id"),
    "-joined": ("-joined_on", "-id"),
    "joined": ("joined_on", "id"),
    "-birth": ("-birth_date", "-id"),
    "birth": ("birth_date", "id"),
    "-id": ("-id",),
}
AGE_BANDS = {"<=35": (0, 35), "36-45": (36, 45), "46-55": (46, 55), ">=56": (56, 200)}
_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")
_LATIN = re.compile(r"^[a-z]+$")


@dataclass
class MemberFilters:
    q: str = ""
    under: int | None = None  # an org node pk: members of unions in its subtree
    status: str = Status.ACTIVE
    job_category: str = ""
    new_form_group: str = ""
    skill_level: str = ""
    age_band: str = ""
    sex: str = ""
    industrial: str = ""  # "", "1", "0"
    migrant: str = ""
    sort: str = "name"
    today: dt.date = field(default_factory=dt.date.today)


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _search(qs: QuerySet[Member], term: str) -> QuerySet[Member]:
    text = clean_text(term)
    if not text:
        return qs
    if _ID_LIKE.match(text):
        try:
            text = normalize_id_number(text)
        except ValidationError:  # an invalid number simply finds nobody
            return qs.none()
        return qs.filter(id_hash=pii.blind_index(text))
    if _PHONE_LIKE.match(text):
        return qs.filter(phone_hash=pii.blind_index(text))
    if text.isdigit() or (len(text) > 8 and text.isalnum() and not _LATIN.match(text.lower())):
        # The card number's unique index is partial (non-empty numbers); SQLite uses it only when
        # the query repeats its condition.
        return qs.filter(card_number=text).exclude(card_number="")
    if _LATIN.match(text.lower()):
        key = text.lower().replace("v", "u")
        return _matching(qs, _prefix("pinyin", key) | _prefix("initials", key))
    return _matching(qs, _prefix("name", text) | _prefix("name_tail1", text) | _prefix("name_tail2", text))


def _matching(qs: QuerySet[Member], ranges: Q) -> QuerySet[Member]:
    """Members matching an OR of index ranges.

    On SQLite the ranges go into a subquery (`id IN (SELECT id … WHERE ranges)`), answered from
    the indexes, so that the scope, the filters and the sort touch only the rows found: written
    as one WHERE with the scope's join, SQLite walked every member in scope (1.5 s for a name at
    10⁶ members). PostgreSQL plans the plain WHERE better (it flattens the subquery into a
    nested loop probing each row of the ordered scan: 43 → 284 ms for two characters)."""
    if connection.vendor == "sqlite":
        return qs.filter(pk__in=Member.objects.filter(ranges).values("pk"))
    return qs.filter(ranges)


def _prefix(column: str, key: str) -> Q:
    """A prefix match as an index range (LIKE would not use the index on SQLite)."""
    return Q(**{f"{column}__gte": key, f"{column}__lt": _upper(key)})


def member_list(actor: Any, filters: MemberFilters) -> QuerySet[Member]:
    qs = scope.visible(actor, Member).select_related("union", "enterprise")
    if filters.under:
        base = scope.visible(actor, OrgNode).filter(pk=filters.under).first()
        qs = qs.filter(scope.subtree_q("union__", base.path)) if base else qs.none()
    if filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    for name in ("job_category", "new_form_group", "skill_level", "sex"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.industrial in ("0", "1"):
        qs = qs.filter(industrial_worker=filters.industrial == "1")
    if filters.migrant in ("0", "1"):
        qs = qs.filter(migrant=filters.migrant == "1")
    if filters.age_band in AGE_BANDS:
        low, high = AGE_BANDS[filters.age_band]
        t = filters.today
        # age in [low, high] ⇔ born in (t - (high+1) years, t - low years]
        qs = qs.filter(birth_date__gt=_years_before(t, high + 1), birth_date__lte=_years_before(t, low))
    qs = _search(qs, filters.q)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def member_events(actor: Any, member: Member) -> QuerySet[MembershipEvent]:
    return scope.visible(actor, MembershipEvent).filter(member=member).select_related("union", "other_union")


# ---------------------------------------------------------------- coverage (建会入会)


def enterprise_coverage(actor: Any, *, under: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Per enterprise in scope: employees, active members and 入会率 (members ÷ employees).

    Annotated queryset (members, rate); the caller paginates."""
    qs = scope.visible(actor, OrgNode).filter(kind=Kind.ENTERPRISE, valid_to__isnull=True)
    if under is not None:
        qs = qs.filter(scope.subtree_q("", under.path))
    return qs.annotate(
        members=Count("enterprise_members", filter=Q(enterprise_members__status=Status.ACTIVE)),
    )


def union_gap(actor: Any, *, under: OrgNode | None = None, threshold: int = 25, day: dt.date | None = None):
    """建会 gap list: live enterprises with `threshold` (工会法 §11: 25) or more employees and no
    live union among their children."""
    day = day or dt.date.today()
    qs = visible_nodes(actor).filter(kind=Kind.ENTERPRISE, employee_count__gte=threshold).valid_on(day)
    if under is not None:
        qs = qs.filter(scope.subtree_q("", under.path))
    unions = OrgNode.objects.filter(parent=OuterRef("pk"), kind=Kind.UNION).valid_on(day)
    return qs.exclude(Exists(unions)).order_by("-employee_count", "path")


def gap_count(root: OrgNode, day: dt.date, threshold: int = 25) -> int:
    """The same count for a subtree, without a user (figures)."""
    qs = OrgNode.objects.subtree_of(root).filter(kind=Kind.ENTERPRISE, employee_count__gte=threshold).valid_on(day)
    unions = OrgNode.objects.filter(parent=OuterRef("pk"), kind=Kind.UNION).valid_on(day)
    return qs.exclude(Exists(unions)).count()


def joined_between(root: OrgNode, start: dt.date, end: dt.date) -> int:
    """Members who joined (入会, not transfers) in [start, end] at unions of the subtree."""
    return (
        MembershipEvent.objects.filter(kind=EventKind.JOIN, on__gte=start, on__lte=end)
        .filter(scope.subtree_q("union__", root.path))
        .count()
    )


def unions_founded_between(root: OrgNode, start: dt.date, end: dt.date) -> int:
    return (
        OrgNode.objects.subtree_of(root)
        .filter(kind=Kind.UNION)
        .filter(Q(union_founded_on__gte=start, union_founded_on__lte=end))
        .count()
    )


def members_on(root: OrgNode, day: dt.date) -> int:
    """Members in 在会 status on `day`: joined by then and not ended, counted at their union now
    (transfers inside the subtree keep them in; the history rows refine past years)."""
    return (
        Member.objects.filter(scope.subtree_q("union__", root.path), joined_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .exclude(status=Status.RETAINED)
        .count()
    )


def period_counts(actor: Any, start: dt.date, end: dt.date, *, by: str = "town") -> list[dict[str, Any]]:
    """Unions founded and members joined in a period, by town (or industry), within scope."""
    towns = scope.visible(actor, OrgNode).filter(kind=Kind.TOWN).order_by("path")
    if by == "town":
        return [
            {
                "label": t.name,
                "node": t,
                "unions_founded": unions_founded_between(t, start, end),
                "members_joined": joined_between(t, start, end),
            }
            for t in towns[:200]
        ]
    rows = []
    visible_joins = scope.visible(actor, MembershipEvent).filter(kind=EventKind.JOIN, on__gte=start, on__lte=end)
    joined = dict(visible_joins.values_list("member__enterprise__industry").annotate(n=Count("id")).order_by())
    founded = dict(
        scope.visible(actor, OrgNode)
        .filter(kind=Kind.UNION, union_founded_on__gte=start, union_founded_on__lte=end)
        .values_list("parent__industry")
        .annotate(n=Count("id"))
        .order_by()
    )
    from gefeng.orgs.models import Industry

    for code, label in [*Industry.choices, ("", "（未填行业）")]:
        u, m = (
            founded.get(code, 0) + (founded.get(None, 0) if code == "" else 0),
            joined.get(code, 0) + (joined.get(None, 0) if code == "" else 0),
        )
        if u or m:
            rows.append({"label": label, "unions_founded": u, "members_joined": m})
    return rows
