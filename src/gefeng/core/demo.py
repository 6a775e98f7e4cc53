"""`gefeng demo`: the demo county, loaded by the parts each app registers.

Every app that has demo data registers a `ModuleDemo` from its `AppConfig.ready()` (or from its
`demo` module, imported there): `clear()` deletes its part, `load(stdout=…, registry=…)` builds it
by running the app's own services and returns counts. Parts load in `order` — the organisation
tree (`orgs.demo`, -30), the accounts (`accounts.demo`, -20), the registry (`members.demo`, -10),
then the modules — and are cleared in the reverse order. `registry=False` (`--no-members`) skips
the 40,000-member registry; parts that need it are told.

`load_demo()` is idempotent: the parts are deterministic (seed 320322), it deletes the demo's data
and rebuilds it in one transaction. The audit log is never touched (append-only) — one
`core.demo.loaded` entry is added instead. In production it refuses to replace data the demo did
not load (a part's `guard` says whether such data exists) unless `force` is given.

Fake people come from one generator, `core.people`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction

from gefeng.core import audit
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.models import AuditEntry

ADDRESS = "http://127.0.0.1:8000/"


class DemoRefused(Exception):
    """Loading the demo would delete data that the demo did not create."""


@dataclass(frozen=True)
class ModuleDemo:
    """An app's part of the demo: `clear()` deletes it, `load()` builds it and returns counts.

    Optional: `guard()` — true when the database holds data of this part that the demo may not
    replace without `--force` in production; `anchor()` — the object the `core.demo.loaded` entry
    is written on; `disable()` — switch the part's accounts off (`gefeng demo --disable`), returns
    how many; `credentials()` — (username, role, organisation, password) rows for the command.
    """

    order: int
    name: str
    load: Any
    clear: Any
    guard: Callable[[], bool] | None = None
    anchor: Callable[[], Any] | None = None
    disable: Callable[[], int] | None = None
    credentials: Callable[[], list[tuple[str, str, str, str]]] | None = None


# The foundation (order < 0: the tree, the accounts, the registry) and the modules on top of it.
_foundation: dict[str, ModuleDemo] = {}
_module_demos: dict[str, ModuleDemo] = {}


def register(part: ModuleDemo) -> None:
    (_foundation if part.order < 0 else _module_demos)[part.name] = part


def _module_parts() -> list[ModuleDemo]:
    """The modules' parts, in load order (the foundation is not among them)."""
    return sorted(_module_demos.values(), key=lambda p: (p.order, p.name))


def _all_parts() -> list[ModuleDemo]:
    return sorted([*_foundation.values(), *_module_demos.values()], key=lambda p: (p.order, p.name))


def _demo_was_loaded() -> bool:
    return AuditEntry.objects.filter(action="core.demo.loaded").exists()


def load_demo(*, stdout: TextIO | None = None, force: bool = False, registry: bool = True) -> dict[str, int]:
    """Load or reset the demo county; return the counts of what it made."""
    parts = _all_parts()
    with acting_from(RequestInfo(source="cli")), transaction.atomic():
        guarded = any(p.guard is not None and p.guard() for p in parts)
        if settings.PRODUCTION and not force and guarded and not _demo_was_loaded():
            raise DemoRefused("数据库中已有不是演示数据的组织；载入演示县会删除整个组织树。确需如此，请加 --force。")
        for part in reversed(parts):
            part.clear()
        counts: dict[str, int] = {}
        for part in parts:
            counts |= part.load(stdout=stdout, registry=registry)
        anchor = next((p.anchor() for p in parts if p.anchor is not None), None)
        audit.record(
            actor=SYSTEM,
            action="core.demo.loaded",
            obj=anchor,
            object_repr="" if anchor is not None else "演示数据",
            changes=dict(counts),
        )
    return counts


def disable_demo() -> int:
    """Deactivate every demo account and end its sessions; return how many were active."""
    with acting_from(RequestInfo(source="cli")), transaction.atomic():
        return sum(p.disable() for p in _all_parts() if p.disable is not None)


def credentials() -> list[tuple[str, str, str, str]]:
    """The demo accounts with their published password (username, role, organisation, password)."""
    return [row for p in _all_parts() if p.credentials is not None for row in p.credentials()]
