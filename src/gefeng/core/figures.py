"""The county's yearly figures, as `gefeng figures` prints them and the 年度数据 page reports them.

Every module registers the figures it can compute for a subtree and a year, with the Chinese
label, the unit and the kind the report shows them with:

    @figures.register("unions", label="工会组织", unit="个", kind=figures.COUNT, section="组织建设")
    def unions(root: OrgNode, year: int) -> int: ...

Kinds: `count` (a whole number), `money` (yuan), `share` (a fraction 0…1, shown as a
percentage) and `breakdown` (a dict label → count, shown as a small sub-table).

The county's annual account is written from this one object, so a figure's name and meaning
never change once published (docs/architecture.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

COUNT = "count"
MONEY = "money"
SHARE = "share"
BREAKDOWN = "breakdown"
KINDS = (COUNT, MONEY, SHARE, BREAKDOWN)
OTHER_SECTION = "其他"


@dataclass(frozen=True)
class Figure:
    name: str
    fn: Callable[[Any, int], Any]
    label: str
    unit: str
    kind: str
    section: str


_registry: dict[str, Figure] = {}


def register(
    name: str,
    *,
    label: str | None = None,
    unit: str = "",
    kind: str = COUNT,
    section: str = OTHER_SECTION,
) -> Callable[[Callable[[Any, int], Any]], Callable[[Any, int], Any]]:
    """Register a figure; `label` is its Chinese name (defaults to `name`, which the report
    test refuses), `unit` what it counts (个, 人, 元 …)."""
    if kind not in KINDS:
        raise ValueError(f"figure {name!r}: unknown kind {kind!r}")

    def wrap(fn: Callable[[Any, int], Any]) -> Callable[[Any, int], Any]:
        if name in _registry:
            raise ValueError(f"figure {name!r} registered twice")
        _registry[name] = Figure(name=name, fn=fn, label=label or name, unit=unit, kind=kind, section=section)
        return fn

    return wrap


def get(name: str) -> Callable[[Any, int], Any] | None:
    """The function computing a registered figure, or None for an unknown name."""
    figure = _registry.get(name)
    return figure.fn if figure else None


def describe(name: str) -> Figure | None:
    """A registered figure with its label, unit and kind, or None for an unknown name."""
    return _registry.get(name)


def registered() -> list[Figure]:
    """Every figure in registration order."""
    return list(_registry.values())


def names() -> list[str]:
    return list(_registry)


def compute(root: Any, year: int) -> dict[str, Any]:
    """Every registered figure for `root`'s subtree in `year` (read from a replica where there is one)."""
    from gefeng.core import replica

    with replica.reading():
        return {name: figure.fn(root, year) for name, figure in _registry.items()}
