"""The worker's 办事 tiles of 民主管理: the representative's congress (meetings, sign-in, votes,
proposals) and the enterprise's 厂务公开 for every bound worker."""

from __future__ import annotations

from typing import Any

from gefeng.core import scope


def is_representative(user: Any) -> bool:
    from gefeng.democracy.models import Representative

    return scope.permitted(user, Representative, "democracy.vote").filter(status="active").exists()


def is_bound(user: Any) -> bool:
    from gefeng.workers import selectors

    return selectors.own_member(user) is not None


def register() -> None:
    from gefeng.workers import registry

    if "democracy.congress" in set(registry.keys()):
        return
    registry.register(
        registry.Service(
            "democracy.congress", "职代会", "democracy:w-home", "people", "签到、投票、提案", is_representative, 60
        ),
        registry.Service(
            "democracy.disclosure", "厂务公开", "democracy:w-disclosures", "megaphone", "本企业公开的事项", is_bound, 65
        ),
    )
