"""督办 and 年终考评 on the home page (`core.workbench`).

A unit: 督办 notices and other tracked tasks waiting for its reply, those past their deadline,
and their deadlines. The county office (reform.manage): replies waiting to be verified, and
year-end evaluations still being scored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gefeng.core import scope, workbench
from gefeng.supervision.models import Evaluation, EvaluationState, Task, TaskState

MANAGE = "reform.manage"


def _unit_only(user: Any) -> bool:
    return not scope.has_perm(user, MANAGE)


def _open(user: Any):
    # The task list shows what the user sees (reform.view); a unit replies to its own.
    return scope.permitted(user, Task, "reform.report").filter(state=TaskState.OPEN)


def reply_count(user: Any) -> int:
    return workbench.capped(_open(user))


def overdue_count(user: Any) -> int:
    return workbench.capped(_open(user).filter(deadline__lt=timezone.localdate()))


def verify_count(user: Any) -> int:
    return workbench.capped(scope.permitted(user, Task, MANAGE).filter(state=TaskState.SUBMITTED))


def _scoring(user: Any):
    return scope.permitted(user, Evaluation, MANAGE).filter(state=EvaluationState.DRAFT)


def evaluation_count(user: Any) -> int:
    return workbench.capped(_scoring(user))


def evaluation_link(user: Any) -> str:
    rows = list(_scoring(user).order_by("-pk").values_list("pk", flat=True)[:2])
    if len(rows) == 1:
        return reverse("supervision:evaluation-detail", args=[rows[0]])
    return reverse("supervision:evaluation-list")


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    tasks = _open(user).filter(deadline__gte=today).order_by("deadline", "pk")[:limit]
    return [
        workbench.Due(
            on=t.deadline,
            label=t.title,
            url=reverse("supervision:task-detail", args=[t.pk]),
            what=str(t.get_kind_display()) + "办理时限",
        )
        for t in tasks
    ]


workbench.register(
    workbench.Item(
        key="supervision.reply",
        label="待回复的督办事项",
        perm="reform.report",
        count=reply_count,
        url_name="supervision:task-list",
        query={"state": TaskState.OPEN},
        show=_unit_only,
        order=20,
    ),
    workbench.Item(
        key="supervision.overdue",
        label="逾期未回复的督办事项",
        perm="reform.report",
        count=overdue_count,
        url_name="supervision:task-list",
        query={"state": "overdue"},
        kind=workbench.REMIND,
        order=21,
    ),
    workbench.Item(
        key="supervision.verify",
        label="待核验的督办回复",
        perm=MANAGE,
        count=verify_count,
        url_name="supervision:task-list",
        query={"state": TaskState.SUBMITTED},
        order=22,
    ),
    workbench.Item(
        key="supervision.evaluation",
        label="评分中的年终考评",
        perm=MANAGE,
        count=evaluation_count,
        url_name="supervision:evaluation-list",
        link=evaluation_link,
        kind=workbench.REMIND,
        order=23,
    ),
)
workbench.register_deadline(
    workbench.Deadline(key="supervision.task_deadline", perm="reform.report", upcoming=upcoming, show=_unit_only),
)
