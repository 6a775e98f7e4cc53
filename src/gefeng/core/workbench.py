"""The 工作台 on the home page: what waits for the user, and the dates coming up.

Every module registers its items from its `AppConfig.ready()` (in `<app>/workbench.py`):

    workbench.register(workbench.Item(
        key="reform.returned",
        label="被退回的进展报告",
        perm="reform.report",
        count=lambda user: workbench.capped(scope.permitted(user, Report, "reform.report").filter(...)),
        url_name="reform:report-due",
        query={"state": "returned"},
        kind=workbench.TODO,
    ))

An item's `count(user)` is one bounded, indexed query through `core.scope` (never a table in
memory; `capped` stops counting at `CAP`); its link lists exactly the things counted. Items with
a zero count are not shown. Dates work the same way with `register_deadline`: a function
`(user, today, limit)` → the next `Due` rows in the user's scope.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from gefeng.core import scope

log = logging.getLogger(__name__)

TODO = "todo"  # 待办: something the user must do
REMIND = "remind"  # 提醒: something the user should know
KIND_LABELS = {TODO: "待办", REMIND: "提醒"}

# Counts stop here: the page shows "999+" rather than paying for an exact count.
CAP = 999


def capped(qs: QuerySet[Any], cap: int = CAP) -> int:
    """COUNT over at most cap + 1 rows (a LIMIT inside the count)."""
    return qs.order_by()[: cap + 1].count()


def _perms(perm: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return (perm,) if isinstance(perm, str) else perm or ()


@dataclass(frozen=True)
class Item:
    key: str
    label: Any
    perm: str | tuple[str, ...] | None  # a tuple: all of them; None: every logged-in user
    count: Callable[[Any], int]
    url_name: str
    query: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None
    kind: str = TODO
    # Optional: the whole link for this user (e.g. the one campaign the items belong to).
    link: Callable[[Any], str] | None = None
    # Optional: a further condition on the user (e.g. not for the office that manages).
    show: Callable[[Any], bool] | None = None
    order: int = 100

    def applies(self, user: Any) -> bool:
        if not all(scope.has_perm(user, p) for p in _perms(self.perm)):
            return False
        return self.show is None or bool(self.show(user))

    def url(self, user: Any) -> str:
        if self.link is not None:
            return self.link(user)
        query = self.query(user) if callable(self.query) else self.query
        url = reverse(self.url_name)
        return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class Due:
    """One date coming up: what, when, where to act."""

    on: dt.date
    label: str
    url: str
    what: str = ""  # the kind of date: 报送截止, 公示结束 …


@dataclass(frozen=True)
class Deadline:
    key: str
    perm: str | tuple[str, ...] | None
    upcoming: Callable[[Any, dt.date, int], list[Due]]
    show: Callable[[Any], bool] | None = None

    def applies(self, user: Any) -> bool:
        if not all(scope.has_perm(user, p) for p in _perms(self.perm)):
            return False
        return self.show is None or bool(self.show(user))


_items: dict[str, Item] = {}
_deadlines: dict[str, Deadline] = {}


def register(*items: Item) -> None:
    for item in items:
        if item.kind not in KIND_LABELS:
            raise ValueError(f"workbench item {item.key!r}: unknown kind {item.kind!r}")
        if item.key in _items:
            raise ValueError(f"workbench item {item.key!r} registered twice")
        _items[item.key] = item


def register_deadline(*deadlines: Deadline) -> None:
    for d in deadlines:
        if d.key in _deadlines:
            raise ValueError(f"workbench deadline {d.key!r} registered twice")
        _deadlines[d.key] = d


def get(key: str) -> Item | None:
    return _items.get(key)


def keys() -> list[str]:
    return list(_items)


def deadline_keys() -> list[str]:
    return list(_deadlines)


def items_for(user: Any) -> list[dict[str, Any]]:
    """The user's items with a non-zero count, 待办 first, as the home page shows them."""
    out = []
    for item in sorted(_items.values(), key=lambda i: (i.kind != TODO, i.order, i.key)):
        if not item.applies(user):
            continue
        n = item.count(user)
        if not n:
            continue
        out.append(
            {
                "key": item.key,
                "label": item.label,
                "kind": item.kind,
                "kind_label": KIND_LABELS[item.kind],
                "count": n,
                "display": f"{CAP}+" if n > CAP else str(n),
                "url": item.url(user),
            }
        )
    return out


def deadlines_for(user: Any, *, today: dt.date | None = None, limit: int = 8) -> list[Due]:
    """The next dates in the user's scope, soonest first (at most `limit`)."""
    today = today or timezone.localdate()
    rows: list[Due] = []
    for d in _deadlines.values():
        if d.applies(user):
            rows.extend(d.upcoming(user, today, limit))
    rows.sort(key=lambda r: (r.on, r.label))
    return rows[:limit]
