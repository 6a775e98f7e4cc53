"""What each URL allows each persona: the table the URL-by-role walk checks.

Every URL pattern of the platform must have a `Case` in one app's `tests/<app>/urls_matrix.py`
(`MATRIX = {"app:name": Case(...)}`); a new view without one fails the walk. A case names the
personas that may open the URL and, for URLs with arguments, how to build them from the test
tree — pointing at the **outsider's** objects (恒辉编织, 杨屯镇) wherever the URL takes an
object, so every persona whose scope excludes them must get 403 or 404.

Ids inside requests are walked too: every persona that may open a URL but does not see the
outsider sends the outsider's ids (`foreign_ids`, plus the case's own `foreign` data) in the query
string and, for views that take a POST, in the form body; nothing of the outsider may be listed,
created or changed (`outsider_footprint` before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_PERSONAS = frozenset(
    {"sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor", "security", "worker"}
)
# Personas whose scope covers the outsider's enterprise (恒辉编织).
SEES_OUTSIDER = frozenset({"sysadmin", "county", "auditor", "outsider"})


@dataclass(frozen=True)
class Case:
    # Personas that get 200 on GET (or on POST for post-only URLs): every other persona must get 403/404.
    ok: frozenset[str]
    # URL kwargs from (tree, personas); default: none.
    kwargs: Callable[[Any, dict[str, Any]], dict[str, Any]] = field(default=lambda t, p: {})
    # HTTP methods the view accepts; any other gets 405.
    methods: frozenset[str] = frozenset({"GET"})
    # Open to anonymous visitors (the login page, health check).
    public: bool = False
    # Status codes that count as success for `ok` personas (a POST usually redirects).
    success: frozenset[int] = frozenset({200})
    # POST data for post-only URLs.
    data: Callable[[Any, dict[str, Any]], dict[str, Any]] = field(default=lambda t, p: {})
    # A REST API endpoint: called with the persona's bearer token instead of a session
    # (anonymous → 401; a persona without the API permission → 401 as well).
    api: bool = False
    # Form data naming the outsider's objects that would otherwise be valid (for GET+POST views
    # whose fields take ids): merged over `foreign_ids` and `data` in the foreign-id walk.
    foreign: Callable[[Any, dict[str, Any]], dict[str, Any]] = field(default=lambda t, p: {})


def ok(*names: str) -> frozenset[str]:
    return frozenset(names)


# Form and query names that carry an id, and the outsider's object each gets.
_ORG_FIELDS = (
    "unit", "org", "parent", "under", "node", "enterprise", "collective", "target", "root", "town",
    "lead_unit", "co_units", "units", "unit_org",
)  # fmt: skip
_UNION_FIELDS = ("union", "to_union", "from_union", "team")
_MEMBER_FIELDS = ("person", "member", "holder")
_USER_FIELDS = ("user", "actor", "assignee", "owner")


def foreign_ids(tree: Any, personas: dict[str, Any]) -> dict[str, Any]:
    """The outsider's ids under every field name that takes one: a 恒辉 member, its union, its
    enterprise, the outsider's user."""
    from gefeng.members.models import Member

    member = Member.objects.filter(union=tree.henghui_union).first()
    if member is None:
        from tests.members.urls_matrix import _member

        member = Member.objects.get(pk=_member(tree, personas)["pk"])
    out: dict[str, Any] = {}
    out |= dict.fromkeys(_ORG_FIELDS, tree.henghui.pk)
    out |= dict.fromkeys(_UNION_FIELDS, tree.henghui_union.pk)
    out |= dict.fromkeys(_MEMBER_FIELDS, member.pk)
    out |= dict.fromkeys(_USER_FIELDS, personas["outsider"].pk)
    return out


def outsider_footprint(tree: Any, persona: Any = None) -> dict[str, list[Any]]:
    """Every scoped row hanging at or under 杨屯镇 (the outsider's town) that `persona` does not
    see, all columns: equal before and after a request means nothing of the outsider's was
    created, changed or moved by it. (Rows the persona sees are its own business: the security
    administrator manages every account, the outsider's too.)"""
    from gefeng.core import scope

    out: dict[str, list[Any]] = {}
    for model in scope.registered_models():
        rule = scope.rule_for(model)
        if rule is None or rule.org is None:
            continue
        qs = model._default_manager.filter(scope.subtree_q(rule.org, tree.yangtun.path)).order_by("pk")
        if persona is not None:
            qs = qs.exclude(pk__in=scope.visible(persona, model).values("pk"))
        out[model._meta.label] = [repr(sorted(row.items())) for row in qs.values()]
    return out
