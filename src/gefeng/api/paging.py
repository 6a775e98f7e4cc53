"""Cursor paging of the REST API lists.

A cursor is opaque to the client: the last row's ordering key and primary key, signed with the
platform's secret (`django.core.signing`) and bound to the list and its filters, so a changed,
forged or foreign cursor is refused (422) instead of reading from an arbitrary place. The next
page is the rows strictly after that (key, pk) in the list's order, so rows added or removed
meanwhile never make a page repeat or skip one that stayed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

SALT = "gefeng.api.cursor"
MAX_CURSOR = 500  # characters: a real cursor is far shorter
CURSOR_ERROR = "游标无效或已被改动，请从第一页重新开始。"


def _fingerprint(kind: str, filters: dict[str, Any]) -> str:
    text = json.dumps([kind, filters], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode(kind: str, filters: dict[str, Any], key: Any, pk: int) -> str:
    return signing.dumps({"f": _fingerprint(kind, filters), "k": key, "i": pk}, salt=SALT, compress=True)


def decode(kind: str, filters: dict[str, Any], cursor: str) -> tuple[Any, int]:
    """(ordering key, pk) of a cursor made by `encode` for the same list and filters. The key is
    text (a name) or a whole number (a list in order of its ids)."""
    try:
        data = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError({"cursor": [CURSOR_ERROR]}) from None
    if (
        not isinstance(data, dict)
        or data.get("f") != _fingerprint(kind, filters)
        or not isinstance(data.get("i"), int)
        or not isinstance(data.get("k"), (str, int))
    ):
        raise ValidationError({"cursor": [CURSOR_ERROR]})
    return data["k"], data["i"]


def page(
    qs: QuerySet[Any], *, kind: str, filters: dict[str, Any], column: str, cursor: str, limit: int
) -> tuple[list[Any], str | None]:
    """One page of `qs` ordered by (column, pk) after `cursor` ("": the first page), and the
    cursor of the next page (None on the last)."""
    qs = qs.order_by(column, "pk")
    if cursor:
        key, pk = decode(kind, filters, cursor)
        qs = qs.filter(Q(**{f"{column}__gt": key}) | Q(**{column: key, "pk__gt": pk}))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    return rows, encode(kind, filters, getattr(last, column), last.pk)
