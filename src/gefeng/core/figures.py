"""The county's yearly figures, as `gefeng figures` prints them.

Every module registers the figures it can compute for a subtree and a year:

    @figures.register("unions")
    def unions(root: OrgNode, year: int) -> int: ...

The county's annual account is written from this one object, so a figure's name and meaning
never change once published (docs/architecture.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_registry: dict[str, Callable[[Any, int], Any]] = {}


def register(name: str) -> Callable[[Callable[[Any, int], Any]], Callable[[Any, int], Any]]:
    def wrap(fn: Callable[[Any, int], Any]) -> Callable[[Any, int], Any]:
        if name in _registry:
            raise ValueError(f"figure {name!r} registered twice")
        _registry[name] = fn
        return fn

    return wrap


def get(name: str) -> Callable[[Any, int], Any] | None:
    """The function computing a registered figure, or None for an unknown name."""
    return _registry.get(name)


def names() -> list[str]:
    return list(_registry)


def compute(root: Any, year: int) -> dict[str, Any]:
    return {name: fn(root, year) for name, fn in _registry.items()}
