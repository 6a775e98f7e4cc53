"""The demo reproduces the county's account through this module's own services: twelve imported
and circulated 学习强国 rounds with rates against the registry, the bus company's contest, 龙固镇's
10 activists and 6 new party members, the 5 bases, 32 书房 and 6 city-level 四有职工之家."""

from __future__ import annotations

import pytest

from gefeng.core import figures
from gefeng.learning.models import Contest, Position, ResultImport, Round, RoundStatus
from gefeng.orgs.models import OrgNode


@pytest.fixture
def loaded(demo_registry):
    return demo_registry


def test_the_account_figures(loaded):
    county = OrgNode.objects.get(code="320322")
    got = figures.compute(county, 2020)
    assert got["party_activists"] == 10 and got["party_members_admitted"] == 6
    assert got["education_bases"] == 5 and got["reading_rooms"] == 32
    assert got["worker_homes"] == {"市级": 6}
    assert got["quiz_participants"] == 60 and got["quiz_average_score"] > 0
    assert got["safety_sessions"] == 12 and got["safety_trainees"] == loaded["safety_trainees"]
    assert 0.5 < got["study_participation_rate"] < 1
    names = set(Position.objects.filter(kind="base").values_list("name", flat=True))
    assert {"陈油坊村“红馆”", "经济开发区工业展览馆", "鸿鹄园", "好人广场", "文景园"} == names


def test_twelve_rounds_imported_and_circulated(loaded):
    rounds = list(Round.objects.order_by("number"))
    assert [r.number for r in rounds] == list(range(1, 13))
    assert all(r.status == RoundStatus.CIRCULATED and r.doc_number for r in rounds)
    assert all(r.participants <= r.target_count for r in rounds)
    assert rounds[-1].rate > rounds[0].rate  # the 通报 lifts the rate
    last = ResultImport.objects.get(round=rounds[-1])
    reasons = [r["reason"] for r in last.report]
    assert last.matched == rounds[-1].participants
    assert reasons == ["身份证号无效。", "会员名册中没有此身份证号。", "与第3行重复。"]


def test_contests(loaded):
    bus = Contest.objects.get(title__contains="公交")
    assert bus.status == "closed" and bus.attempt_set.filter(status="submitted").count() == 60
    assert Contest.objects.get(title="全县职工安全生产知识竞赛").status == "published"
