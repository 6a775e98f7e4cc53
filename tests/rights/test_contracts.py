"""A collective contract from 要约 to effect, with every statutory clock (集体合同规定), and the
refusals naming their article."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.rights import clocks, services
from gefeng.rights.models import ContractStatus, Negotiator, Stage
from tests.rights.conftest import D, contract_to, team

pytestmark = pytest.mark.django_db


def _clock(contract, label_start):
    return next(c for c in contract.clocks() if c.label.startswith(label_start))


def test_offer_to_effective_with_every_clock(tree):
    c = services.contract_offer(actor=SYSTEM, org=tree.xinge, kind="wage", offer_on=D(2021, 4, 30))
    assert c.reply_due == D(2021, 5, 20)  # §32: 20 days
    assert _clock(c, "书面回应").article == clocks.REPLY.article == "《集体合同规定》第三十二条"
    assert _clock(c, "书面回应").state(D(2021, 5, 21)) == "overdue"
    c = services.contract_reply(actor=SYSTEM, contract=c, reply_on=D(2021, 5, 10), agrees=True)
    assert c.status == ContractStatus.NEGOTIATING and _clock(c, "书面回应").state(D(2021, 6, 1)) == "done"
    team(c)
    services.talk_add(actor=SYSTEM, contract=c, held_on=D(2021, 5, 20), data_provided_on=D(2021, 5, 14))
    wage = _clock(c, "提供工资协商资料")
    assert wage.due == D(2021, 5, 15) and wage.state(D(2021, 6, 1)) == "done"
    c = services.contract_draft(actor=SYSTEM, contract=c, draft_agreed_on=D(2021, 5, 25), term_months=36)
    c = services.contract_vote(actor=SYSTEM, contract=c, congress_on=D(2021, 5, 28), total=60, present=40, votes_for=31)
    assert c.status == ContractStatus.APPROVED
    c = services.contract_sign(actor=SYSTEM, contract=c, signed_on=D(2021, 6, 1), start_on=D(2021, 6, 1))
    assert c.filing_due == D(2021, 6, 11)  # §42: 10 days
    assert c.end_on == D(2024, 5, 31) and c.renewal_from == D(2024, 3, 1)  # §38
    c = services.contract_file(actor=SYSTEM, contract=c, filed_on=D(2021, 6, 8))
    assert c.review_due == D(2021, 6, 23)  # §47: 15 days from receipt
    with pytest.raises(ValidationError, match="尚未届满"):
        services.contract_deem_effective(actor=SYSTEM, contract=c, on=D(2021, 6, 23))
    c = services.contract_deem_effective(actor=SYSTEM, contract=c, on=D(2021, 6, 24))
    assert c.status == ContractStatus.EFFECTIVE and c.review_result == "deemed" and c.effective_on == D(2021, 6, 24)
    review = _clock(c, "审查")
    assert review.note == "期满无异议，视为生效" and "第四十七条" in review.article
    c = services.contract_publish(actor=SYSTEM, contract=c, published_on=D(2021, 6, 25))
    renewal = _clock(c, "续订")
    assert renewal.start == D(2024, 3, 1) and renewal.due == D(2024, 5, 31) and renewal.article == clocks.TERM_ARTICLE
    actions = set(AuditEntry.objects.filter(object_id=str(c.pk)).values_list("action", flat=True))
    assert {"rights.contract.offered", "rights.contract.voted", "rights.contract.deemed"} <= actions


def test_sweep_deems_effective_and_expires(tree):
    filed = contract_to(tree.xinge, "filed")
    old = contract_to(tree.xinge, "effective", kind="general", term=12)
    result = services.contracts_sweep(actor=SYSTEM, on=D(2022, 7, 1))
    filed.refresh_from_db()
    old.refresh_from_db()
    assert result == {"deemed": 1, "expired": 1}  # the 12-month contract ended on 2022-05-31
    assert filed.review_result == "deemed" and old.status == ContractStatus.EXPIRED


def test_objection_after_fifteen_days_is_refused(tree):
    c = contract_to(tree.xinge, "filed")
    late = c.review_due + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.contract_review(actor=SYSTEM, contract=c, review_on=late, passed=False, note="条款低于标准")
    assert "已依法生效" in str(exc.value) and "第四十七条" in str(exc.value)
    c = services.contract_review(actor=SYSTEM, contract=c, review_on=c.review_due, passed=False, note="条款低于标准")
    assert c.status == ContractStatus.OBJECTED


def test_renewal_window(tree):
    c = contract_to(tree.xinge, "effective")
    with pytest.raises(ValidationError, match="期满前3个月内"):
        services.contract_renew(actor=SYSTEM, contract=c, offer_on=c.renewal_from - dt.timedelta(days=1))
    new = services.contract_renew(actor=SYSTEM, contract=c, offer_on=c.renewal_from)
    assert new.previous == c and new.kind == c.kind and new.status == ContractStatus.OFFERED
    assert _clock(c, "续订").done_on == c.renewal_from


@pytest.mark.parametrize(
    "reply_on,message",
    [(D(2021, 4, 29), "不能早于要约书送达日期"), ("2021-13-01", "无法识别"), ("", "请填写书面回应日期")],
)
def test_bad_reply_dates(tree, reply_on, message):
    c = contract_to(tree.xinge, "offered")
    with pytest.raises(ValidationError) as exc:
        services.contract_reply(actor=SYSTEM, contract=c, reply_on=reply_on)
    assert message in str(exc.value)
    c.refresh_from_db()
    assert c.status == ContractStatus.OFFERED and c.reply_on is None


def test_refusal_needs_a_reason(tree):
    c = contract_to(tree.xinge, "offered")
    with pytest.raises(ValidationError, match="第三十二条"):
        services.contract_reply(actor=SYSTEM, contract=c, reply_on=D(2021, 5, 5), agrees=False)


def test_team_rules_block_the_talks(tree):
    c = contract_to(tree.xinge, "offered")
    c = services.contract_reply(actor=SYSTEM, contract=c, reply_on=D(2021, 5, 5))
    for i, role in enumerate(("chief", "member", "member")):
        services.negotiator_add(actor=SYSTEM, contract=c, side="worker", name=f"职{i}", role=role)
    services.negotiator_add(actor=SYSTEM, contract=c, side="employer", name="企0", role="chief")
    services.negotiator_add(actor=SYSTEM, contract=c, side="employer", name="企1", role="expert")
    problems = services.team_problems(c)
    assert any("对等" in p and "第十九条" in p for p in problems)
    assert any("不少于 3 人" in p for p in problems)
    assert any("三分之一" in p and "第二十三条" in p for p in problems)
    assert any("记录员" in p for p in problems)
    with pytest.raises(ValidationError, match="第十九条"):
        services.talk_add(actor=SYSTEM, contract=c, held_on=D(2021, 5, 10))
    with pytest.raises(ValidationError, match="第二十四条"):
        services.negotiator_add(actor=SYSTEM, contract=c, side="employer", name="职1")
    with pytest.raises(ValidationError, match="已有首席代表"):
        services.negotiator_add(actor=SYSTEM, contract=c, side="worker", name="职9", role="chief")


def test_chief_may_not_be_an_outsider():
    sides = {
        "worker": [{"name": f"w{i}", "key": f"w{i}", "chief": i == 0, "expert": i == 0} for i in range(3)],
        "employer": [{"name": f"e{i}", "key": f"e{i}", "chief": i == 0, "expert": False} for i in range(3)],
    }
    assert any("首席代表不得由外聘人员担任" in p for p in clocks.team_problems(sides, "记录"))


def test_vacancy_clock_and_filling(tree):
    c = contract_to(tree.xinge, "negotiating")
    n = Negotiator.objects.filter(contract=c, side="worker", role="member").first()
    services.negotiator_leave(actor=SYSTEM, negotiator=n, left_on=D(2021, 5, 12))
    vacancy = _clock(c, "补充协商代表")
    assert vacancy.due == D(2021, 5, 27) and vacancy.article == clocks.VACANCY.article
    services.negotiator_add(actor=SYSTEM, contract=c, side="worker", name="补充代表", joined_on=D(2021, 5, 20))
    n.refresh_from_db()
    assert n.filled_on == D(2021, 5, 20)
    assert not [x for x in c.clocks() if x.label.startswith("补充协商代表")]


@pytest.mark.parametrize("term", [0, 11, 37, 48])
def test_term_outside_one_to_three_years(tree, term):
    c = contract_to(tree.xinge, "negotiating")
    services.talk_add(actor=SYSTEM, contract=c, held_on=D(2021, 5, 20))
    with pytest.raises(ValidationError) as exc:
        services.contract_draft(actor=SYSTEM, contract=c, draft_agreed_on=D(2021, 5, 25), term_months=term)
    assert "1至3年" in str(exc.value) and "第三十八条" in str(exc.value)


@pytest.mark.parametrize(
    "total,present,votes_for,message",
    [(60, 39, 39, "不足全体 60 人的三分之二"), (60, 50, 30, "未超过全体 60 人的半数"), (60, 61, 40, "不能超过")],
)
def test_vote_below_quorum_or_majority(tree, total, present, votes_for, message):
    c = contract_to(tree.xinge, "negotiating")
    services.talk_add(actor=SYSTEM, contract=c, held_on=D(2021, 5, 20))
    c = services.contract_draft(actor=SYSTEM, contract=c, draft_agreed_on=D(2021, 5, 25), term_months=24)
    with pytest.raises(ValidationError) as exc:
        services.contract_vote(
            actor=SYSTEM, contract=c, congress_on=D(2021, 5, 28), total=total, present=present, votes_for=votes_for
        )
    assert message in str(exc.value)
    c.refresh_from_db()
    assert c.status == ContractStatus.NEGOTIATING and c.congress_on is None


def test_exact_quorum_passes():
    assert clocks.vote_problems(60, 40, 31) == []
    assert clocks.vote_problems(60, 40, 30)  # half is not more than half


def test_regional_contract_at_county_level_or_below(tree):
    with pytest.raises(ValidationError, match="第五十三条"):
        services.contract_offer(
            actor=SYSTEM, org=tree.xinge, coverage="regional", offer_on=D(2021, 4, 30), enterprises=[tree.xinge]
        )
    c = services.contract_offer(
        actor=SYSTEM, org=tree.longgu, coverage="regional", offer_on=D(2021, 4, 30), enterprises=[tree.xinge]
    )
    assert c.enterprise_count == 1 and c.employees == 320
    with pytest.raises(ValidationError, match="覆盖企业"):
        services.contract_offer(
            actor=SYSTEM, org=tree.longgu, coverage="sector", offer_on=D(2021, 4, 30), enterprises=[tree.henghui]
        )


def test_campaign_target_follows_its_contract(tree):
    campaign = services.campaign_create(
        actor=SYSTEM, org=tree.county, year=2021, name="春季要约", start_on=D(2021, 3, 1), end_on=D(2021, 6, 30)
    )
    target = services.target_add(actor=SYSTEM, campaign=campaign, enterprise=tree.xinge, priority="no_contract")
    with pytest.raises(ValidationError, match="已在本次要约对象中"):
        services.target_add(actor=SYSTEM, campaign=campaign, enterprise=tree.xinge, priority="no_wage")
    with pytest.raises(ValidationError, match="行动期间"):
        services.target_offer(actor=SYSTEM, target=target, offer_on=D(2021, 7, 1))
    c = services.target_offer(actor=SYSTEM, target=target, offer_on=D(2021, 4, 30))
    target.refresh_from_db()
    assert target.stage == Stage.SENT and target.contract == c
    services.contract_reply(actor=SYSTEM, contract=c, reply_on=D(2021, 5, 6))
    target.refresh_from_db()
    assert target.stage == Stage.REPLIED


def test_pick_targets_by_priority(tree):
    contract_to(tree.xinge, "effective", kind="general")
    campaign = services.campaign_create(
        actor=SYSTEM, org=tree.county, year=2021, name="春季要约", start_on=D(2021, 3, 1), end_on=D(2021, 6, 30)
    )
    assert services.targets_pick(actor=SYSTEM, campaign=campaign, priority="no_contract") == 1  # 恒辉
    assert services.targets_pick(actor=SYSTEM, campaign=campaign, priority="no_wage") == 1  # 新格: general only
    with pytest.raises(ValidationError, match="逐家添加"):
        services.targets_pick(actor=SYSTEM, campaign=campaign, priority="low_pay")


def test_outsiders_may_not_write(tree, personas):
    c = contract_to(tree.henghui, "offered")
    with pytest.raises(PermissionDenied):
        services.contract_reply(actor=personas["chair"], contract=c, reply_on=D(2021, 5, 5))
    with pytest.raises(PermissionDenied):
        services.contract_offer(actor=personas["town"], org=tree.henghui, offer_on=D(2021, 4, 30))
    with pytest.raises(PermissionDenied):
        services.contract_offer(actor=personas["worker"], org=tree.xinge, offer_on=D(2021, 4, 30))
    own = services.contract_offer(actor=personas["chair"], org=tree.xinge, offer_on=D(2021, 4, 30))
    assert own.created_by == personas["chair"]
