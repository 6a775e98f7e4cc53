"""Two officers approving at the same moment, each on their own database connection (PostgreSQL):
one household is still paid once per rule and period, and a fund never goes below zero."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from gefeng.care import services
from gefeng.care.models import AidGuard, AidRecord, AidStatus, LedgerEntry
from gefeng.core.actors import SYSTEM
from tests.allowances.test_concurrency import _officers, _race
from tests.care.conftest import filed, fund, member, rule

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer on one file lock; concurrent approvals are tested on PostgreSQL",
    ),
]
TODAY = dt.date.today()


def test_two_officers_approve_two_payments_of_one_household_at_once(tree):
    f = filed(member(tree.xinge_union, name="并发甲"), org=tree.county)
    r, money = rule(tree.county), fund(tree.county)
    # Recorded once each before the other was approved (the create check cannot see the clash).
    a = services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="5000", given_on=TODAY, delivered_by="甲")
    b = services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="5000", given_on=TODAY, delivered_by="乙")
    one, two = _officers(tree)
    results = _race([lambda: services.aid_approve(actor=one, aid=a), lambda: services.aid_approve(actor=two, aid=b)])
    assert sorted(r_ == "ok" for r_ in results) == [False, True], results
    assert any("重复发放" in r_ for r_ in results), results
    assert AidGuard.objects.count() == 1
    assert AidRecord.objects.filter(status=AidStatus.APPROVED).count() == 1
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    money.refresh_from_db()
    assert money.balance == 95000


def test_two_payments_at_once_cannot_overdraw_the_fund(tree):
    r, money = rule(tree.county), fund(tree.county, amount="8000")
    aids = []
    for name in ("并发乙", "并发丙"):
        f = filed(member(tree.xinge_union, name=name), org=tree.county)
        aids.append(
            services.aid_create(
                actor=SYSTEM, file=f, rule=r, fund=money, amount="5000", given_on=TODAY, delivered_by="甲"
            )
        )
    one, two = _officers(tree)
    results = _race(
        [lambda: services.aid_approve(actor=one, aid=aids[0]), lambda: services.aid_approve(actor=two, aid=aids[1])]
    )
    assert sorted(r_ == "ok" for r_ in results) == [False, True], results
    assert any("余额" in r_ for r_ in results), results
    money.refresh_from_db()
    assert money.balance == 3000
    assert services.reconcile(money)["ok"]
