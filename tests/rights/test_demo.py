"""The demo reproduces the county's account: the 2021 spring 要约 campaign with its 30 April
ceremony and 签约企业 120家, made by this app's services; deterministic, and it clears what it made."""

from __future__ import annotations

from gefeng.core import demo, figures
from gefeng.orgs.models import OrgNode
from gefeng.rights.models import Campaign, Case, CaseStatus, Contract, ContractStatus, Target


def test_demo_spring_campaign_2021(demo_county):
    counts = demo_county
    assert counts["yaoyue_signed_2021"] == 120 and counts["contracts_deemed"] == 20
    county = OrgNode.objects.get(code="320322")
    got = figures.compute(county, 2021)
    assert got["yaoyue_signed"] == 120 and got["yaoyue_sent"] == 140
    assert got["contracts_effective"]["工资专项集体合同"] == 120
    assert got["contract_coverage_enterprises"] == 120
    assert got["contract_coverage_employees"] == sum(
        Target.objects.filter(stage__gte=4).values_list("employees", flat=True)
    )
    campaign = Campaign.objects.get(year=2021)
    assert campaign.ceremony_on.isoformat() == "2021-04-30" and "工商业联合会" in campaign.witnesses
    assert campaign.target_count == 120
    # 20 took effect because no objection came within 15 days of receipt (§47).
    deemed = Contract.objects.filter(review_result="deemed", offer_on__year=2021)
    assert deemed.count() == 20 and all(c.effective_on > c.review_due for c in deemed)
    # Renewed within the last three months (§38), and every state of a case is there.
    assert Contract.objects.filter(previous__isnull=False).count() == 20
    assert all(c.offer_on >= c.previous.renewal_from for c in Contract.objects.filter(previous__isnull=False))
    assert set(Case.objects.values_list("status", flat=True)) >= set(CaseStatus.values)
    assert Case.objects.filter(is_group=True, worker_count__gte=10).exists()
    now = figures.compute(county, counts_year())
    assert now["disputes_mediated"] >= 1 and now["wages_recovered_yuan"] > 0
    assert Contract.objects.filter(status=ContractStatus.FILED).exists()
    # Loading again gives the same campaign; clearing removes it.
    demo.load_demo(registry=False)
    assert Target.objects.filter(stage__gte=4).count() == 120


def counts_year() -> int:
    import datetime as dt

    return dt.date.today().year
