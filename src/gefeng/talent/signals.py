"""Keep the talent pool in step with the honours register: granting or revoking an honour (a
save) refreshes the holder's profile (and makes one for a new holder), in the honour's own
transaction — a grant that rolls back leaves no profile behind.

Honours are revoked, not deleted; no receiver is connected to deletions on purpose (it would
turn every bulk delete of honours into one query per row). After honours were deleted or
bulk-created without signals, `services.sync_all` (the 按荣誉记录同步 button) re-derives the pool."""

from __future__ import annotations

from typing import Any


def honour_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    person_id = getattr(instance, "person_id", None)
    if person_id is not None:
        from gefeng.talent import services

        services.sync_people([person_id])
