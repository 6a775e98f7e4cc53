"""Pagination without COUNT(*): fetch one row more than the page to know whether a next exists.

On a million-row table a COUNT on every page view costs more than the page itself; users page
forwards and backwards and search to narrow down, which is all this needs.

A page number that is not a number, or below 1, gives the first page; one past the end (an old
link after rows were removed, or any huge number) gives the last page: only then is the COUNT
paid, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)
# Beyond this a page number is clamped before it reaches the database (an OFFSET past 2⁶³
# overflows SQLite and PostgreSQL alike); 10⁵ pages of 100 cover every table here.
MAX_PAGE_NUMBER = 100_000


def page_number(raw: object) -> int:
    """The page asked for, 1…MAX_PAGE_NUMBER: garbage ("abc", "-3", "1e9", "１２") is the first
    page, a number too long to be real is the last possible one."""
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > 9:
        return MAX_PAGE_NUMBER
    return max(1, min(int(text), MAX_PAGE_NUMBER))


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
    number = page_number(request.GET.get("page", 1))
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    if not rows and number > 1:
        number = max(1, -(-qs.count() // size))
        offset = (number - 1) * size
        rows = list(qs[offset : offset + size + 1])
    others = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size, query=urlencode(others))
