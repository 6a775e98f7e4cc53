"""The demo reproduces the county's account of its pilot enterprise: one representative per ten
workers, a 会员会议 every month, an 扩大会议 every quarter, a yearly congress whose decisions the
全体职工大会 issues, and the yearly charter amendment — made by the module's services."""

from __future__ import annotations

from gefeng.core import demo, figures
from gefeng.democracy import services
from gefeng.democracy.models import Ballot, Congress, DocumentVersion, Meeting, Motion, Proposal, VoteCast
from gefeng.orgs.models import OrgNode


def _snapshot() -> list[tuple]:
    return list(Motion.objects.order_by("meeting__date", "order").values_list("title", "passed", "cast", "reason"))


def test_demo_pilot_enterprise(demo_county):
    counts = demo_county
    assert counts["democracy_representatives"] == 26
    pilot = Congress.objects.get(org__code="91320322710079198U")
    assert pilot.ratio_per == 10 and pilot.employee_count == 260
    assert all(c.ok for c in services.composition(pilot)), services.composition(pilot)
    kinds = list(Meeting.objects.filter(congress=pilot, date__year=2020).values_list("kind", flat=True))
    assert kinds.count("members") == 12 and kinds.count("enlarged") == 4
    assert kinds.count("congress") == 1 and kinds.count("all_staff") == 1
    annual = Meeting.objects.get(congress=pilot, kind="congress", date__year=2020)
    assert (annual.date - annual.materials_sent_on).days >= 7 and annual.present == 24
    motions = list(annual.motions.order_by("order"))
    assert len(motions) == 4 and all(m.secret and m.passed for m in motions)
    for m in motions:  # every phone ballot counted once, none lost or doubled
        assert m.result["phone"] == VoteCast.objects.filter(motion=m).count() == 24
        assert Ballot.objects.filter(motion=m, filled=True, representative__isnull=False).count() == 0
    charter = DocumentVersion.objects.get(document__title="公司章程", number=2)
    assert charter.motion.meeting == annual
    assert [d.title for d in services.statutory_flags(pilot)] == ["考勤与休假制度"]
    assert set(Proposal.objects.filter(congress=pilot).values_list("status", flat=True)) == {
        "submitted", "registered", "opinion", "assigned", "answered", "rated",
    }  # fmt: skip
    out = figures.compute(OrgNode.objects.get(code="320322"), 2020)
    assert out["congresses_established"]["职工代表大会"] == 2
    assert out["congress_meetings_held"] == 18 and out["congress_quorum_rate"] == 1.0
    assert out["motions_adopted"] == 4 and out["proposals_submitted"] == 6
    assert out["disclosure_compliance"] == 0.5  # the pilot discloses all 8 categories, 新格灌溉 none
    first = _snapshot()
    demo.load_demo(registry=False)
    assert _snapshot() == first
