"""The talent pool of the demo county: the default categories and a profile for every honour
holder of the demo's honours register (the commendation demo runs before, order 30). The
historic labour models and their allowance details come with the allowances demo (order 40)."""

from __future__ import annotations

from typing import Any, TextIO

from gefeng.core.actors import SYSTEM
from gefeng.talent import services
from gefeng.talent.models import TalentMembership, TalentProfile


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    services.ensure_default_categories()
    result = services.sync_all(actor=SYSTEM)
    if stdout is not None:
        stdout.write(f"人才库：{result['people']} 名荣誉获得者，新建档案 {result['created']} 份\n")
    return {"talent_profiles": TalentProfile.objects.count()}


def clear() -> None:
    """Every profile hangs on a registry member, and the demo reset deletes the whole registry:
    the profiles go first (they would block the registry's deletion)."""
    TalentMembership.objects.all().delete()
    TalentProfile.objects.all().delete()
