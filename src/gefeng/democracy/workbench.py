"""民主管理 on the home page: the materials clock (a voting meeting's materials are due
`materials_days` — 7 by default, 上海条例 §30 — before it), proposals to review, overdue answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gefeng.core import scope, workbench
from gefeng.democracy.models import VOTING_KINDS, Meeting, MeetingStatus, Proposal, ProposalStatus

MANAGE = "democracy.manage"
HORIZON_DAYS = 30


def _materials_due(user: Any, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        scope.permitted(user, Meeting, MANAGE)
        .filter(
            status=MeetingStatus.PLANNED,
            kind__in=list(VOTING_KINDS),
            materials_sent_on__isnull=True,
            date__gte=today,
            date__lte=today + dt.timedelta(days=HORIZON_DAYS),
        )
        .select_related("congress")
    )


def _to_review(user: Any):
    return scope.permitted(user, Proposal, MANAGE).filter(status=ProposalStatus.SUBMITTED)


def _overdue(user: Any):
    return scope.permitted(user, Proposal, MANAGE).filter(
        status=ProposalStatus.ASSIGNED, deadline__lt=timezone.localdate()
    )


def materials_link(user: Any) -> str:
    first = _materials_due(user).order_by("date").values_list("pk", flat=True).first()
    return reverse("democracy:meeting-detail", args=[first]) if first else reverse("democracy:congress-list")


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    rows = []
    for m in _materials_due(user, today).order_by("date")[:limit]:
        send_by = m.date - dt.timedelta(days=m.congress.materials_days)
        rows.append(
            workbench.Due(
                on=send_by, label=f"{m.title}：材料送达代表", url=reverse("democracy:meeting-detail", args=[m.pk]),
                what="材料截止",
            )
        )  # fmt: skip
    proposals = (
        scope.permitted(user, Proposal, MANAGE)
        .filter(status=ProposalStatus.ASSIGNED, deadline__gte=today)
        .order_by("deadline")[:limit]
    )
    for p in proposals:
        assert p.deadline is not None
        rows.append(
            workbench.Due(
                on=p.deadline, label=f"提案{p}：{p.department}答复",
                url=reverse("democracy:proposal-detail", args=[p.pk]), what="办理期限",
            )
        )  # fmt: skip
    return rows


workbench.register(
    workbench.Item(
        key="democracy.materials",
        label="待向代表发送会议材料",
        perm=MANAGE,
        count=lambda user: workbench.capped(_materials_due(user)),
        url_name="democracy:congress-list",
        link=materials_link,
        order=50,
    ),
    workbench.Item(
        key="democracy.proposals_review",
        label="待审查的职代会提案",
        perm=MANAGE,
        count=lambda user: workbench.capped(_to_review(user)),
        url_name="democracy:proposal-list",
        query={"status": ProposalStatus.SUBMITTED},
        order=51,
    ),
    workbench.Item(
        key="democracy.proposals_overdue",
        label="超期未答复的提案",
        perm=MANAGE,
        count=lambda user: workbench.capped(_overdue(user)),
        url_name="democracy:proposal-list",
        query={"overdue": "1"},
        kind=workbench.REMIND,
        order=52,
    ),
)
workbench.register_deadline(workbench.Deadline(key="democracy.deadlines", perm=MANAGE, upcoming=upcoming))
