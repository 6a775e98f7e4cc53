"""Work an app needs done each time the server starts, registered by the app itself.

`gefeng serve` runs every registered step after the schema check and before it takes requests
(e.g. the registry marks imports cut off by the last stop as failed and purges their files).
An app registers from its `AppConfig.ready()`: `startup.register("members.reap_dead", reap_dead)`.
Core imports no app for this.
"""

from __future__ import annotations

from collections.abc import Callable

_steps: dict[str, Callable[[], object]] = {}


def register(name: str, step: Callable[[], object]) -> None:
    _steps[name] = step


def steps() -> list[str]:
    return sorted(_steps)


def run() -> None:
    """Run every step, in the order of their names."""
    for name in steps():
        _steps[name]()
