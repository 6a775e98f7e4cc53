"""Two officers approving at the same moment, each on their own database connection (PostgreSQL):
a person is still paid at most once per kind and year, and the loser gets a clean message."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gefeng.accounts import services as account_services
from gefeng.allowances import services
from gefeng.allowances.models import AllowanceRun, Payment, RunLine, RunStatus
from gefeng.core.actors import SYSTEM
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer on one file lock; concurrent approvals are tested on PostgreSQL",
    ),
]


def _officers(tree):
    return [
        account_services.user_create(
            actor=SYSTEM,
            username=f"officer{i}",
            name=f"审批人{i}",
            org=tree.county,
            password=PASSWORD,
            roles={"county_admin"},
            must_change=False,
        )
        for i in (1, 2)
    ]


def _race(jobs) -> list[str]:
    """Run the jobs in threads released together; return "ok" or the error message of each."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = [""] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            job()
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = "；".join(exc.messages)
        except Exception as exc:
            results[i] = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def two_runs(tree, kinds, model_factory):
    for name in ("甲一某", "乙二某", "丙三某"):
        model_factory(name=name)
    a = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    b = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    services.run_submit(actor=SYSTEM, run=a)
    services.run_submit(actor=SYSTEM, run=b)
    return a, b


def test_two_officers_approve_two_clashing_runs_at_once(tree, two_runs):
    a, b = two_runs
    one, two = _officers(tree)
    results = _race([lambda: services.run_approve(actor=one, run=a), lambda: services.run_approve(actor=two, run=b)])
    assert sorted(r == "ok" for r in results) == [False, True], results
    loser = next(r for r in results if r != "ok")
    assert "不能重复发放" in loser
    assert Payment.objects.count() == RunLine.objects.filter(run=a).count() == 6
    assert Payment.objects.values("person", "kind", "year").distinct().count() == 6
    statuses = sorted(AllowanceRun.objects.values_list("status", flat=True))
    assert statuses == sorted([RunStatus.APPROVED, RunStatus.SUBMITTED])


def test_the_database_constraint_catches_what_the_check_missed(tree, two_runs, monkeypatch):
    """Both approvals pass the friendly check before either commits (as in a true race): the
    ledger's unique constraint refuses the second, which gets the same clean message."""
    a, b = two_runs
    one, two = _officers(tree)
    monkeypatch.setattr(services, "clashes", lambda run: 0)
    results = _race([lambda: services.run_approve(actor=one, run=a), lambda: services.run_approve(actor=two, run=b)])
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert "不能重复发放" in next(r for r in results if r != "ok")
    assert Payment.objects.count() == 6


def test_two_officers_approve_the_same_run_at_once(tree, two_runs):
    a, _b = two_runs
    one, two = _officers(tree)
    results = _race([lambda: services.run_approve(actor=one, run=a), lambda: services.run_approve(actor=two, run=a)])
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert "已审批" in next(r for r in results if r != "ok")
    assert Payment.objects.count() == 6
