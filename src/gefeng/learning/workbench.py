"""引领聚魂 on the home page: study rounds waiting to be circulated."""

from __future__ import annotations

from typing import Any

from gefeng.core import scope, workbench
from gefeng.learning.models import Round, RoundStatus


def _open_rounds(user: Any):
    return scope.permitted(user, Round, "learning.manage").filter(status=RoundStatus.OPEN, participants__gt=0)


workbench.register(
    workbench.Item(
        key="learning.circulate",
        label="待通报的学习轮次",
        perm="learning.manage",
        count=lambda user: workbench.capped(_open_rounds(user)),
        url_name="learning:campaign-list",
        order=45,
    ),
)
