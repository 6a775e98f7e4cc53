"""Reads of the registry, always within the actor's scope.

Search by name substring is a prefix range on one of three indexed columns (the name, the name
from its 2nd character, from its 3rd), by pinyin (`zhangsan`) or initials (`zs`) a prefix range
on their columns; the database answers the OR of the ranges from the indexes. By ID number or
phone it is an exact match on the keyed blind index; by the last 4–6 characters of an ID number
an exact match on that tail's keyed hash (`members.idtail`); by card number an exact match.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from gefeng.core import pii, scope
from gefeng.core.validators import clean_text, normalize_id_number
from gefeng.members import idtail
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


# A name, pinyin or initials search is the OR of prefix ranges on indexed columns ("branches"):
# the name itself, the name from its 2nd and from its 3rd character; the pinyin, the initials.
# Its results come in relevance order: the first branch's matches (names starting with the text,
# in name order), then the next branch's matches not already listed (in the order of that
# column, then name), and so on. Each branch is one index range read in index order, so a page
# needs only `LIMIT offset + size + 1` rows of each branch it reaches — a common surname such as
# 张 (77,000 people at 10⁶) gives its first page as fast as a rare one.
NAME_BRANCHES = ("name", "name_tail1", "name_tail2")
LATIN_BRANCHES = ("pinyin", "initials")


def _search_branches(term: str) -> tuple[str, list[tuple[str, Q]]] | None:
    """("name"/"latin", [(column, prefix range)…]) for a text search, None for an exact one."""
    text = clean_text(term)
    if not text or _ID_LIKE.match(text) or _PHONE_LIKE.match(text) or idtail.TAIL_LIKE.match(text):
        return None
    if text.isdigit() or (len(text) > 8 and text.isalnum() and not _LATIN.match(text.lower())):
        return None
    if _LATIN.match(text.lower()):
        key = text.lower().replace("v", "u")
        return "latin", [(column, _prefix(column, key)) for column in LATIN_BRANCHES]
    return "name", [(column, _prefix(column, text)) for column in NAME_BRANCHES]


def search_in(qs: QuerySet[Member], term: str) -> QuerySet[Member]:
    """Narrow an already scoped queryset of members by a search term (name, pinyin, ID number,
    phone or card number), for other modules' pickers; the caller decides the scope."""
    return _search(qs, term)


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
    tail = idtail.column_for(text)
    if tail is not None:
        # The last 4–6 characters of an ID number (what masked lists show), or a card number.
        column, digest = tail
        found = Q(**{column: digest})
        if text.isdigit():
            found |= Q(card_number=text) & ~Q(card_number="")
        return _matching(qs, found)
    if text.isdigit() or (len(text) > 8 and text.isalnum() and not _LATIN.match(text.lower())):
        # The card number's unique index is partial (non-empty numbers); SQLite uses it only when
        # the query repeats its condition.
        return qs.filter(card_number=text).exclude(card_number="")
    branches = _search_branches(text)
    assert branches is not None
    ranges = Q()
    for _column, q in branches[1]:
        ranges |= q
    return _matching(qs, ranges)


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


def _relevance(branches: list[tuple[str, Q]]) -> list[Any]:
    """The ORDER BY of a text search's whole result (exports, iteration): as the pages have it."""
    rank = Case(*(When(q, then=Value(i)) for i, (_c, q) in enumerate(branches)), default=Value(len(branches)))
    key = Case(*(When(q, then=F(column)) for column, q in branches), default=Value(""))
    return [rank, key, "name", "id"]


