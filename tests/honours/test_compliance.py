"""The live compliance arithmetic: shares, "还差 N 人", quotas and allocations, per-person rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.honours import compliance, services
from gefeng.honours.models import Nomination, Rule, RuleKind, Trait
from tests.honours.conftest import join, nominate, open_campaign, shortlist

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("k", "n", "p", "expected"),
    [
        (21, 36, Fraction(60, 100), 2),  # 58.3 % < 60 %: (21+2)/(36+2) = 60.5 %
        (35, 60, Fraction(60, 100), 3),  # (35+2)/62 = 59.7 % still short, 38/63 = 60.3 %
        (7, 12, Fraction(60, 100), 1),
        (36, 60, Fraction(60, 100), 0),  # exactly 60 % holds
        (0, 0, Fraction(60, 100), 0),
        (0, 10, Fraction(1, 2), 10),
        (3, 4, Fraction(1), None),  # 100 %: no number of additions reaches it
    ],
)
def test_min_share_additions(k, n, p, expected):
    got = compliance.min_share_additions(k, n, p)
    assert got == expected
    if got:  # minimal: one fewer is not enough, this many is
        assert Fraction(k + got, n + got) >= p
        assert Fraction(k + got - 1, n + got - 1) < p


@pytest.mark.parametrize(
    ("k", "n", "p", "removals", "swaps"),
    [
        (15, 60, Fraction(20, 100), 4, 3),  # 25 % > 20 %: 11/56 = 19.6 %; or swap 3 → 12/60
        (12, 60, Fraction(20, 100), 0, 0),
        (2, 2, Fraction(0), 2, 2),
        (5, 10, Fraction(40, 100), 2, 1),
    ],
)
def test_max_share_remedies(k, n, p, removals, swaps):
    assert compliance.max_share_removals(k, n, p) == removals
    assert compliance.max_share_replacements(k, n, p) == swaps
    if removals and removals < n:
        assert Fraction(k - removals, n - removals) <= p
        assert Fraction(k - removals + 1, n - removals + 1) > p


def test_min_share_replacements():
    assert compliance.min_share_replacements(21, 36, Fraction(60, 100)) == 1  # 21.6 → 22
    assert compliance.min_share_replacements(40, 60, Fraction(60, 100)) == 0


def _fake(job: str = "一线工人", **kw) -> Nomination:
    return Nomination(name="某", job_category=job, person_id=1, award_id=1, **kw)


def test_share_line_says_how_many_are_missing():
    rule = Rule(kind=RuleKind.MIN_SHARE, trait=Trait.FRONTLINE, percent=Decimal("60.00"))
    nominees = [_fake() for _ in range(21)] + [_fake("管理人员") for _ in range(15)]
    line = compliance.share_line(rule, nominees, "")
    assert not line.ok
    assert line.text.startswith("一线职工占比 58.3%（21/36）< 60%，还差 2 人")
    assert "或将 1 名人选换为一线职工" in line.text
    ok = compliance.share_line(rule, nominees[:21] + nominees[21:35], "")
    assert ok.ok and "60.0%（21/35）≥ 60%" in ok.text


def test_share_line_for_a_maximum():
    rule = Rule(kind=RuleKind.MAX_SHARE, trait=Trait.LEADER, percent=Decimal("20"))
    nominees = [_fake("管理人员", is_leader=True) for _ in range(3)] + [_fake() for _ in range(7)]
    line = compliance.share_line(rule, nominees, "")
    assert not line.ok
    assert "企业负责人占比 30.0%（3/10）> 20%，需减少 2 名企业负责人" in line.text
    assert compliance.share_line(rule, [], "").ok


@pytest.mark.parametrize(
    ("trait", "kw", "expected"),
    [
        (Trait.FRONTLINE, {"job_category": "技术人员"}, True),
        (Trait.FRONTLINE, {"job_category": "管理人员"}, False),
        (Trait.FEMALE, {"sex": "女"}, True),
        (Trait.MIGRANT, {"migrant": True}, True),
        (Trait.NON_PUBLIC, {"non_public": True}, True),
        (Trait.OFFICIAL, {"is_official": True}, True),
        (Trait.LEADER, {}, False),
    ],
)
def test_traits(trait, kw, expected):
    assert compliance.has_trait(Nomination(**kw), trait) is expected


def test_every_ratio_rule_live_on_a_campaign(tree):
    campaign, award = open_campaign(tree, quota=10, required_clearances=[])
    for trait, percent, kind in (
        (Trait.FRONTLINE, 60, RuleKind.MIN_SHARE),
        (Trait.LEADER, 20, RuleKind.MAX_SHARE),
        (Trait.MIGRANT, 25, RuleKind.MIN_SHARE),
        (Trait.FEMALE, 50, RuleKind.MIN_SHARE),
        (Trait.NON_PUBLIC, 35, RuleKind.MIN_SHARE),
    ):
        services.rule_add(actor=SYSTEM, campaign=campaign, data={"kind": kind, "trait": trait, "percent": percent})
    people = [
        join(tree.xinge_union, "甲一", job="一线工人", sex="女", migrant=True),
        join(tree.xinge_union, "乙二", job="管理人员", sex="男"),
        join(tree.henghui_union, "丙三", job="管理人员", sex="男"),
    ]
    nominate(campaign, award, tree.xinge, people[0])
    shortlist(nominate(campaign, award, tree.xinge, people[1], is_leader=True))
    shortlist(nominate(campaign, award, tree.henghui, people[2]))
    live = list(Nomination.objects.filter(campaign=campaign, status__in=["town", "county", "shortlisted"]))
    report = compliance.evaluate(campaign, live)
    texts = {line.label: line for line in report.lines}
    assert texts["一线职工占比"].text.startswith("一线职工占比 0.0%（0/2）< 60%，还差 3 人")
    assert not texts["企业负责人占比"].ok  # 1/2 = 50 % > 20 %
    assert not texts["农民工占比"].ok
    assert "还差 2 人" in texts["女职工占比"].text  # 0/2 → 2/4 = 50 %
    assert texts["非公有制单位人员占比"].ok  # both enterprises are private
    assert texts["沛县模范评选"].ok  # quota 2 / 10
    # The draft is not counted; once submitted and shortlisted the shares move.
    assert report.count == 2


def test_quota_and_allocation_lines(tree):
    campaign, award = open_campaign(tree, quota=3)
    services.allocation_set(actor=SYSTEM, campaign=campaign, award=award, org=tree.longgu, quota=1)
    a = shortlist(nominate(campaign, award, tree.xinge, join(tree.xinge_union, "张甲")))
    assert a.status == "shortlisted"
    b = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "张乙"))
    with pytest.raises(ValidationError, match="龙固镇“沛县模范评选”名额 1 个已用完"):
        services.nomination_submit(actor=SYSTEM, nomination=b)
    report = compliance.evaluate(campaign, [a])
    lines = {line.kind: line for line in report.lines}
    assert lines["allocation"].text == "龙固镇 · 沛县模范评选：1 / 分配 1"
    assert lines["quota"].text == "沛县模范评选：1 / 名额 3"
    over = compliance.evaluate(campaign, [a, b])
    assert "超出 1 名" in next(x for x in over.lines if x.kind == "allocation").text


def test_per_person_rules(tree):
    campaign, award = open_campaign(tree)
    services.rule_add(actor=SYSTEM, campaign=campaign, data={"kind": RuleKind.NO_REPEAT, "years": 5})
    services.rule_add(
        actor=SYSTEM,
        campaign=campaign,
        data={"kind": RuleKind.REQUIRED_PRIOR, "prior_kind": "civilized_worker", "prior_level": "county"},
    )
    services.rule_add(actor=SYSTEM, campaign=campaign, data={"kind": RuleKind.EXCLUDE, "trait": Trait.OFFICIAL})
    old = join(tree.xinge_union, "老模范")
    services.honour_grant(
        actor=SYSTEM,
        person=old,
        kind="labour_model",
        title="沛县劳动模范",
        level="county",
        year=campaign.year - 2,
        issuer="沛县人民政府",
    )
    with pytest.raises(ValidationError) as exc:
        nominate(campaign, award, tree.xinge, old)
    text = " ".join(exc.value.messages)
    assert "5 年内不重复授予" in text and "未获得县级及以上“文明职工”" in text
    fresh = join(tree.xinge_union, "新人")
    services.honour_grant(
        actor=SYSTEM,
        person=fresh,
        kind="civilized_worker",
        title="沛县文明职工",
        level="city",
        year=campaign.year - 1,
        issuer="沛县总工会",
    )
    n = nominate(campaign, award, tree.xinge, fresh)
    assert n.status == "draft"
    with pytest.raises(ValidationError, match="党政机关干部，按规定不得推荐"):
        services.nomination_update(actor=SYSTEM, nomination=n, data={"is_official": True})
    # A repeat long ago is fine.
    older = join(tree.xinge_union, "早年模范")
    for kind, year in (("labour_model", campaign.year - 6), ("civilized_worker", campaign.year - 6)):
        services.honour_grant(
            actor=SYSTEM, person=older, kind=kind, title=f"沛县{kind}", level="county", year=year, issuer="沛县"
        )
    assert nominate(campaign, award, tree.xinge, older).pk
