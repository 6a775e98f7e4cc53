"""Quota allocations are seen through the data scope: the organiser sees every unit's, a town
or system only its own — on the campaign page and in its compliance report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gefeng.core.actors import SYSTEM
from gefeng.honours import selectors, services
from tests.honours.conftest import open_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocated(tree):
    campaign, award = open_campaign(tree)
    for org, quota in ((tree.longgu, 2), (tree.yangtun, 3), (tree.hrss, 1)):
        services.allocation_set(actor=SYSTEM, campaign=campaign, award=award, org=org, quota=quota)
    return campaign


def _allocation_lines(user, campaign):
    _basis, report = selectors.compliance(user, campaign)
    return sorted(line.label for line in report.lines if line.kind == "allocation")


def test_towns_and_systems_see_only_their_own_allocation(tree, personas, allocated):
    assert [a.org for a in selectors.allocations(personas["town"], allocated)] == [tree.longgu]
    assert [a.org for a in selectors.allocations(personas["liaison"], allocated)] == [tree.hrss]
    town_lines = _allocation_lines(personas["town"], allocated)
    assert len(town_lines) == 1 and town_lines[0].startswith("龙固镇")
    every = {tree.longgu, tree.yangtun, tree.hrss}
    assert {a.org for a in selectors.allocations(personas["county"], allocated)} == every
    assert len(_allocation_lines(personas["county"], allocated)) == 3


def test_the_campaign_page_shows_a_town_only_its_allocation(tree, login_as, allocated):
    page = login_as("town").get(reverse("honours:campaign-detail", args=[allocated.pk])).content.decode()
    assert "龙固镇 · " in page and "杨屯镇" not in page and "县人社局 · " not in page
    county = login_as("county").get(reverse("honours:campaign-detail", args=[allocated.pk])).content.decode()
    assert "杨屯镇 · " in county and "龙固镇 · " in county
