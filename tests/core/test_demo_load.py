"""Loading the demo county on a database that holds something else, and what it costs in queries.

(The checks of what the demo makes are in test_demo.py, on the shared demo county.)"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from gefeng.core import demo
from gefeng.core.context import RequestInfo, acting_from
from gefeng.orgs.models import OrgNode

pytestmark = pytest.mark.django_db


def test_production_refuses_to_wipe_a_tree_it_did_not_load(settings, tree):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", "--no-members", stdout=io.StringIO())
    assert OrgNode.objects.filter(name="恒辉编织机械工会委员会").exists()
    call_command("demo", "--force", "--no-members", stdout=io.StringIO())
    assert not OrgNode.objects.filter(name="恒辉编织机械工会委员会").exists()


# Modules whose demo runs their own services on each record (the county's figures come out of
# what the services did), so their query count follows their few hundred demo records.
SERVICE_DRIVEN = {"care", "rights", "skills", "democracy", "learning"}


def test_a_bounded_number_of_queries(django_assert_max_num_queries, monkeypatch):
    """The tree, the accounts and every module's part write in bulk: a fixed number of queries
    each, however many rows they make."""
    with monkeypatch.context() as patch:
        patch.setattr(demo, "_module_demos", {})
        # One delete per table holding rows of an account, for the demo accounts: it grows with
        # the tables, not with the rows.
        # The accounts include the 26 representatives' phone accounts of the democracy demo.
        with django_assert_max_num_queries(800):
            demo.load_demo(registry=False)
        with django_assert_max_num_queries(800):
            demo.load_demo(registry=False)
    demo.load_demo(registry=False)
    parts = demo._module_parts()
    assert {p.name for p in parts} >= {"reform", "supervision", "honours", "allowances"}
    with acting_from(RequestInfo(source="cli")), transaction.atomic():
        for part in reversed(parts):
            with django_assert_max_num_queries(150):
                part.clear()
        for part in parts:
            if part.name in SERVICE_DRIVEN:  # their figures must come from their own services, row by row
                part.load(stdout=None, registry=False)
                continue
            with django_assert_max_num_queries(250):
                part.load(stdout=None, registry=False)
