"""Demo placeholder (replaced below)."""

from __future__ import annotations

from typing import Any


def load(stdout: Any = None) -> dict[str, int]:
    return {}


def clear() -> None:
    return None
