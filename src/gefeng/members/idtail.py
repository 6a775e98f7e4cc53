"""Search by the last 4, 5 or 6 characters of an ID number, through keyed indexes.

Lists and exports show only the tail of an ID number (`core.pii.mask`), so the tail is what
people search by. The number itself is sealed; each of its tails is kept as a keyed hash (the
blind-index key, with the length in the hashed text so the three columns cannot be compared
with each other or with `id_hash`) in an indexed column: `id_tail4`, `id_tail5`, `id_tail6`.
A search of 4–6 digits (the last one may be X) is an exact match on one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gefeng.core import pii

LENGTHS = (4, 5, 6)
COLUMNS = tuple(f"id_tail{n}" for n in LENGTHS)
DIGEST_CHARS = 32  # 128 bits: a tail has at most 10⁶ values, the index stays small
TAIL_LIKE = re.compile(r"^\d{3,5}[\dXx]$")


def _key(tail: str) -> str:
    return f"id-tail-{len(tail)}:{tail.upper()}"


def digest(tail: str, blind: Callable[[str], str] = pii.blind_index) -> str:
    """The keyed hash of one tail (4–6 characters, X in any case)."""
    return blind(_key(tail))[:DIGEST_CHARS]


def digests(number: str, blind: Callable[[str], str] = pii.blind_index) -> tuple[str, str, str]:
    """The three tail hashes of an ID number, in COLUMNS order (empty for no number)."""
    if not number:
        return ("", "", "")
    a, b, c = (digest(number[-n:], blind) for n in LENGTHS)
    return a, b, c


def fields(number: str, blind: Callable[[str], str] = pii.blind_index) -> dict[str, str]:
    """The tail columns of a member with this ID number, by name."""
    return dict(zip(COLUMNS, digests(number, blind), strict=True))


def column_for(term: str) -> tuple[str, str] | None:
    """(column, hash) for a search term that is an ID tail, None otherwise."""
    if not TAIL_LIKE.match(term):
        return None
    return f"id_tail{len(term)}", digest(term)
