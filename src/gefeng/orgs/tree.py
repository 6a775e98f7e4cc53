"""The org tree handed to `core` (see `core.tree`)."""

from __future__ import annotations

from typing import Any

from gefeng.orgs import selectors
from gefeng.orgs.models import OrgNode


class OrgTree:
    model = OrgNode

    def roots_for(self, actor: Any) -> list[OrgNode]:
        return selectors.roots_for(actor)

    def children(self, actor: Any, node: Any, *, limit: int) -> tuple[list[OrgNode], bool]:
        return selectors.children(actor, node, limit=limit)

    def scope_counts(self, actor: Any) -> dict[str, int]:
        return selectors.scope_counts(actor)

    def by_code(self, code: str) -> OrgNode | None:
        return OrgNode.objects.filter(code=code.strip().upper()).first()

    def top(self) -> OrgNode | None:
        return OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
