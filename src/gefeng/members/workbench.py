"""Roster imports on the home page (`core.workbench`): the user's own imports still running,
and those finished or failed in the last days (until the user has seen them there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gefeng.core import scope, workbench
from gefeng.members.models import ImportJob, ImportStatus

PERM = "members.import"
# Finished imports are shown for this many days.
RECENT_DAYS = 7


def _own(user: Any):
    return scope.permitted(user, ImportJob, PERM).filter(actor_id=user.pk)


def _recent(user: Any, status: str):
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    return _own(user).filter(status=status, finished_at__gte=since)


def running_count(user: Any) -> int:
    return workbench.capped(
        _own(user).filter(status__in=[ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.APPLYING])
    )


def failed_count(user: Any) -> int:
    return workbench.capped(_recent(user, ImportStatus.FAILED))


def done_count(user: Any) -> int:
    return workbench.capped(_recent(user, ImportStatus.DONE))


workbench.register(
    workbench.Item(
        key="members.import_failed",
        label=f"近{RECENT_DAYS}天失败的会员导入",
        perm=PERM,
        count=failed_count,
        url_name="members:import-list",
        kind=workbench.REMIND,
        order=50,
    ),
    workbench.Item(
        key="members.import_running",
        label="进行中的会员导入",
        perm=PERM,
        count=running_count,
        url_name="members:import-list",
        kind=workbench.REMIND,
        order=51,
    ),
    workbench.Item(
        key="members.import_done",
        label=f"近{RECENT_DAYS}天完成的会员导入",
        perm=PERM,
        count=done_count,
        url_name="members:import-list",
        kind=workbench.REMIND,
        order=52,
    ),
)
