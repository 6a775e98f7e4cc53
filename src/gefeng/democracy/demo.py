"""The demo county's 民主管理: the county's pilot enterprise (徐州恒辉编织机械有限公司) as the county's
account describes it — “在工人中推选职工代表成员，每10个工人一个代表，每月一次工会会员会议，每季度一次
工会扩大会议，每年度一次大型全体职工代表大会。对于工人的权、利、责在职工代表大会上表决通过，再在全体职工
大会上下发执行。每年度逐渐修改完善公司章程” — made by this module's own services:

* the congress (第三届, 2018–2022) with 1 : 10 representatives: 260 employees → 26 representatives in
  three constituencies (the teams), composition within the rules, a presidium and two committees;
* its 2020 calendar from the pilot's rhythm (12 会员会议, 4 扩大会议, the 职工代表大会) held, plus the
  全体职工大会 that issues the congress's decisions;
* the annual congress: materials 10 days ahead, 24 of 26 signed in, four items voted secretly on the
  representatives' phones (the work report, the workers' rights and benefits rules, the charter's
  yearly amendment, a by-election), resolutions published to all staff;
* proposals in every state, the 2020 厂务公开 of all categories with read counts, a rule on working
  hours still flagged under 劳动合同法 §4, and a second enterprise (新格灌溉) with a congress that has
  disclosed nothing (the gap list).

Representatives are registry members of the enterprise when the registry is loaded; otherwise they
are made here (card numbers `MZDEMO…`). Their phone accounts are demo accounts `hhdb01…hhdb26`.
Everything is drawn from `random.Random(SEED)`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.conf import settings
from django.db import connection

from gefeng.core.actors import SYSTEM
from gefeng.core.people import PersonFactory
from gefeng.democracy import models as m
from gefeng.democracy import services
from gefeng.members.models import JobCategory, Member, Sex, Status
from gefeng.orgs.models import Kind, OrgNode

SEED = 20201225
PILOT_CODE = "91320322710079198U"  # 徐州恒辉编织机械有限公司
OTHER_CODE = "91320322710000005C"  # 徐州新格灌溉设备有限公司
CARD_PREFIX = "MZDEMO"
USER_PREFIX = "hhdb"
YEAR = 2020
EMPLOYEES, WOMEN, DISPATCHED = 260, 78, 13
CONSTITUENCIES = (("机加工班", 120), ("装配班", 100), ("技术攻关班组", 40))
REPRESENTATIVES = 26  # 1 : 10
PRESENT = 24
CONGRESS_DAY = dt.date(YEAR, 12, 25)
ASSEMBLY_DAY = dt.date(YEAR, 12, 30)

CHARTER_2019 = "第一章 总则\n第一条 本公司依法设立。\n第二章 职工\n第二条 公司尊重和保障职工的知情权、参与权。"
CHARTER_2020 = (
    "第一章 总则\n第一条 本公司依法设立。\n第二章 职工\n"
    "第二条 公司尊重和保障职工的知情权、参与权、表达权和监督权。\n"
    "第三条 涉及职工切身利益的事项，须经职工代表大会审议通过。"
)
RIGHTS_OLD = "职工享有带薪年休假；公司按规定缴纳社会保险。"
RIGHTS_NEW = (
    "职工享有带薪年休假；公司按规定缴纳社会保险。\n"
    "职工享有每年一次免费体检；夜班职工享受夜班补贴。\n"
    "职工应遵守安全操作规程。"
)


def _pilot() -> OrgNode | None:
    return OrgNode.objects.filter(code=PILOT_CODE, kind=Kind.ENTERPRISE).first()


def _union(org: OrgNode) -> OrgNode | None:
    return OrgNode.objects.filter(parent=org, kind=Kind.UNION).order_by("path").first()


def _people(rng: random.Random, union: OrgNode, n: int) -> list[Member]:
    """n members of the pilot's union: 8 women and mostly front-line workers, from the registry
    when it holds enough of them, else made here."""
    pool = list(Member.objects.filter(union=union, status=Status.ACTIVE, user__isnull=True).order_by("id")[:2000])
    women = [p for p in pool if p.sex == Sex.FEMALE and p.job_category == JobCategory.FRONTLINE]
    men = [p for p in pool if p.sex == Sex.MALE and p.job_category == JobCategory.FRONTLINE]
    managers = [p for p in pool if p.job_category == JobCategory.MANAGEMENT]
    if len(women) >= 8 and len(men) >= n - 11 and len(managers) >= 3:
        return women[:8] + managers[:3] + men[: n - 11]
    from gefeng.members import services as members

    factory = PersonFactory(SEED)
    out: list[Member] = []
    n_women = n_managers = 0
    i = 0
    while len(out) < n:
        person = factory.person(born_between=(1970, 1995))
        if person.sex == "女":
            if n_women >= 8:
                continue
            n_women, job = n_women + 1, JobCategory.FRONTLINE
        elif n_managers < 3:
            n_managers, job = n_managers + 1, JobCategory.MANAGEMENT
        else:
            job = JobCategory.FRONTLINE
        i += 1
        data = {
            "name": person.name, "id_number": person.id_number, "joined_on": max(person.joined_on, dt.date(2012, 1, 1)),
            "job_category": job, "card_number": f"{CARD_PREFIX}{i:04d}",
        }  # fmt: skip
        out.append(members.member_join(actor=SYSTEM, union=union, data=data))
    return out


def _accounts(pilot: OrgNode, reps: list[m.Representative]) -> list[Any]:
    from django.contrib.auth import get_user_model

    from gefeng.accounts import services as accounts
    from gefeng.accounts.demo import DEMO_PASSWORD

    users = []
    for i, rep in enumerate(reps, start=1):
        username = f"{USER_PREFIX}{i:02d}"
        # Loading this part again without the accounts part (which deletes every demo account)
        # finds the representative's account still there.
        user = get_user_model().objects.filter(username=username, is_demo=True).first() or accounts.user_create(
            actor=SYSTEM, username=username, name=rep.name, org=pilot, password=DEMO_PASSWORD,
            roles={"worker"}, is_demo=True, must_change=settings.PRODUCTION,
        )  # fmt: skip
        Member.objects.filter(pk=rep.member_id).update(user=user)
        users.append(user)
    return users


def _congress(
    rng: random.Random, pilot: OrgNode, union: OrgNode
) -> tuple[m.Congress, list[m.Representative], list[Member]]:
    congress = services.congress_create(
        actor=SYSTEM, org=pilot, session=3, term_start=dt.date(2018, 1, 1), term_end=dt.date(2022, 12, 31),
        employee_count=EMPLOYEES, women_staff=WOMEN, dispatched_staff=DISPATCHED, ratio_per=10, min_seats=10,
        name="徐州恒辉编织机械有限公司第三届职工代表大会",
    )  # fmt: skip
    teams = {t.name: t for t in OrgNode.objects.filter(kind=Kind.TEAM, path__startswith=pilot.path)}
    places = [
        services.constituency_add(actor=SYSTEM, congress=congress, name=name, employees=staff, team=teams.get(name))
        for name, staff in CONSTITUENCIES
    ]
    people = _people(rng, union, REPRESENTATIVES + 2)
    reps = []
    order = [p for place in places for p in [place] * place.seats]
    for k, (person, place) in enumerate(zip(people[:REPRESENTATIVES], order, strict=True)):
        turnout = place.employees - rng.randint(0, place.employees // 10)
        reps.append(
            services.representative_elect(
                actor=SYSTEM,
                constituency=place,
                member=person,
                elected_on=dt.date(2017, 12, 20),
                voters=turnout,
                votes_for=turnout - rng.randint(0, place.employees // 5),
                dispatched=k in (5, 17),
            )
        )
    services.presidium_set(actor=SYSTEM, congress=congress, representative_ids=[r.pk for r in reps[:5]])
    services.committee_save(
        actor=SYSTEM, congress=congress, name="提案审查委员会", representative_ids=[r.pk for r in reps[1:4]]
    )
    services.committee_save(
        actor=SYSTEM, congress=congress, name="劳动法律监督委员会", representative_ids=[r.pk for r in reps[4:7]]
    )
    return congress, reps, people[REPRESENTATIVES:]


def _documents(congress: m.Congress) -> dict[str, m.Document]:
    return {
        "charter": services.document_create(
            actor=SYSTEM, congress=congress, kind="charter", title="公司章程", text_body=CHARTER_2019,
            adopted_on=dt.date(2019, 12, 27), note="2019年度职工代表大会审议后施行",
        ),
        "rights": services.document_create(
            actor=SYSTEM, congress=congress, kind="rule", title="职工权利义务与福利待遇规定", text_body=RIGHTS_OLD,
            adopted_on=dt.date(2018, 3, 1), statutory_item="insurance",
        ),
        "hours": services.document_create(
            actor=SYSTEM, congress=congress, kind="rule", title="考勤与休假制度", text_body="实行每日八小时工作制。",
            adopted_on=dt.date(2019, 6, 1), statutory_item="hours",
        ),
    }  # fmt: skip


def _routine(rng: random.Random, congress: m.Congress, reps: list[m.Representative]) -> None:
    """The year's 会员会议 and 扩大会议: held, with sign-in and minutes."""
    for meeting in (
        m.Meeting.objects.filter(congress=congress, date__year=YEAR).exclude(kind="congress").order_by("date")
    ):
        services.meeting_open(actor=SYSTEM, meeting=meeting)
        for rep in rng.sample(reps, rng.randint(18, 25)):
            services.attendance_record(actor=SYSTEM, meeting=meeting, representative_id=rep.pk)
        topic = "通报生产经营情况，听取会员意见" if meeting.kind == "members" else "研究本季度工会工作和职工关心的问题"
        services.meeting_close(actor=SYSTEM, meeting=meeting, minutes=f"{meeting.title}：{topic}。")


def _vote(rng: random.Random, users: list[Any], motion: m.Motion, weights: dict[int, int]) -> None:
    options, w = list(weights), list(weights.values())
    for user in users:
        services.vote_cast(actor=user, motion_id=motion.pk, choices=[rng.choices(options, w)[0]])


def _annual(rng, congress, reps, users, docs, candidates) -> m.Meeting:
    meeting = m.Meeting.objects.get(congress=congress, kind="congress", date__year=YEAR)
    services.materials_publish(
        actor=SYSTEM, meeting=meeting, sent_on=CONGRESS_DAY - dt.timedelta(days=10),
        materials="1. 2020年度公司工作报告\n2. 职工权利义务与福利待遇规定（修订稿）\n"
        "3. 公司章程修正案\n4. 增补工会委员候选人名单",
    )  # fmt: skip
    services.meeting_open(actor=SYSTEM, meeting=meeting)
    present = list(zip(reps, users, strict=True))[:PRESENT]
    for _rep, user in present:
        services.checkin(actor=user, token=meeting.checkin_token)
    voters = [u for _r, u in present]
    report = services.motion_create(actor=SYSTEM, meeting=meeting, title="2020年度公司工作报告")
    rights = services.motion_create(
        actor=SYSTEM, meeting=meeting, kind="charter", title="职工权利义务与福利待遇规定（修订）",
        document=docs["rights"], new_text=RIGHTS_NEW,
    )  # fmt: skip
    charter = services.motion_create(
        actor=SYSTEM, meeting=meeting, kind="charter", title="公司章程修正案（2020年度）",
        document=docs["charter"], new_text=CHARTER_2020,
    )  # fmt: skip
    election = services.motion_create(
        actor=SYSTEM, meeting=meeting, kind="election", method="candidates", title="增补工会委员会委员（1名）",
        candidates=[c.pk for c in candidates], seats=1,
    )  # fmt: skip
    for motion, weights in ((report, (20, 2, 2)), (rights, (21, 1, 2)), (charter, (19, 3, 2))):
        services.motion_open(actor=SYSTEM, motion=motion)
        yna = {o.code: o.pk for o in motion.options.all()}
        _vote(rng, voters, motion, {yna["yes"]: weights[0], yna["no"]: weights[1], yna["abstain"]: weights[2]})
        services.motion_close(actor=SYSTEM, motion=motion)
    services.motion_open(actor=SYSTEM, motion=election)
    opts = list(election.options.order_by("order").values_list("pk", flat=True))
    _vote(rng, voters, election, {opts[0]: 17, opts[1]: 7})
    services.motion_close(actor=SYSTEM, motion=election)
    services.meeting_close(
        actor=SYSTEM, meeting=meeting,
        minutes="应到代表26人，实到24人，超过三分之二。会议以无记名投票逐项表决：通过2020年度工作报告、"
        "职工权利义务与福利待遇规定（修订）、公司章程修正案，增补工会委员1名。",
    )  # fmt: skip
    services.resolutions_publish(actor=SYSTEM, meeting=meeting, on=CONGRESS_DAY + dt.timedelta(days=1))
    return meeting


def _assembly(congress: m.Congress, reps: list[m.Representative]) -> None:
    """The 全体职工大会 that issues the congress's decisions for execution."""
    meeting = services.meeting_create(
        actor=SYSTEM,
        congress=congress,
        kind="all_staff",
        date_on=ASSEMBLY_DAY,
        title="2020年度全体职工大会",
        place="厂区广场",
    )
    services.materials_publish(
        actor=SYSTEM, meeting=meeting, materials="职工代表大会决议", sent_on=CONGRESS_DAY + dt.timedelta(days=1)
    )
    services.meeting_open(actor=SYSTEM, meeting=meeting)
    for rep in reps:
        services.attendance_record(actor=SYSTEM, meeting=meeting, representative_id=rep.pk)
    services.meeting_close(
        actor=SYSTEM,
        meeting=meeting,
        minutes="宣读并下发职工代表大会通过的职工权利义务与福利待遇规定和公司章程修正案，自2021年1月1日起执行。",
    )
    services.resolutions_publish(actor=SYSTEM, meeting=meeting, on=ASSEMBLY_DAY)


PROPOSALS = (
    ("增设夜班职工休息室", "submitted"),
    ("车间增加降温设备", "registered"),
    ("食堂延长供餐时间", "opinion"),
    ("技能等级与工资挂钩", "assigned"),
    ("开展职工技能比武", "answered"),
    ("改善职工通勤班车", "rated"),
)


def _proposals(congress: m.Congress, reps: list[m.Representative], users: list[Any], meeting: m.Meeting) -> int:
    for i, (title, state) in enumerate(PROPOSALS):
        k = (3 * i) % len(reps)
        cosigners = [reps[(k + 1) % len(reps)].pk, reps[(k + 2) % len(reps)].pk]
        p = services.proposal_submit(
            actor=users[k], congress=congress, title=title, content=f"建议{title}，以改善职工工作和生活条件。",
            cosigner_ids=cosigners, submitted_on=CONGRESS_DAY - dt.timedelta(days=20 - i),
        )  # fmt: skip
        m.Proposal.objects.filter(pk=p.pk).update(meeting=meeting)
        if state == "submitted":
            continue
        if state == "opinion":
            services.proposal_decide(
                actor=SYSTEM, proposal=p, register=False, reason="属日常管理事项，转行政部门作为意见建议办理"
            )
        else:
            services.proposal_decide(actor=SYSTEM, proposal=p, register=True)
        if state in ("registered", "opinion"):
            continue
        services.proposal_assign(actor=SYSTEM, proposal=p, department="人力资源部" if i % 2 else "行政后勤部",
                                 deadline=CONGRESS_DAY + dt.timedelta(days=60))  # fmt: skip
        if state == "assigned":
            continue
        services.proposal_answer(
            actor=SYSTEM, proposal=p, reply="已列入2021年工作计划，一季度完成。", on=dt.date(2021, 1, 20)
        )
        if state == "rated":
            services.proposal_rate(actor=users[k], proposal=p, rating="satisfied")
    return len(PROPOSALS)


DISCLOSURES = {
    "business": ((1, 15), (7, 15)),
    "contracts": ((3, 1),),
    "rules": ((12, 28),),
    "pay": ((3, 31), (6, 30), (9, 30), (12, 28)),
    "honours": ((4, 20),),
    "safety": ((3, 31), (6, 30), (9, 30), (12, 28)),
    "training": ((2, 20),),
    "disputes": ((6, 30), (12, 28)),
}


def _disclosures(rng: random.Random, pilot: OrgNode, users: list[Any]) -> int:
    from gefeng.democracy.rules import DISCLOSURE_CATEGORIES

    n = 0
    for key, days in DISCLOSURES.items():
        for month, day in days:
            label = DISCLOSURE_CATEGORIES[key][0]
            item = services.disclosure_publish(
                actor=SYSTEM, org=pilot, category=key, title=f"{YEAR}年{month}月{label}公开",
                period=f"{YEAR}年{month}月",
                content=f"本期{label}情况已经工会审核，现予公开。", published_on=dt.date(YEAR, month, day),
            )  # fmt: skip
            for user in rng.sample(users, rng.randint(8, len(users))):
                services.disclosure_read(actor=user, item=item)
            n += 1
    return n


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    pilot = _pilot()
    union = _union(pilot) if pilot else None
    if pilot is None or union is None:
        return {}
    rng = random.Random(SEED)
    congress, reps, candidates = _congress(rng, pilot, union)
    users = _accounts(pilot, reps)
    docs = _documents(congress)
    services.calendar_generate(actor=SYSTEM, congress=congress, year=YEAR)
    _routine(rng, congress, reps)
    annual = _annual(rng, congress, reps, users, docs, candidates)
    _assembly(congress, reps)
    proposals = _proposals(congress, reps, users, annual)
    disclosures = _disclosures(rng, pilot, users)
    other = OrgNode.objects.filter(code=OTHER_CODE, kind=Kind.ENTERPRISE).first()
    if other is not None:
        services.congress_create(
            actor=SYSTEM, org=other, session=2, term_start=dt.date(2019, 5, 1), term_end=dt.date(2024, 4, 30)
        )
    if stdout is not None:
        stdout.write(f"民主管理：{pilot.name} {len(reps)} 名职工代表，{YEAR} 年会议、表决、提案与厂务公开\n")
    return {
        "democracy_representatives": len(reps),
        "democracy_meetings_2020": m.Meeting.objects.filter(
            congress=congress, date__year=YEAR, status="closed"
        ).count(),
        "democracy_motions_adopted_2020": m.Motion.objects.filter(meeting__congress=congress, passed=True).count(),
        "democracy_proposals": proposals,
        "democracy_disclosures": disclosures,
    }


def clear() -> None:
    """Delete every row of this module (the demo county is about to be rebuilt), children first."""
    tables = (
        m.PaperCount, m.Ballot, m.VoteCast, m.Option, m.DocumentVersion, m.Motion, m.Document, m.Attendance,
        m.Proposal.cosigners.through, m.Proposal, m.Meeting, m.DisclosureRead, m.DisclosureItem,
        m.Committee.members.through, m.Committee, m.Representative, m.Constituency, m.Congress,
    )  # fmt: skip
    with connection.cursor() as cur:
        for model in tables:
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    Member.objects.filter(card_number__startswith=CARD_PREFIX).update(user=None)
