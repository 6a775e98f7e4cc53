"""What each URL allows each persona: the table the URL-by-role walk checks.

Every URL pattern of the platform must have a `Case` in one app's `tests/<app>/urls_matrix.py`
(`MATRIX = {"app:name": Case(...)}`); a new view without one fails the walk. A case names the
personas that may open the URL and, for URLs with arguments, how to build them from the test
tree — pointing at the **outsider's** objects (恒辉编织, 杨屯镇) wherever the URL takes an
object, so every persona whose scope excludes them must get 403 or 404.
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


def ok(*names: str) -> frozenset[str]:
    return frozenset(names)
