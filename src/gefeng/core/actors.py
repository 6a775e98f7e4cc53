"""Who acts on a service: a user, or the system itself — said one way everywhere.

Every service takes `actor`. A person is a `User`; the server's own work (the demo loader, a
command run on the server console, a scheduled job, a step one service takes for another) is
`SYSTEM`, a named object, never `None`. A service that the system may run says so by
declaration, with `@accepts_system`; inside it, `require` and `require_perm` let `SYSTEM` pass and
ask `core.scope` for everyone else. In any other service `SYSTEM` is refused like a stranger:
`core.scope` fails closed on it (it is no authenticated user and holds no grant), and so does
`None`.

    @accepts_system
    @transaction.atomic
    def plan_create(*, actor, year, ...):
        actors.require_perm(actor, MANAGE)   # SYSTEM passes here only
        ...
        audit.record(actor=actor, ...)       # written as the system, with the context's source

`ACCEPTS_SYSTEM` lists the services that accept it; `tests/core/test_actors.py` keeps the list
in view so that a service that starts accepting the system is a visible change.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

from gefeng.core import scope

__all__ = [
    "ACCEPTS_SYSTEM",
    "SYSTEM",
    "accepts_system",
    "is_system",
    "require",
    "require_perm",
    "user_of",
]

F = TypeVar("F", bound=Callable[..., Any])


class SystemActor:
    """The platform itself. Not a user: no pk, not authenticated, holds no role."""

    pk = None
    id = None
    is_authenticated = False
    is_anonymous = False
    is_active = False
    is_superuser = False
    is_staff = False
    username = ""

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "系统"

    def __reduce__(self) -> str:
        return "SYSTEM"  # pickles (jobs, the reader child) as the one object


SYSTEM: Final = SystemActor()

# "module.function" of every service that accepts SYSTEM.
ACCEPTS_SYSTEM: set[str] = set()

_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("gefeng_system_service", default=False)


def accepts_system(func: F) -> F:
    """Declare that the system may run this service. Checks inside it let SYSTEM pass."""
    ACCEPTS_SYSTEM.add(f"{func.__module__}.{func.__qualname__}")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("actor") is not SYSTEM:
            return func(*args, **kwargs)
        token = _inside.set(True)
        try:
            return func(*args, **kwargs)
        finally:
            _inside.reset(token)

    wrapper.accepts_system = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def is_system(actor: Any) -> bool:
    """Whether `actor` is the system, inside a service that accepts it."""
    return actor is SYSTEM and _inside.get()


def user_of(actor: Any) -> Any:
    """The user to store in a `created_by`-like field: the actor, or None for the system."""
    return actor if getattr(actor, "pk", None) is not None else None


def require(actor: Any, obj: models.Model, perm: str) -> None:
    """`scope.require`, passed by the system where the service accepts it."""
    if is_system(actor):
        return
    scope.require(actor, obj, perm)


def require_perm(actor: Any, perm: str) -> None:
    """`scope.require_perm`, passed by the system where the service accepts it."""
    if is_system(actor):
        return
    scope.require_perm(actor, perm)


def can(actor: Any, obj: models.Model, perm: str) -> bool:
    """`scope.can`, true for the system where the service accepts it."""
    return is_system(actor) or scope.can(actor, obj, perm)


def refuse_system(actor: Any) -> None:
    """For the few services that must have a person (e.g. a reveal): refuse the system outright."""
    if actor is SYSTEM or actor is None:
        raise PermissionDenied("此操作须由本人登录后进行。")
