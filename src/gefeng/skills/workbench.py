"""成长聚能 on the home page: 五小 items waiting for the committee, and patents whose statutory
inventor bonus (3 months after the grant, 专利法实施细则 §93) is not yet recorded as paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gefeng.core import scope, workbench
from gefeng.skills.models import Patent, Proposal, ProposalStatus

MANAGE = "skills.manage"


def _pending(user: Any):
    return scope.permitted(user, Proposal, MANAGE).filter(status=ProposalStatus.SUBMITTED)


def _bonus_due(user: Any):
    return scope.permitted(user, Patent, MANAGE).filter(granted_on__isnull=False, reward_paid_on__isnull=True)


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    from django.urls import reverse

    from gefeng.skills.services import reward_due

    out = []
    for patent in _bonus_due(user).order_by("granted_on", "id")[:limit]:
        due = reward_due(patent)
        if due is not None:
            out.append(
                workbench.Due(
                    on=due, label=patent.title, url=reverse("skills:patent-list"), what="专利发明人奖金发放期限"
                )
            )
    return out


workbench.register(
    workbench.Item(
        key="skills.proposals",
        label="待评审的五小项目",
        perm=MANAGE,
        count=lambda user: workbench.capped(_pending(user)),
        url_name="skills:proposal-list",
        query={"status": ProposalStatus.SUBMITTED},
        order=60,
    ),
    workbench.Item(
        key="skills.patent_bonus",
        label="待发放的专利发明人奖金",
        perm=MANAGE,
        count=lambda user: workbench.capped(_bonus_due(user)),
        url_name="skills:patent-list",
        query={"due": "1"},
        kind=workbench.REMIND,
        order=61,
    ),
)
workbench.register_deadline(workbench.Deadline(key="skills.patent_bonus", perm=MANAGE, upcoming=upcoming))
