"""The 维权 figures and workbench items: indexed counts over this module's tables, each item for
whoever must act, overdue clocks counted."""

from __future__ import annotations

import datetime as dt

import pytest

from gefeng.core import figures, workbench
from gefeng.core.actors import SYSTEM
from gefeng.rights import services
from tests.rights.conftest import D, contract_to

pytestmark = pytest.mark.django_db


def _count(key, user):
    item = workbench.get(key)
    return item.count(user) if item.applies(user) else None


def test_contract_figures(tree):
    contract_to(tree.xinge, "effective", kind="wage")
    contract_to(tree.xinge, "effective", kind="general", term=12)
    regional = services.contract_offer(
        actor=SYSTEM, org=tree.yangtun, coverage="regional", offer_on=D(2021, 4, 30), enterprises=[tree.henghui]
    )
    assert regional.employees == 180
    got = figures.compute(tree.county, 2021)
    assert got["contracts_effective"] == {"综合性集体合同": 1, "工资专项集体合同": 1}
    assert got["contract_coverage_enterprises"] == 1 and got["contract_coverage_employees"] == 320
    # In 2022 the 12-month contract has ended (2022-05-31); the wage one runs to 2024-05-31.
    assert figures.compute(tree.county, 2022)["contracts_effective"] == {"工资专项集体合同": 1}
    assert figures.compute(tree.longgu, 2021)["contract_coverage_enterprises"] == 1
    assert figures.compute(tree.yangtun, 2021)["contract_coverage_enterprises"] == 0


def test_campaign_and_dispute_figures(tree):
    campaign = services.campaign_create(
        actor=SYSTEM, org=tree.county, year=2021, name="春季要约", start_on=D(2021, 3, 1), end_on=D(2021, 6, 30)
    )
    for ent in (tree.xinge, tree.henghui):
        services.target_add(actor=SYSTEM, campaign=campaign, enterprise=ent, priority="no_contract")
    t = campaign.targets.get(enterprise=tree.xinge)
    c = services.target_offer(actor=SYSTEM, target=t, offer_on=D(2021, 4, 30))
    got = figures.compute(tree.county, 2021)
    assert got["yaoyue_sent"] == 1 and got["yaoyue_signed"] == 0
    assert got["rights_clocks_overdue"]["要约逾期未书面回应"] == 1
    committee = services.committee_create(actor=SYSTEM, org=tree.longgu, level="town", name="龙固镇调解中心")
    services.committee_member_add(actor=SYSTEM, committee=committee, name="甲", side="neutral", chair=True)
    for i, agree in enumerate((True, True, False)):
        case = services.case_apply(
            actor=SYSTEM,
            org=tree.xinge,
            applicant_name=f"职工{i}",
            applied_on=D(2021, 3, 1),
            committee=committee,
            claims=[("wages", 1000)],
        )
        if agree:
            services.case_agree(
                actor=SYSTEM,
                case=case,
                closed_on=D(2021, 3, 8),
                agreement_text="付款",
                amount=1000,
                signed_by_parties=True,
                signed_by_mediator=True,
                sealed=True,
            )
        else:
            services.case_fail(actor=SYSTEM, case=case, closed_on=D(2021, 3, 9), reason="拒绝")
            services.case_refer(actor=SYSTEM, case=case, referred_on=D(2021, 3, 10))
    got = figures.compute(tree.county, 2021)
    assert got["disputes_mediated"] == 3 and got["mediation_success_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert got["arbitration_referred"] == 1 and got["wages_recovered_yuan"] == 2000
    assert c.targets.get().stage == 1


def test_workbench_items_for_those_who_act(tree, personas):
    contract_to(tree.xinge, "signed")
    today = dt.date.today()
    contract_to(tree.henghui, "offered", offer_on=today - dt.timedelta(days=2))
    assert _count("rights.filing", personas["chair"]) == 1
    assert _count("rights.filing", personas["outsider"]) == 0
    assert (
        _count("rights.reply", personas["outsider"]) == 1 and _count("rights.reply_overdue", personas["outsider"]) == 0
    )
    assert _count("rights.filing", personas["county"]) == 1
    assert _count("rights.filing", personas["worker"]) is None and _count("rights.filing", personas["auditor"]) is None
    services.consultation_create(actor=SYSTEM, org=tree.xinge, name="甲", question="问题")
    assert (
        _count("rights.consult_open", personas["town"]) == 1
        and _count("rights.consult_open", personas["chair"]) is None
    )
    dues = workbench.deadlines_for(personas["outsider"], today=today)
    assert any("第三十二条" in d.what for d in dues)
