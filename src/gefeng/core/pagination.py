"""Pagination for every list: a page of rows, a total that never costs a full COUNT, page sizes
and a jump to any page.

Rows: one row more than the page is fetched to know whether a next page exists.

Total: counted through a bounded count (`COUNT(*)` over `LIMIT count_limit + 1` rows, order
cleared), so the price is at most `count_limit` index entries whatever the table holds. Up to the
limit the total is exact ("共 123 条"); beyond it PostgreSQL's planner estimate for the same query
(from the table statistics, `pg_class.reltuples`, without running it) is shown as "约 …", and
where no estimate exists (SQLite) "超过 10,000 条". On the county's largest tables (members, the
audit log) a request therefore never counts 10⁶ rows.

A page number that is not a number, or below 1, gives the first page; one past the end (an old
link after rows were removed, or any huge number) gives the last page. The page size is one of
`PAGE_SIZES`, kept in the query string (`size=`) by every page link and by the filter forms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)
# Beyond this a page number is clamped before it reaches the database (an OFFSET past 2⁶³
# overflows SQLite and PostgreSQL alike); 10⁵ pages of 100 cover every table here.
MAX_PAGE_NUMBER = 100_000
# Rows counted exactly at most; beyond, the total is an estimate.
COUNT_LIMIT = 10_000
# Parameters of the paging itself: not filters, not repeated as hidden fields of the jump form.
PAGING_KEYS = frozenset({"page", "size"})


def page_number(raw: object) -> int:
    """The page asked for, 1…MAX_PAGE_NUMBER: garbage ("abc", "-3", "1e9", "１２") is the first
    page, a number too long to be real is the last possible one."""
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > 9:
        return MAX_PAGE_NUMBER
    return max(1, min(int(text), MAX_PAGE_NUMBER))


def page_size(raw: object, default: int = 20) -> int:
    text = str(raw).strip() if raw is not None else ""
    if text.isascii() and text.isdigit() and int(text) in PAGE_SIZES:
        return int(text)
    return default


def _round(n: int) -> int:
    """Three significant digits: an estimate does not pretend to be exact."""
    digits = len(str(n))
    if digits <= 3:
        return n
    step = 10 ** (digits - 3)
    return round(n / step) * step


def estimate_rows(qs: QuerySet[Any]) -> int | None:
    """The planner's row estimate for the query (PostgreSQL), or None where there is none."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = qs.order_by().query.sql_with_params()
        # A savepoint: a failed EXPLAIN must not leave the page's transaction aborted.
        with transaction.atomic(using=qs.db), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
    except DatabaseError:
        return None
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


@dataclass
class Total:
    """How many rows the list has: exact, estimated ("约"), or only known to exceed `limit`."""

    count: int | None  # the exact count, or the estimate, or None
    exact: bool
    limit: int

    @property
    def label(self) -> str:
        if self.exact and self.count is not None:
            return f"共 {self.count:,} 条"
        if self.count is not None:
            return f"约 {self.count:,} 条"
        return f"超过 {self.limit:,} 条"


def count_total(qs: QuerySet[Any] | list[Any], limit: int | None = None) -> Total:
    """The total of `qs`: exact up to `limit` (default `COUNT_LIMIT`) rows, else estimated."""
    limit = COUNT_LIMIT if limit is None else limit
    if not isinstance(qs, QuerySet):
        return Total(len(qs), True, limit)
    counted = qs.order_by()[: limit + 1].count()
    if counted <= limit:
        return Total(counted, True, limit)
    estimate = estimate_rows(qs)
    if estimate is not None and estimate > limit:
        return Total(_round(estimate), False, limit)
    return Total(None, False, limit)


@dataclass
class Page:
    rows: list[Any]
    number: int
    size: int
    has_next: bool
    query: str  # the other GET parameters, urlencoded, for the page links
    total: Total | None = None
    # the GET parameters other than page and size: hidden fields of the jump form
    hidden: list[tuple[str, str]] = field(default_factory=list)
    sizes: tuple[int, ...] = PAGE_SIZES
    keep_size: bool = False  # the size came from the query string: filter forms carry it on

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    @property
    def filtered(self) -> bool:
        """A filter is set: the filter block opens."""
        return any(v.strip() for _, v in self.hidden)

    @property
    def num_pages(self) -> int | None:
        """Pages in all, when the total is exact."""
        if self.total is None or not self.total.exact or self.total.count is None:
            return None
        return max(1, -(-self.total.count // self.size))

    @property
    def last_number(self) -> int:
        """The highest page one may jump to: the last when known, else this one or the next."""
        return self.num_pages or (self.number + 1 if self.has_next else self.number)

    def url(self, number: int) -> str:
        return "?" + "&".join(p for p in (self.query, f"page={number}") if p)

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1)

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1)

    @property
    def first_url(self) -> str:
        return self.url(1)

    @property
    def last_url(self) -> str:
        return self.url(self.num_pages or self.number)

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers for the links around this one (None marks a gap): 1 … 4 5 [6] 7 8 … 20."""
        last = self.last_number
        around = {1, last, *range(max(1, self.number - 2), min(last, self.number + 2) + 1)}
        out: list[int | None] = []
        previous = 0
        for n in sorted(around):
            if n - previous > 1:
                out.append(None)
            out.append(n)
            previous = n
        if self.num_pages is None and self.has_next:
            out.append(None)  # more pages after the next, unknown how many
        return out

    @property
    def links(self) -> list[tuple[int | None, str]]:
        return [(n, self.url(n) if n else "") for n in self.numbers]


def paginate(
    request: HttpRequest,
    qs: QuerySet[Any],
    *,
    default_size: int = 20,
    count: bool = True,
    count_limit: int | None = None,
) -> Page:
    """One page of `qs` for the request's `page` and `size`, with its total (bounded by
    `count_limit`, default `COUNT_LIMIT`) unless `count=False`."""
    number = page_number(request.GET.get("page", 1))
    size = page_size(request.GET.get("size"), default_size if default_size in PAGE_SIZES else 20)
    total = count_total(qs, COUNT_LIMIT if count_limit is None else count_limit) if count else None
    if total is not None and total.exact and total.count is not None:
        number = min(number, max(1, -(-total.count // size)))
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    if not rows and number > 1:
        number = max(1, -(-qs.count() // size))
        offset = (number - 1) * size
        rows = list(qs[offset : offset + size + 1])
    others = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    hidden = [(k, v) for k, v in others if k not in PAGING_KEYS]
    return Page(
        rows=rows[:size],
        number=number,
        size=size,
        has_next=len(rows) > size,
        query=urlencode(others),
        total=total,
        hidden=hidden,
        keep_size="size" in request.GET and size != default_size,
    )
