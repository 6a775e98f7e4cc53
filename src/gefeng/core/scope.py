"""The one mechanism that decides what a user may see or change.

Every scoped model declares a rule with `@scope.rule(...)`: how its rows hang on the
organisation tree (`org`) and, for the 本人 scope, which field names their owner (`person`).
A user's roles each carry a data scope — 全部 / 本级及下级 / 本级 / 本人 — and a set of
permissions; the rows a user may act on under a permission are the union over the roles that
grant it. Everything goes through `visible()` / `permitted()`: list pages, object pages, writes
in services, exports, background jobs (which re-load the actor by id) and the API.

It fails closed: a model without a rule, a user without a role, an inactive or anonymous user —
all get an empty queryset. Only the system administrator (`is_superuser`) passes without a
rule, and even then not for the duties kept apart from it (audit, role assignment; 等保 三员分立).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

M = TypeVar("M", bound=models.Model)

ALL = "all"
SUBTREE = "subtree"
NODE = "node"
SELF = "self"

SCOPE_LABELS = {ALL: "全部数据", SUBTREE: "本级及下级", NODE: "本级", SELF: "本人"}

# Permissions the system administrator does not hold by virtue of being superuser (三员分立).
SEPARATED_DUTIES = frozenset({"audit.view", "accounts.roles"})


@dataclass(frozen=True)
class Rule:
    """How rows of a model relate to the tree.

    org:    lookup prefix to the OrgNode a row belongs to: "" for OrgNode itself, "org__" for a
            foreign key named org, None when rows are not on the tree (then only 全部 applies).
    person: lookup to the owning user for the 本人 scope ("id" for User itself), or None.
    view:   the permission that makes a row visible at all (outsiders get 404, not 403).
    """

    org: str | None
    person: str | None
    view: str


_rules: dict[type[models.Model], Rule] = {}


def rule(*, org: str | None, person: str | None = None, view: str):
    def register(model: type[M]) -> type[M]:
        _rules[model] = Rule(org=org, person=person, view=view)
        return model

    return register


def rule_for(model: type[models.Model]) -> Rule | None:
    return _rules.get(model)


def registered_models() -> Iterable[type[models.Model]]:
    return tuple(_rules)


@dataclass(frozen=True)
class Grant:
    scope: str
    perms: frozenset[str]


def subtree_q(prefix: str, path: str) -> Q:
    """Rows whose node lies at or under `path`.

    A range on the materialised path (path ≥ P and path < P with its last character raised)
    uses the plain b-tree index on SQLite and PostgreSQL alike; LIKE would not on SQLite.
    """
    upper = path[:-1] + chr(ord(path[-1]) + 1)
    return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": upper})


# Where a user's grants come from: the accounts app gives its role registry at start-up
# (`set_grants_source`), so that this module imports no app. Until then nobody holds anything.
_grants_source: Callable[[Any], list[Grant]] | None = None


def set_grants_source(source: Callable[[Any], list[Grant]]) -> None:
    """Name the function that lists a user's grants (called once, from an AppConfig.ready())."""
    global _grants_source
    _grants_source = source


def grants(actor: Any) -> list[Grant]:
    """The actor's grants (scope + permissions per role), read once per user object."""
    cached = getattr(actor, "_scope_grants", None)
    if cached is None:
        cached = _grants_source(actor) if _grants_source is not None else []
        actor._scope_grants = cached
    return cached


_grants = grants


def _active(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def has_perm(actor: Any, perm: str) -> bool:
    """Whether any of the actor's roles grants `perm` (at any scope)."""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return perm not in SEPARATED_DUTIES
    return any(perm in g.perms for g in _grants(actor))


def has_perm_beyond_self(actor: Any, perm: str) -> bool:
    """Whether a role grants `perm` over more than the actor's own records (not only 本人)."""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return perm not in SEPARATED_DUTIES
    return any(perm in g.perms and g.scope != SELF for g in _grants(actor))


def scope_q(actor: Any, model: type[models.Model], perm: str) -> Q | None:
    """The filter of rows of `model` the actor may act on under `perm`; None means no row."""
    if not has_perm(actor, perm):
        return None
    if actor.is_superuser:
        return Q()
    r = _rules.get(model)
    if r is None:
        return None
    anchor = actor.org
    combined: Q | None = None
    for g in _grants(actor):
        if perm not in g.perms:
            continue
        part: Q | None = None
        if g.scope == ALL:
            return Q()
        if g.scope == SUBTREE and r.org is not None and anchor is not None:
            part = subtree_q(r.org, anchor.path)
        elif g.scope == NODE and r.org is not None and anchor is not None:
            part = Q(**{f"{r.org}id" if r.org else "id": anchor.pk})
        elif g.scope == SELF and r.person is not None:
            part = Q(**{r.person: actor.pk})
        if part is not None:
            combined = part if combined is None else combined | part
    return combined


def permitted(actor: Any, queryset_or_model: type[M] | models.QuerySet[M], perm: str) -> models.QuerySet[M]:
    """The rows the actor may act on under `perm` (empty when nothing is allowed)."""
    qs = queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    q = scope_q(actor, qs.model, perm)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def visible(actor: Any, queryset_or_model: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows the actor may see at all (the model's view permission)."""
    qs = queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    r = _rules.get(qs.model)
    if r is None:
        # No rule: only the system administrator (fail closed).
        return qs if _active(actor) and actor.is_superuser else qs.none()
    return permitted(actor, qs, r.view)


def get_or_404(
    actor: Any, queryset_or_model: type[M] | models.QuerySet[M], perm: str | None = None, **lookup: Any
) -> M:
    """Fetch one object for a view or service.

    Outside the actor's sight → 404 (the object's existence is not revealed); visible but
    without `perm` → 403.
    """
    obj = visible(actor, queryset_or_model).filter(**lookup).first()
    if obj is None:
        raise Http404
    if perm is not None:
        require(actor, obj, perm)
    return obj


def can(actor: Any, obj: models.Model, perm: str) -> bool:
    q = scope_q(actor, type(obj), perm)
    if q is None:
        return False
    if not q:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def require(actor: Any, obj: models.Model, perm: str) -> None:
    """Raise PermissionDenied unless the actor may act on `obj` under `perm` (services call it)."""
    if not can(actor, obj, perm):
        raise PermissionDenied


def require_perm(actor: Any, perm: str) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied
