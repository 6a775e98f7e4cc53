"""The rules of 民主管理 as the services apply them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.democracy import rules, services
from gefeng.democracy.models import Ballot, DocumentVersion, Meeting, Motion, Option, VoteCast
from tests.democracy.conftest import TERM, congress_with_reps, member, open_meeting, seat, world

pytestmark = pytest.mark.django_db


def test_kind_follows_employee_count_and_term_is_checked(tree):
    big = services.congress_create(actor=SYSTEM, org=tree.xinge, term_start=TERM[0], term_end=TERM[1])
    assert big.kind == "congress" and big.employee_count == 320
    small = services.congress_create(
        actor=SYSTEM, org=tree.henghui, term_start=TERM[0], term_end=TERM[1], employee_count=60
    )
    assert small.kind == "assembly"
    with pytest.raises(ValidationError) as e:
        services.congress_create(
            actor=SYSTEM, org=tree.henghui, session=2, term_start=TERM[0], term_end=dt.date(2025, 12, 31)
        )
    assert "3–5 年" in str(e.value)
    with pytest.raises(ValidationError):
        services.congress_create(actor=SYSTEM, org=tree.longgu, term_start=TERM[0], term_end=TERM[1], kind="congress")
    regional = services.congress_create(
        actor=SYSTEM, org=tree.longgu, term_start=TERM[0], term_end=TERM[1], kind="regional", employee_count=500
    )
    assert regional.kind == "regional"


def test_chair_cannot_form_a_congress_elsewhere(tree, personas):
    with pytest.raises(PermissionDenied):
        services.congress_create(actor=personas["chair"], org=tree.henghui, term_start=TERM[0], term_end=TERM[1])
    c = services.congress_create(actor=personas["chair"], org=tree.xinge, term_start=TERM[0], term_end=TERM[1])
    assert c.org == tree.xinge


def test_composition_checked_live(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=12, employees=180)
    checks = {c.key: c for c in services.composition(congress)}
    # 180 employees at 1:15, minimum 10 → 12 seats; 1 manager of 12 (8.3 %) ≤ 20 %; 11 front-line.
    assert checks["ratio"].ok and "12 名" in checks["ratio"].rule
    assert checks["managers"].ok and checks["frontline"].ok
    assert checks["women"].ok  # 4 of 12 women, staff one third → at least 4
    services.congress_settings(actor=SYSTEM, congress=congress, data={"ratio_per": 10})
    congress.refresh_from_db()
    assert not {c.key: c for c in services.composition(congress)}["ratio"].ok  # needs 18 now
    reps = list(congress.representatives.order_by("id"))
    for rep in reps[2:6]:
        rep.manager = True
        rep.save()
    assert not {c.key: c for c in services.composition(congress)}["managers"].ok  # 5 of 12 > 20 %


def test_election_record_and_foreign_members_refused(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=2)
    c = congress.constituencies.first()
    outsider = member(tree.xinge_union)
    with pytest.raises(ValidationError) as e:
        services.representative_elect(
            actor=SYSTEM, constituency=c, member=outsider, elected_on=TERM[0], voters=c.employees, votes_for=c.employees
        )
    assert "不在本企业" in str(e.value)
    person = member(tree.henghui_union)
    with pytest.raises(ValidationError) as e:
        services.representative_elect(
            actor=SYSTEM, constituency=c, member=person, elected_on=TERM[0], voters=c.employees // 2, votes_for=10
        )
    assert "三分之二" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.representative_elect(
            actor=SYSTEM,
            constituency=c,
            member=person,
            elected_on=TERM[0],
            voters=c.employees,
            votes_for=c.employees // 2,
        )
    assert "半数" in str(e.value)


def test_vacancy_and_by_election(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=4)
    rep = congress.representatives.first()
    services.representative_vacate(actor=SYSTEM, representative=rep, on=dt.date(2025, 1, 1), reason="调离")
    assert services.composition_counts(congress)["total"] == 3
    again = services.representative_elect(
        actor=SYSTEM, constituency=rep.constituency, member=rep.member, elected_on=dt.date(2025, 2, 1),
        voters=rep.constituency.employees, votes_for=rep.constituency.employees, by_election=True,
    )  # fmt: skip
    assert again.by_election and services.composition_counts(congress)["total"] == 4


def test_calendar_follows_the_pilot_rhythm(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=2)
    assert services.calendar_generate(actor=SYSTEM, congress=congress, year=2025) == 12 + 4 + 1
    assert services.calendar_generate(actor=SYSTEM, congress=congress, year=2025) == 0  # never twice
    kinds = list(Meeting.objects.filter(congress=congress).values_list("kind", flat=True))
    assert kinds.count("members") == 12 and kinds.count("enlarged") == 4 and kinds.count("congress") == 1


def test_materials_first_and_late_materials_flagged(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=3)
    m = services.meeting_create(actor=SYSTEM, congress=congress, kind="congress", date_on=dt.date(2025, 3, 20))
    with pytest.raises(ValidationError) as e:
        services.meeting_open(actor=SYSTEM, meeting=m)
    assert "材料" in str(e.value)
    m = services.materials_publish(actor=SYSTEM, meeting=m, materials="报告", sent_on=dt.date(2025, 3, 15))
    assert services.materials_late(m)
    m = services.materials_publish(actor=SYSTEM, meeting=m, materials="报告", sent_on=dt.date(2025, 3, 13))
    assert not services.materials_late(m)


def test_vote_refused_below_quorum(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=12)
    meeting = open_meeting(congress, signed=7)  # ⅔ of 12 is 8
    motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="议案")
    with pytest.raises(ValidationError) as e:
        services.motion_open(actor=SYSTEM, motion=motion)
    assert "不足全体代表 12 人的三分之二（需 8 人）" in str(e.value)
    assert not Ballot.objects.filter(motion=motion).exists()


@pytest.fixture
def voting(tree, personas):
    """新格灌溉: 9 representatives, the worker persona one of them, all signed in, a motion open."""
    rep = seat(tree, personas["worker"])
    congress = rep.congress
    meeting = open_meeting(congress, signed=9)
    motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="工资集体协商方案", statutory_item="pay")
    services.motion_open(actor=SYSTEM, motion=motion)
    return rep, meeting, Motion.objects.get(pk=motion.pk)


def _yes(motion):
    return motion.options.get(code="yes").pk


def test_secret_vote_and_receipt(voting, personas):
    rep, _meeting, motion = voting
    receipt = services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[_yes(motion)]).receipt
    assert len(receipt) == 10
    cast = VoteCast.objects.get(motion=motion)
    assert cast.representative == rep
    assert not any(f.name in ("choices", "receipt") for f in VoteCast._meta.get_fields())
    ballot = Ballot.objects.get(motion=motion, filled=True)
    assert ballot.representative is None and ballot.choices == [_yes(motion)] and ballot.receipt == receipt
    assert not any(f.name in ("created_at", "updated_at") for f in Ballot._meta.get_fields())
    # Slots are made at opening (one per representative), so ids and order carry no voting order.
    assert Ballot.objects.filter(motion=motion).count() == motion.entitled == 9
    services.motion_close(actor=SYSTEM, motion=motion)
    assert services.receipt_check(Motion.objects.get(pk=motion.pk), receipt) == "赞成"
    assert services.receipt_check(Motion.objects.get(pk=motion.pk), "WRONGCODE1") is None


def test_second_vote_after_close_and_outsiders_refused(voting, personas, tree):
    _rep, _meeting, motion = voting
    services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[_yes(motion)])
    with pytest.raises(ValidationError) as e:
        services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[_yes(motion)])
    assert "只能投一次" in str(e.value)
    with pytest.raises(PermissionDenied):  # not a representative of this congress
        services.vote_cast(actor=personas["outsider"], motion_id=motion.pk, choices=[_yes(motion)])
    services.motion_close(actor=SYSTEM, motion=motion)
    assert Ballot.objects.filter(motion=motion).count() == 1  # unused slots removed
    with pytest.raises(ValidationError):
        services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[_yes(motion)])
    assert Option.objects.get(motion=motion, code="yes").votes == 1


def test_bad_choice_refused_and_nothing_written(voting, personas):
    _rep, _meeting, motion = voting
    yes = _yes(motion)
    for bad in ([], [yes, yes + 1], [999999], ["x"]):
        with pytest.raises(ValidationError):
            services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=bad)
    assert not VoteCast.objects.filter(motion=motion).exists()
    assert not Ballot.objects.filter(motion=motion, filled=True).exists()


def test_majority_of_all_representatives(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=12)
    meeting = open_meeting(congress, signed=12)
    motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="议案")
    services.motion_open(actor=SYSTEM, motion=motion)
    reps = list(congress.representatives.order_by("id"))
    yes = motion.options.get(code="yes").pk
    no = motion.options.get(code="no").pk
    for r in reps[:6]:  # six of twelve: not more than half of ALL
        services.paper_issue(actor=SYSTEM, motion=motion, representative_id=r.pk)
    # Paper ballots counted by two tellers; a differing second count is refused.
    from tests.democracy.test_views import teller

    t1, t2 = teller(tree, "jipiao1"), teller(tree, "jipiao2")
    services.paper_count(actor=t1, motion=motion, counts={"ballots": 6, str(yes): 6})
    with pytest.raises(ValidationError) as e:
        services.paper_count(actor=t2, motion=motion, counts={"ballots": 6, str(yes): 5, str(no): 1})
    assert "不一致" in str(e.value)
    with pytest.raises(ValidationError):
        services.paper_count(actor=t1, motion=motion, counts={"ballots": 6, str(yes): 6})
    services.paper_count(actor=t2, motion=motion, counts={"ballots": 6, str(yes): 6})
    m = services.motion_close(actor=SYSTEM, motion=motion)
    assert m.passed is False and "需 7 票" in m.reason and m.cast == 6


def test_election_with_seats(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=9)
    meeting = open_meeting(congress, signed=9)
    people = [member(tree.henghui_union) for _ in range(3)]
    motion = services.motion_create(
        actor=SYSTEM, meeting=meeting, title="选举工会委员", kind="election", method="candidates",
        candidates=[p.pk for p in people], seats=2,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.motion_create(actor=SYSTEM, meeting=meeting, title="记名选举", kind="election", method="candidates",
                               candidates=[people[0].pk], secret=False)  # fmt: skip
    services.motion_open(actor=SYSTEM, motion=motion)
    opts = {o.candidate_id: o.pk for o in motion.options.all()}
    # Phone votes need the representatives' own accounts; paper ballots stand in here.
    from tests.democracy.test_views import teller

    for r in congress.representatives.all():
        services.paper_issue(actor=SYSTEM, motion=motion, representative_id=r.pk)
    counts = {"ballots": 9, str(opts[people[0].pk]): 8, str(opts[people[1].pk]): 5, str(opts[people[2].pk]): 4}
    services.paper_count(actor=teller(tree, "jp1"), motion=motion, counts=counts)
    services.paper_count(actor=teller(tree, "jp2"), motion=motion, counts=counts)
    m = services.motion_close(actor=SYSTEM, motion=motion)
    elected = set(m.options.filter(elected=True).values_list("candidate_id", flat=True))
    assert elected == {people[0].pk, people[1].pk} and m.passed  # 5 of 9 is more than half


def test_charter_amendment_adopts_a_version(tree):
    w = world(tree)
    reps = list(w.congress.representatives.order_by("id"))
    from tests.democracy.test_views import teller

    signed = [a for a in w.meeting.attendance.values_list("representative_id", flat=True)]
    for rid in signed:
        services.paper_issue(actor=SYSTEM, motion=w.open, representative_id=rid)
    yes = w.open.options.get(code="yes").pk
    counts = {"ballots": len(signed), str(yes): len(signed)}
    services.paper_count(actor=teller(tree, "a1"), motion=w.open, counts=counts)
    services.paper_count(actor=teller(tree, "a2"), motion=w.open, counts=counts)
    m = services.motion_close(actor=SYSTEM, motion=w.open)
    assert m.passed and len(reps) == 12
    v = DocumentVersion.objects.get(document=w.document, number=2)
    assert v.motion == m and "职工权益与义务" in v.text
    assert services.diff_lines("a\nb", "a\nc") == [(" ", "a"), ("-", "b"), ("+", "c")]


def test_statutory_rules_flagged_without_a_vote(tree):
    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=2)
    doc = services.document_create(
        actor=SYSTEM, congress=congress, kind="rule", title="考勤制度", text_body="八小时工作制",
        adopted_on=dt.date(2024, 1, 1), statutory_item="hours",
    )  # fmt: skip
    services.document_create(
        actor=SYSTEM,
        congress=congress,
        kind="rule",
        title="会议室管理",
        text_body="预约",
        adopted_on=dt.date(2024, 1, 1),
    )
    assert services.statutory_flags(congress) == [doc]
    assert rules.STATUTORY_ITEMS["hours"] == "工作时间"


def test_proposal_lifecycle_and_cosigners(voting, personas):
    rep, _meeting, _motion = voting
    others = list(rep.congress.representatives.exclude(pk=rep.pk).order_by("id"))
    with pytest.raises(ValidationError) as e:
        services.proposal_submit(actor=personas["worker"], congress=rep.congress, title="夜班补贴", content="提高",
                                 cosigner_ids=[others[0].pk])  # fmt: skip
    assert "至少 2 名" in str(e.value)
    p = services.proposal_submit(actor=personas["worker"], congress=rep.congress, title="夜班补贴", content="提高",
                                 cosigner_ids=[others[0].pk, others[1].pk])  # fmt: skip
    assert p.proposer == rep and p.number == 1
    chair = personas["chair"]
    with pytest.raises(ValidationError):
        services.proposal_decide(actor=chair, proposal=p, register=False, reason="")
    services.proposal_decide(actor=chair, proposal=p, register=True)
    services.proposal_assign(
        actor=chair, proposal=p, department="人力资源部", deadline=dt.date(2020, 1, 1) + dt.timedelta(days=9000)
    )
    services.proposal_answer(actor=chair, proposal=p, reply="自下月起提高")
    with pytest.raises(PermissionDenied):
        services.proposal_rate(actor=personas["outsider"], proposal=p, rating="satisfied")
    p = services.proposal_rate(actor=personas["worker"], proposal=p, rating="satisfied")
    assert p.status == "rated"


def test_disclosure_gaps_and_reads(tree, personas):
    from gefeng.democracy import selectors

    congress = congress_with_reps(tree.henghui, tree.henghui_union, reps=2)
    item = services.disclosure_publish(
        actor=SYSTEM,
        org=tree.henghui,
        category="pay",
        title="社保缴纳",
        content="足额",
        published_on=dt.date(2025, 1, 10),
    )
    gaps = selectors.disclosure_gaps([congress], on=dt.date(2025, 3, 1))[congress.pk]
    assert "pay" not in {g["category"] for g in gaps} and len(gaps) == 7
    gaps = selectors.disclosure_gaps([congress], on=dt.date(2025, 5, 1))[congress.pk]
    assert "pay" in {g["category"] for g in gaps}  # quarterly: due again after 3 months
    assert services.disclosure_read(actor=personas["worker"], item=item)
    assert not services.disclosure_read(actor=personas["worker"], item=item)
    item.refresh_from_db()
    assert item.reads == 1
    with pytest.raises(ValidationError):
        services.disclosure_publish(actor=SYSTEM, org=tree.henghui, category="none", title="x", content="y")


def test_figures(tree):
    from gefeng.core import figures

    w = world(tree)
    services.motion_close(actor=SYSTEM, motion=w.open)
    services.meeting_close(actor=SYSTEM, meeting=w.meeting, minutes="纪要")
    out = figures.compute(tree.county, 2025)
    assert out["congresses_established"]["职工代表大会"] == 1
    assert out["congress_meetings_held"] == 1 and out["congress_quorum_rate"] == 1.0
    assert out["motions_adopted"] == 0 and out["proposals_answered"] == 0
    submitted = w.proposal.submitted_on.year
    assert figures.compute(tree.county, submitted)["proposals_submitted"] == 1
    assert figures.compute(tree.longgu, submitted)["proposals_submitted"] == 0
    assert 0 <= out["disclosure_compliance"] <= 1
