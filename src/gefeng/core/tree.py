"""The org tree as `core` sees it, given by the `orgs` app at start-up.

`core` draws pages over the tree (the 工作台's counts, 年度数据's org picker, `gefeng figures`)
but imports no app: `orgs` hands it a `TreeSource` from its `AppConfig.ready()`, as `accounts`
hands `core.scope` the grants. Every method answers within the actor's scope.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

__all__ = ["TreeSource", "set_source", "source"]


class TreeSource(Protocol):
    model: Any  # the node model (scope-registered)

    def roots_for(self, actor: Any) -> list[Any]: ...

    def children(self, actor: Any, node: Any, *, limit: int) -> tuple[list[Any], bool]: ...

    def scope_counts(self, actor: Any) -> dict[str, int]: ...

    def by_code(self, code: str) -> Any | None: ...

    def top(self) -> Any | None: ...


_source: TreeSource | None = None


def set_source(tree: TreeSource) -> None:
    global _source
    _source = tree


def source() -> TreeSource:
    if _source is None:
        raise ImproperlyConfigured("组织树尚未注册（gefeng.orgs 应在 INSTALLED_APPS 中）。")
    return _source
