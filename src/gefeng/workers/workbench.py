"""职工端 on the union's home page (`core.workbench`): binding, joining and correction requests
waiting for the union, and their time limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from gefeng.core import menu, workbench
from gefeng.workers import selectors
from gefeng.workers.models import BindRequest, CorrectionRequest, JoinApplication, TransferRequest

KINDS = (
    ("workers.bind", "待确认的绑定申请", BindRequest, "bind"),
    ("workers.join", "待审批的入会申请", JoinApplication, "join"),
    ("workers.correction", "待办理的更正申请", CorrectionRequest, "correction"),
    ("workers.transfer", "待办理的会员接转", TransferRequest, "transfer"),
)


def _item(key: str, label: str, model: type[Any], tab: str, order: int) -> workbench.Item:
    return workbench.Item(
        key=key,
        label=label,
        perm="members.change",
        count=lambda user: workbench.capped(selectors.pending(user, model)),
        url_name="workers:union-requests",
        query={"tab": tab},
        show=menu.not_self_only,
        order=order,
    )


workbench.register(*(_item(key, label, model, tab, 50 + i) for i, (key, label, model, tab) in enumerate(KINDS)))


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    rows: list[workbench.Due] = []
    for _key, label, model, tab in KINDS:
        for req in selectors.pending(user, model)[:limit]:
            who = req.name if isinstance(req, JoinApplication) else req.member.name
            rows.append(
                workbench.Due(
                    on=req.due_on,
                    label=f"{label.split('的', 1)[-1]}：{who}",
                    url=reverse("workers:union-requests") + f"?tab={tab}",
                    what="办理期限",
                )
            )
    return rows


workbench.register_deadline(
    workbench.Deadline(key="workers.requests", perm="members.change", upcoming=upcoming, show=menu.not_self_only)
)
