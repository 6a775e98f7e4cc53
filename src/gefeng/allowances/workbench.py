"""劳模津贴 on the home page (`core.workbench`): runs submitted for approval, for the officers
who may approve them (not the one who prepared or submitted a run: a second person approves)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from gefeng.allowances.models import AllowanceRun, RunStatus
from gefeng.core import scope, workbench


def _to_approve(user: Any):
    return (
        scope.permitted(user, AllowanceRun, "allowances.manage")
        .filter(status=RunStatus.SUBMITTED)
        .exclude(Q(prepared_by_id=user.pk) | Q(submitted_by_id=user.pk))
    )


def approve_count(user: Any) -> int:
    return workbench.capped(_to_approve(user))


def approve_link(user: Any) -> str:
    rows = list(_to_approve(user).order_by("-pk").values_list("pk", flat=True)[:2])
    if len(rows) == 1:
        return reverse("allowances:run-detail", args=[rows[0]])
    return reverse("allowances:run-list")


workbench.register(
    workbench.Item(
        key="allowances.approve",
        label="待审批的津贴发放批次",
        perm="allowances.manage",
        count=approve_count,
        url_name="allowances:run-list",
        link=approve_link,
        order=40,
    ),
)
