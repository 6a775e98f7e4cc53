"""Live members per enterprise (入会 on the 建会入会 page), kept as the registry changes.

The coverage page lists every enterprise in scope with its members and 入会率, sorted by rate.
Counting members per enterprise on each request scans the registry (at the demo county 257 ms of
its 330 ms; at 10⁶ members seconds). `EnterpriseTally` keeps the count instead:

- every write through the ORM (`Member.save`: join, transfer, leave, retain, restore, the
  workers' approvals, tests) moves the counts by ±1 inside its own transaction, with an UPDATE of
  the tally row — its row lock orders concurrent writes, so no count is lost;
- the set-based writes (the roster import, the demo and benchmark loaders) recount the
  enterprises they touched (`recount`), holding the same row locks, in their transaction;
- `rebuild` recounts every enterprise in batches (`gefeng tally`), for a database restored
  from elsewhere or written around the platform.

An enterprise without a row has had no member written since the tally began: its count is 0
(the first member to come in counts the enterprise and writes the row). The migration that made
the table counted every enterprise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F

BATCH = 500


def _models() -> tuple[Any, Any, Any]:
    from gefeng.members.models import EnterpriseTally, Member, Status

    return EnterpriseTally, Member, Status


def _counted(ids: list[int]) -> dict[int, int]:
    _tally, member, status = _models()
    return dict(
        member.objects.filter(enterprise_id__in=ids, status=status.ACTIVE)
        .values_list("enterprise_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def bump(enterprise_id: int | None, delta: int) -> None:
    """Move one enterprise's count (a member came in or went out), inside the caller's
    transaction."""
    if enterprise_id is None or delta == 0:
        return
    tally, _member, _status = _models()
    if tally.objects.filter(pk=enterprise_id).update(active=F("active") + delta):
        return
    # No row yet: count the enterprise (the caller's own change included) and write it.
    try:
        with transaction.atomic():
            tally.objects.create(enterprise_id=enterprise_id, active=_counted([enterprise_id]).get(enterprise_id, 0))
    except IntegrityError:  # made meanwhile by another writer, whose count did not see ours
        tally.objects.filter(pk=enterprise_id).update(active=F("active") + delta)


def recount(enterprise_ids: Iterable[int | None]) -> None:
    """Count these enterprises again and write the counts (locking their rows)."""
    ids = sorted({i for i in enterprise_ids if i is not None})
    tally, _member, _status = _models()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            have = set(tally.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
            counts = _counted(chunk)
            for pk in have:
                tally.objects.filter(pk=pk).update(active=counts.get(pk, 0))
            tally.objects.bulk_create(
                [tally(enterprise_id=pk, active=counts.get(pk, 0)) for pk in chunk if pk not in have],
                ignore_conflicts=True,
            )


def rebuild() -> int:
    """Recount every enterprise, a batch at a time; returns how many were counted."""
    from gefeng.orgs.models import Kind, OrgNode

    last, n = 0, 0
    while True:
        ids = list(
            OrgNode.objects.filter(kind=Kind.ENTERPRISE, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return n
        recount(ids)
        n += len(ids)
        last = ids[-1]


def on_save(old: tuple[int | None, bool] | None, new: tuple[int | None, bool]) -> None:
    """A member row was written: (enterprise, active) before (None: a new row) and after."""
    before_e, before_a = old if old is not None else (None, False)
    after_e, after_a = new
    if (before_e, before_a) == (after_e, after_a):
        return
    if before_a:
        bump(before_e, -1)
    if after_a:
        bump(after_e, +1)