class MemberSearch(QuerySet[Member]):
    """The result of a name, pinyin or initials search in relevance order, page-aware.

    Slicing it (`qs[offset:offset + size + 1]`, what `core.pagination.paginate` does) runs one
    query per branch it reaches, each `ORDER BY <branch column>, name, id LIMIT n` on that
    column's index, and returns the rows as a list. Anything else (iteration, `.iterator()` for
    exports, `.count()`) runs the whole query with the same order. Filtering or re-ordering it
    gives a plain queryset again."""

    _search_base: QuerySet[Member] | None = None
    _search_branches: list[tuple[str, Q]] = []

    def _clone(self):
        clone = super()._clone()
        clone._search_base = self._search_base
        clone._search_branches = self._search_branches
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone._search_base = None  # the pages would not know the new condition
        return clone

    def order_by(self, *field_names):
        clone = super().order_by(*field_names)
        clone._search_base = None
        return clone

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and self._search_base is not None
            and k.stop is not None
            and k.step is None
            and self._result_cache is None
            and (k.start or 0) >= 0
            and k.stop >= (k.start or 0)
        ):
            return page_rows(self._search_base, self._search_branches, k.start or 0, k.stop, self.query)
        return super().__getitem__(k)


def page_rows(
    base: QuerySet[Member], branches: list[tuple[str, Q]], start: int, stop: int, like: Any = None
) -> list[Member]:
    """Rows [start, stop) of a text search in relevance order (see `MemberSearch`)."""
    rows: list[Member] = []
    earlier = Q()
    for column, q in branches:
        wanted = stop - len(rows)
        if wanted <= 0:
            break
        # The name branch pages off the (status, name) index in order on both databases. The
        # others (name tails, pinyin, initials) go through `_matching`: SQLite, which cannot
        # estimate a range without STAT4, otherwise walks every active member in scope (1.9 s
        # for 志远 at 10⁶) instead of the few thousand found by the range.
        qs = base.filter(q) if column == "name" else _matching(base, q)
        if earlier:
            qs = qs.exclude(earlier)  # listed by an earlier branch already
        if like is not None:
            qs.query.select_related = like.select_related
        order = (column, "id") if column == "name" else (column, "name", "id")
        found = list(qs.order_by(*order)[:wanted])
        rows.extend(found)
        if len(found) == wanted:
            break
        earlier |= q
    return rows[start:stop]


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
    search = _search_branches(filters.q)
    if search is not None and filters.sort in ("", "name") and not qs.query.is_empty():
        branches = search[1]
        found = _search(qs, filters.q).order_by(*_relevance(branches))
        paged = MemberSearch(model=Member, query=found.query.chain(), using=found.db)
        paged._search_base = qs
        paged._search_branches = branches
        return paged
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
    The members are `EnterpriseTally`'s, kept by the writes (`members.tally`).

    Annotated queryset (members, rate); the caller paginates."""
    qs = scope.visible(actor, OrgNode).filter(kind=Kind.ENTERPRISE, valid_to__isnull=True)
    if under is not None:
        qs = qs.filter(scope.subtree_q("", under.path))
    # The count kept by `members.tally` (one row per enterprise), not a count over the registry.
    return qs.annotate(members=Coalesce(F("member_tally__active"), 0))


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


# The history kinds that put a member into 在会 at a union; the others take them out of it
# (转出, 保留会籍, 退会) or change nothing (信息变更).
_ENTERS = (EventKind.JOIN, EventKind.TRANSFER_IN, EventKind.RESTORE)


def members_on(root: OrgNode, day: dt.date) -> int:
    """Members in 在会 status on `day`, each counted at the union that held them on that day.

    Read from the membership history, not the registry's current state: a member who moved to
    another town after `day`, or left, or was retained, still counts where they were. A member
    is in 在会 at union U on `day` when their last history entry on or before `day` (other than
    信息变更; same-day entries in the order written: 转出 before 转入) is 入会, 转入 or 恢复会籍 at U."""
    later = (
        MembershipEvent.objects.filter(member=OuterRef("member"), on__lte=day)
        .exclude(kind=EventKind.UPDATE)
        .filter(Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk")))
    )
    return (
        MembershipEvent.objects.filter(scope.subtree_q("union__", root.path), on__lte=day, kind__in=_ENTERS)
        .exclude(Exists(later))
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
