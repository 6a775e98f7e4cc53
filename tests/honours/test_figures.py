"""honours_awarded and labour_model_frontline_share, from the register."""

from __future__ import annotations

import pytest

from gefeng.core import figures
from gefeng.core.actors import SYSTEM
from gefeng.honours import services
from gefeng.honours.models import Nomination
from tests.honours.conftest import TODAY, join, nominate, open_campaign

pytestmark = pytest.mark.django_db


def _grant(person=None, org=None, kind="labour_model", year=2020, level="county", title="沛县劳动模范"):
    return services.honour_grant(
        actor=SYSTEM, person=person, org=org, kind=kind, title=title, level=level, year=year, issuer="沛县"
    )


def test_figures_count_the_register_by_year_kind_and_subtree(tree):
    a = join(tree.xinge_union, "一线甲", job="一线工人")
    b = join(tree.xinge_union, "技术乙", job="技术人员")
    c = join(tree.henghui_union, "管理丙", job="管理人员")
    d = join(tree.henghui_union, "撤销丁", job="管理人员")
    for p in (a, b, c):
        _grant(p)
    _grant(d).__class__.objects.filter(person=d).update(revoked_on=TODAY)  # revoked: not counted
    _grant(a, kind="labour_model", level="provincial", title="江苏省劳动模范")  # other levels count too
    _grant(org=tree.xinge_team, kind="advanced_collective", title="沛县先进集体")
    _grant(b, kind="civilized_worker", title="沛县文明职工", year=2019)
    result = figures.compute(tree.county, 2020)
    assert result["honours_awarded"] == {"劳动模范": 4, "先进集体": 1}
    assert result["labour_model_frontline_share"] == 0.75  # 3 of 4 (甲 twice, 乙)
    assert figures.compute(tree.county, 2019)["honours_awarded"] == {"文明职工": 1}
    longgu = figures.compute(tree.longgu, 2020)
    assert longgu["honours_awarded"] == {"劳动模范": 3, "先进集体": 1}
    assert longgu["labour_model_frontline_share"] == 1.0
    assert figures.compute(tree.county, 2030)["labour_model_frontline_share"] == 0.0


def test_frontline_share_uses_the_category_recorded_at_nomination(tree):
    campaign, award = open_campaign(tree, required_clearances=[])
    person = join(tree.xinge_union, "后升职", job="一线工人")
    n = nominate(campaign, award, tree.xinge, person)
    services.honour_grant(
        actor=SYSTEM,
        person=person,
        kind="labour_model",
        title="沛县劳动模范",
        level="county",
        year=2020,
        issuer="沛县",
        nomination=n,
    )
    person.__class__.objects.filter(pk=person.pk).update(job_category="管理人员")  # promoted later
    assert Nomination.objects.get(pk=n.pk).job_category == "一线工人"
    assert figures.compute(tree.county, 2020)["labour_model_frontline_share"] == 1.0
