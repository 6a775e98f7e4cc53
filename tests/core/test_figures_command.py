from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from gefeng.orgs.models import Kind, OrgNode

YEAR_END = dt.date(2020, 12, 31)


def figures(*args: str) -> dict:
    out = io.StringIO()
    call_command("figures", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def at_year_end(kind: str, root: OrgNode | None = None) -> int:
    nodes = OrgNode.objects.all() if root is None else OrgNode.objects.subtree_of(root)
    return nodes.valid_on(YEAR_END).filter(kind=kind).count()


@pytest.fixture
def county(demo_county):
    return OrgNode.objects.get(parent__isnull=True)


def test_county_figures_2020(county):
    result = figures("--year", "2020")
    assert result["member_units"] == 13
    assert result["enterprises"] == at_year_end(Kind.ENTERPRISE)
    assert result["unions"] == at_year_end(Kind.UNION)
    # closed enterprises and those founded later are not counted
    assert result["enterprises"] < OrgNode.objects.filter(kind=Kind.ENTERPRISE).count()
    assert result["unions"] < OrgNode.objects.filter(kind=Kind.UNION).count()


def test_one_enterprise(county):
    result = figures("--year", "2020", "--org", "91320322710000005c")
    assert result["member_units"] == 0
    assert result["enterprises"] == 1
    assert result["unions"] == 1


def test_a_town(county):
    longgu = OrgNode.objects.get(name="龙固镇")
    result = figures("--year", "2020", "--org", longgu.code)
    assert result["enterprises"] == at_year_end(Kind.ENTERPRISE, longgu)
    assert result["unions"] == at_year_end(Kind.UNION, longgu)


def test_unknown_org(county):
    with pytest.raises(CommandError):
        call_command("figures", "--year", "2020", "--org", "91320322MA00000000", stdout=io.StringIO())


def test_no_tree_yet(db):
    with pytest.raises(CommandError):
        call_command("figures", "--year", "2020", stdout=io.StringIO())
