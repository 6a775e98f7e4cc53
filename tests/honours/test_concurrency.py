"""Two officers approving the same campaign at once (PostgreSQL): the honours are written once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gefeng.core.actors import SYSTEM
from gefeng.honours import services
from gefeng.honours.models import Honour
from tests.honours.conftest import TODAY, join, nominate, open_campaign, shortlist


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_write_the_honours_once(tree, personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    campaign, award = open_campaign(tree)
    for name in ("并发甲", "并发乙"):
        shortlist(nominate(campaign, award, tree.xinge, join(tree.xinge_union, name)))
    campaign = services.campaign_start_notice(actor=SYSTEM, campaign=campaign, starts_on=TODAY - dt.timedelta(days=9))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.campaign_approve(actor=personas["county"], campaign=campaign, decided_on=TODAY)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[0] == "ok" and "只有公示中的活动可以批准表彰" in sorted(outcomes)[1]
    assert Honour.objects.filter(campaign=campaign).count() == 2
