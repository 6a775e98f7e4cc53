"""Read-only work goes to a replica only where one is configured, only when asked, never inside a
transaction; writes and migrations always go to the primary."""

from __future__ import annotations

import pytest
from django.db import transaction

from gefeng.core import figures, replica
from gefeng.core.replica import ReplicaRouter
from gefeng.orgs.models import OrgNode

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

router = ReplicaRouter()


@pytest.fixture
def with_replica(settings):
    # Only the router reads this: no query runs against the alias here.
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_without_a_replica_reading_changes_nothing():
    with replica.reading():
        assert router.db_for_read(OrgNode) is None


def test_reads_go_to_the_replica_only_inside_reading(with_replica):
    assert router.db_for_read(OrgNode) is None
    with replica.reading():
        assert router.db_for_read(OrgNode) == "replica"
    assert router.db_for_read(OrgNode) is None


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_stays_on_the_primary(with_replica):
    with replica.reading(), transaction.atomic():
        assert router.db_for_read(OrgNode) is None


def test_writes_and_migrations_go_to_the_primary(with_replica):
    with replica.reading():
        assert router.db_for_write(OrgNode) == "default"
    assert router.allow_migrate("default", "orgs") is True
    assert router.allow_migrate("replica", "orgs") is False


def test_figures_are_computed_inside_reading(monkeypatch):
    seen = []

    class Figure:
        @staticmethod
        def fn(root, year):
            seen.append(replica._reading.get())
            return 0

    monkeypatch.setattr(figures, "_registry", {"x": Figure})
    assert figures.compute(object(), 2020) == {"x": 0}
    assert seen == [True]
