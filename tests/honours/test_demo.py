"""The demo reproduces the county's 2020 commendations; `gefeng figures --year 2020` prints them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from gefeng.core import demo, figures
from gefeng.honours import demo as honours_demo
from gefeng.honours.models import Campaign, Honour, Nomination, Objection
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode

EXPECTED = {"劳动模范": 66, "先进集体": 29, "十佳文明职工": 20, "文明职工": 80, "五一文明示范岗": 20, "五一文明岗": 40}


@pytest.fixture
def loaded(demo_county):
    return demo_county


def test_2020_figures(loaded):
    county = OrgNode.objects.get(code="320322")
    result = figures.compute(county, 2020)
    assert result["honours_awarded"] == EXPECTED
    assert result["labour_model_frontline_share"] == round(44 / 66, 3) >= 0.6
    assert loaded["honours"] == sum(EXPECTED.values())
    out = io.StringIO()
    call_command("figures", "--year", "2020", stdout=out)
    printed = json.loads(out.getvalue().strip().splitlines()[-1])
    assert printed["honours_awarded"] == EXPECTED
    assert printed["labour_model_frontline_share"] >= 0.6
    # Another year has none; a town's subtree has its share only.
    assert figures.compute(county, 2019)["honours_awarded"] == {}
    town = OrgNode.objects.get(name="龙固镇")
    assert sum(figures.compute(town, 2020)["honours_awarded"].values()) < sum(EXPECTED.values())


def test_campaign_in_notice_with_an_objection(loaded):
    notice = Campaign.objects.get(status="notice")
    assert notice.notice_token
    assert Nomination.objects.filter(campaign=notice, status="shortlisted").count() == honours_demo.NOTICE_NOMINEES
    assert Objection.objects.filter(campaign=notice, status="open").count() == 1
    decided = Campaign.objects.filter(status="decided")
    assert decided.count() == 2
    lm = Honour.objects.filter(kind="labour_model", year=2020)
    assert lm.count() == 66
    leaders = Nomination.objects.filter(campaign__in=decided, award__kind="labour_model", is_leader=True).count()
    assert leaders / 66 <= 0.2


def test_deterministic_and_clear_removes_everything(loaded):
    def snapshot():
        rows = Honour.objects.values_list("name", "title", "org__path", "certificate_no")
        return sorted((name, title, path, number[-4:]) for name, title, path, number in rows)

    first = snapshot()
    assert demo.load_demo(registry=False) == loaded
    assert snapshot() == first
    made = Member.objects.filter(card_number__startswith=honours_demo.CARD_PREFIX).count()
    assert made > 0
    for part in reversed(demo._module_parts()):  # later parts (talent, allowances) first
        part.clear()
        if part.name == "honours":
            break
    assert not Campaign.objects.exists() and not Honour.objects.exists() and not Nomination.objects.exists()
    assert not Member.objects.filter(card_number__startswith=honours_demo.CARD_PREFIX).exists()
