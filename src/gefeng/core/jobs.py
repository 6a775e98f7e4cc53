"""Background jobs act as the user who started them.

A task receives the user's id (never a queryset or a list of rows), loads the user again when it
runs and goes through the same selectors and services as a page would, so a job can never see
more than its user — and a user disabled or stripped of a role in the meantime gets nothing.

    @task()
    def import_members(*, actor_id: int, upload_id: int) -> dict:
        with jobs.acting_as(actor_id) as actor:
            upload = scope.get_or_404(actor, Upload, "members.import", pk=upload_id)
            ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied

from gefeng.core.context import RequestInfo, acting_from


def load_actor(actor_id: int) -> Any:
    """The job's user, fresh from the database; refused when missing or disabled."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("org").filter(pk=actor_id, is_active=True).first()
    if user is None:
        raise PermissionDenied("任务的发起人不存在或已停用。")
    return user


@contextlib.contextmanager
def acting_as(actor_id: int) -> Iterator[Any]:
    """Run a job's body as its user; audit entries are marked with the source "job"."""
    actor = load_actor(actor_id)
    with acting_from(RequestInfo(source="job")):
        yield actor
