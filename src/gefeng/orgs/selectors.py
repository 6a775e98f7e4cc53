"""Reads of the organisation tree, always through the actor's data scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from gefeng.core import scope
from gefeng.orgs.models import ALLOWED_CHILDREN, Kind, OrgNode, OrgNodeQuerySet

SORTS = {
    "path": ("path",),
    "name": ("name", "path"),
    "-name": ("-name", "-path"),
    "code": ("code", "path"),
    "-employees": ("-employee_count", "path"),
    "employees": ("employee_count", "path"),
    "-updated": ("-updated_at", "-id"),
}


def visible_nodes(actor: Any) -> OrgNodeQuerySet:
    return scope.visible(actor, OrgNode)  # type: ignore[return-value]


def roots_for(actor: Any) -> list[OrgNode]:
    """The top nodes of what the actor may see: the tree page starts from these."""
    if scope.visible(actor, OrgNode).filter(parent__isnull=True).exists():
        return list(visible_nodes(actor).filter(parent__isnull=True).order_by("path"))
    org = getattr(actor, "org", None)
    if org is not None and visible_nodes(actor).filter(pk=org.pk).exists():
        return [org]
    return []


def children(actor: Any, node: OrgNode, *, offset: int = 0, limit: int = 200) -> tuple[list[OrgNode], bool]:
    """One page of a node's children, and whether more follow (no COUNT of the whole level)."""
    rows = list(visible_nodes(actor).filter(parent=node).order_by("path")[offset : offset + limit + 1])
    mark_has_children(actor, rows[:limit])
    return rows[:limit], len(rows) > limit


def mark_has_children(actor: Any, nodes: list[OrgNode]) -> list[OrgNode]:
    """Set `has_children` on each node: whether the actor sees at least one child (one query)."""
    parents = set(
        visible_nodes(actor)
        .filter(parent__in=[n.pk for n in nodes])
        .order_by()  # the default ordering by path would join the DISTINCT and force a sort
        .values_list("parent_id", flat=True)
        .distinct()
    )
    for n in nodes:
        n.has_children = n.pk in parents  # type: ignore[attr-defined]
    return nodes


def visible_ancestors(actor: Any, node: OrgNode) -> list[OrgNode]:
    """The node's ancestors the actor may see, root first (breadcrumbs without leaking names)."""
    return list(visible_nodes(actor).filter(pk__in=node.ancestors().values("pk")).order_by("path"))


@dataclass
class NodeFilters:
    q: str = ""
    kind: str = ""
    industry: str = ""
    ownership: str = ""
    under: int | None = None
    status: str = ""  # "", "open", "closed"
    sort: str = "path"


def node_list(actor: Any, filters: NodeFilters) -> OrgNodeQuerySet:
    qs = visible_nodes(actor)
    if filters.under:
        base = qs.filter(pk=filters.under).first()
        qs = qs.subtree_of(base) if base else qs.none()
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
    if filters.kind in Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    today = dt.date.today()
    if filters.status == "open":
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
    elif filters.status == "closed":
        qs = qs.filter(valid_to__lte=today)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["path"]))


def scope_counts(actor: Any, day: dt.date | None = None) -> dict[str, int]:
    """Counts of units in the actor's scope for the home page (live nodes only)."""
    day = day or dt.date.today()
    qs = visible_nodes(actor).valid_on(day)
    return {
        "towns": qs.filter(kind=Kind.TOWN).count(),
        "member_units": qs.filter(kind=Kind.MEMBER_UNIT).count(),
        "enterprises": qs.filter(kind=Kind.ENTERPRISE).count(),
        "unions": qs.filter(kind=Kind.UNION).count(),
        "teams": qs.filter(kind=Kind.TEAM).count(),
    }


def counts_at(root: OrgNode, day: dt.date) -> dict[str, int]:
    """Counts of live nodes under `root` on `day` (figures; the caller checked the scope)."""
    qs = OrgNode.objects.subtree_of(root).valid_on(day)
    return {
        "member_units": qs.filter(kind=Kind.MEMBER_UNIT).count(),
        "enterprises": qs.filter(kind=Kind.ENTERPRISE).count(),
        "unions": qs.filter(kind=Kind.UNION).count(),
    }


def search_nodes(actor: Any, term: str, *, limit: int = 20) -> list[OrgNode]:
    term = term.strip()
    if not term:
        return []
    return list(
        visible_nodes(actor)
        .filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
        .order_by("depth", "path")[:limit]
    )


def parent_kinds_for(kind: str) -> set[str]:
    """The kinds of node a node of `kind` may hang under."""
    return {parent for parent, allowed in ALLOWED_CHILDREN.items() if kind in allowed}


def move_targets(actor: Any, node: OrgNode, term: str, *, limit: int = 20) -> list[OrgNode]:
    """Nodes `node` could be moved under: the actor may change them, their kind accepts the node's
    kind, and they are not the node itself or one of its descendants."""
    term = term.strip()
    if not term:
        return []
    return list(
        scope.permitted(actor, OrgNode, "orgs.change")
        .filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
        .filter(kind__in=parent_kinds_for(node.kind))
        .exclude(scope.subtree_q("", node.path))
        .order_by("depth", "path")[:limit]
    )
