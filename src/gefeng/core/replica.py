"""Read-only work on a PostgreSQL replica, when one is configured (`GEFENG_REPLICA_DATABASE_URL`).

A province runs one primary and one or more streaming replicas. The heavy read-only work of the
platform — the yearly figures, exports, searches — may run on a replica, so that a deadline day's
reports, imports and approvals keep the primary to themselves. Only code that asks for it goes
there:

    with replica.reading():
        rows = figures.compute(root, year)

Everything else — every write, every read inside a transaction, every read that must see what the
same request just wrote — stays on the primary (`default`). Without a replica (every county, and
SQLite) `reading()` changes nothing.

A replica lags its primary by a moment; the pages that read from it say "数据截至 …" already
(figures are by year, exports are of a list the user filtered), so that lag is never visible as a
contradiction on one page. The router is `ReplicaRouter` in `DATABASE_ROUTERS`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections

__all__ = ["REPLICA", "ReplicaRouter", "configured", "reading"]

REPLICA = "replica"
_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("gefeng_replica_reading", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Send this block's reads to the replica (if there is one and no transaction is open)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Reads inside `reading()` go to the replica; all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reading.get() or not configured():
            return None
        if connections["default"].in_atomic_block:
            return None  # a read inside a transaction must see that transaction's writes
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == "default"
