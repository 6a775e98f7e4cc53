"""Pagination without COUNT(*): fetch one row more than the page to know whether a next exists.

On a million-row table a COUNT on every page view costs more than the page itself; users page
forwards and backwards and search to narrow down, which is all this needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)


@dataclass
class Page:
    rows: list[Any]
    number: int
    size: int
    has_next: bool
    query: str  # the other GET parameters, urlencoded, for the page links

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    def url(self, number: int) -> str:
        return "?" + "&".join(p for p in (self.query, f"page={number}") if p)

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1)

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1)


def paginate(request: HttpRequest, qs: QuerySet[Any], *, default_size: int = 20) -> Page:
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100000))
    except ValueError:
        number = 1
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    others = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size, query=urlencode(others))
