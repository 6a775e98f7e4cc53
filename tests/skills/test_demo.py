"""The demo reproduces the county's account by running this module's services: the 2020
ten-industry campaign with the pictured contests, and the 2021 plan's 结对师徒 100对, 五小成果 50项,
培训职工 400人次; it is deterministic and clears what it made."""

from __future__ import annotations

from gefeng.core import demo, figures
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import Competition, CompStatus, Entry, Industry, Patent, Proposal, ProposalStatus


def _snapshot() -> list[tuple]:
    return list(
        Entry.objects.order_by("competition__name", "trade__name", "rank", "name").values_list("name", "rank", "total")
    )


def test_demo_reproduces_the_account(demo_county):
    counts = demo_county
    assert counts["competitions_2020"] == 6
    county = OrgNode.objects.get(code="320322")
    y2020, y2021 = figures.compute(county, 2020), figures.compute(county, 2021)
    assert y2020["competitions_held"] == 6
    assert y2020["competition_participants"] == counts["competition_entries_2020"] > 100
    assert y2020["competition_participants_by_industry"]["住房城乡建设"] == 36
    assert Industry.objects.filter(org=county).count() == 10
    names = set(Competition.objects.values_list("name", flat=True))
    assert "第一届“歌风杯”沛县住建系统职业技能竞赛" in names and "沛县移动“安康杯”技能比武大赛" in names
    # Every contest ran to the end: certificates, titles, promotions, a nomination.
    assert Competition.objects.filter(year=2020).exclude(status=CompStatus.CLOSED).count() == 0
    assert Entry.objects.filter(competition__year=2020, title__contains="技术能手").exclude(certificate_no="").exists()
    assert Entry.objects.exclude(nominated="").count() == 6
    assert y2021["apprentice_pairs"] == 100
    qualified = sum(figures.get("apprentices_qualified")(county, y) for y in (2021, 2022, 2023))
    assert qualified == 80  # 90 finished, 10 of them not qualified; 10 still active or ended
    assert y2021["innovations_adopted"] == 50
    assert y2021["innovations_submitted"] == 54
    assert y2021["innovation_benefit_yuan"] > 0
    assert y2021["patents_granted"] == 1 and Patent.objects.get().reward_yuan >= 1500
    assert y2021["trainees"] >= 400
    assert set(y2021["trainees_by_specialty"]) >= {"电子商务", "家政服务", "养老护理", "砌筑技术"}
    assert sum(y2021["trainees_by_group"].values()) == y2021["trainees"]
    # The worker's own proposal went from the phone to its payment.
    mine = Proposal.objects.get(self_submitted=True)
    assert mine.status == ProposalStatus.PAID and mine.submitted_by.username == "zhigong"
    assert Entry.objects.filter(self_registered=True, registered_by__username="zhigong").count() == 1
    first = _snapshot()
    demo.load_demo(registry=False)
    assert _snapshot() == first
