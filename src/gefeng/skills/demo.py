"""The demo county's 成长聚能, made by this module's own services, after the county's account:

* the ten-industry campaign of 沛工发〔2020〕6号 (the industries dictionary) and the six contests
  of its pictures (第一届“歌风杯”沛县住建系统职业技能竞赛, 金融系统, 通讯行业, 沛县移动“安康杯”技能比武,
  住建系统职工技能竞赛, 消防技能竞赛), each run from registration to certificates and titles;
* 2021 (the plan's year): 100 master–apprentice pairs (结对师徒 100对), 50 五小 items applied
  (五小成果 50项) at the pilot enterprise 新格灌溉 and others, with rewards, one patent at 恒辉编织;
  412 jobless, hardship and migrant workers trained in the four specialties with the vocational
  school and 人社局, and 龙固镇's classes inside nine enterprises (培训职工 400人次 and more);
* the demo worker (zhigong) registers for a contest, enrols in a course and submits a 五小 item
  from the phone pages, which the 新格 committee adopts and rewards.

People come from the registry (members made here through the registry's own service, card
numbers `PXJN…`, when not loaded) and from `core.people` for trainees outside it. Drawn from
`random.Random(SEED)`; names of industries and courses are examples (`is_demo`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import connection

from gefeng.accounts.models import User
from gefeng.core.actors import SYSTEM
from gefeng.core.people import PersonFactory
from gefeng.members import services as member_services
from gefeng.members.models import Member, MembershipEvent, Status
from gefeng.orgs.models import Kind, OrgNode
from gefeng.skills import services
from gefeng.skills.models import (
    Assessment,
    Attendance,
    Competition,
    Contributor,
    Course,
    Enrolment,
    Entry,
    Industry,
    Judge,
    MasterReward,
    Pair,
    Patent,
    Proposal,
    RewardGrade,
    Score,
    Session,
    Trade,
)

SEED = 20200601
CARD_PREFIX = "PXJN"
INDUSTRIES = (
    "住房城乡建设",
    "金融",
    "通讯",
    "交通运输",
    "装备制造",
    "纺织塑编",
    "教育",
    "卫生健康",
    "消防应急",
    "商贸服务",
)
# (name, industry, organiser, trades, entrants per trade, start)
CONTESTS = [
    (
        "第一届“歌风杯”沛县住建系统职业技能竞赛",
        "住房城乡建设",
        "县住建局",
        ("砌筑工", "钢筋工"),
        12,
        dt.date(2020, 9, 18),
    ),
    ("沛县金融系统职业技能竞赛", "金融", "县金融系统工会", ("点钞", "计算机录入"), 10, dt.date(2020, 10, 16)),
    ("沛县通讯行业职业技能竞赛", "通讯", "县邮电通讯工会", ("线路维护", "宽带装维"), 10, dt.date(2020, 10, 23)),
    (
        "沛县移动“安康杯”技能比武大赛",
        "通讯",
        "中国移动沛县分公司工会",
        ("安全生产知识", "应急抢修"),
        8,
        dt.date(2020, 11, 6),
    ),
    ("沛县住建系统职工技能竞赛", "住房城乡建设", "县住建局", ("电焊工",), 12, dt.date(2020, 11, 20)),
    ("沛县消防技能竞赛", "消防应急", "县消防救援大队", ("消防战斗员",), 14, dt.date(2020, 12, 4)),
]
SPECIALTIES = [("电子商务", 110), ("家政服务", 104), ("养老护理", 98), ("砌筑技术", 100)]  # 412 person-times
GROUPS = [("jobless", 0.35), ("hardship", 0.2), ("family", 0.15), ("migrant", 0.3)]
PAIRS = 100
ADOPTED = 50
REJECTED = 4
KINDS = ("invention", "creation", "renovation", "design", "suggestion")
YEAR = 2021


def clear() -> None:
    with connection.cursor() as cur:
        for model in (
            Attendance, Session, Enrolment, Course, Score, Judge, Entry, Trade, Competition, Industry,
            MasterReward, Assessment, Pair, Patent, Contributor, Proposal, RewardGrade,
        ):  # fmt: skip
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    made = Member.objects.filter(card_number__startswith=CARD_PREFIX)
    MembershipEvent.objects.filter(member__in=made).delete()
    made.delete()


class _People:
    """Members for the demo: made through the registry's service at a union of the tree."""

    def __init__(self) -> None:
        self.factory = PersonFactory(SEED)
        self.n = 0

    def member(self, union: OrgNode, *, born: tuple[int, int] = (1968, 1998), skill: str = "4") -> Member:
        for _i in range(20):
            p = self.factory.person(born_between=born)
            self.n += 1
            try:
                made = member_services.member_join(
                    actor=SYSTEM,
                    union=union,
                    data={
                        "name": p.name,
                        "id_number": p.id_number,
                        "sex": p.sex,
                        "joined_on": dt.date(2015, 5, 1),
                        "job_category": "一线工人",
                        "occupation": p.occupation,
                        "skill_level": skill,
                        "card_number": f"{CARD_PREFIX}{self.n:05d}",
                    },
                )
            except ValidationError:
                continue
            _hired(union)
            return made
        raise RuntimeError("no free person")


def _hired(union: OrgNode) -> None:
    """The person made for the demo is a new hand of the enterprise: its head count grows with
    its active members, so no enterprise has more members than employees."""
    ent = union.parent
    if ent is None or ent.kind != Kind.ENTERPRISE:
        return
    active = Member.objects.filter(enterprise=ent, status=Status.ACTIVE).count()
    OrgNode.objects.filter(pk=ent.pk, employee_count__lt=active).update(employee_count=active)


def _unions() -> list[OrgNode]:
    return list(
        OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE)
        .select_related("parent")
        .order_by("path")[:400]
    )


def _named(unions: list[OrgNode], short: str) -> OrgNode:
    for u in unions:
        parent = u.parent
        if parent is not None and short in (parent.short_name or parent.name):
            return u
    return unions[0]


def _competitions(county: OrgNode, unions: list[OrgNode], people: _People, rng: random.Random) -> dict[str, int]:
    industries = {
        name: services.industry_create(actor=SYSTEM, org=county, name=name, order=i)
        for i, name in enumerate(INDUSTRIES, start=1)
    }
    entries = 0
    for name, industry, organiser, trades, per_trade, start in CONTESTS:
        comp = services.competition_create(
            actor=SYSTEM,
            org=county,
            industry=industries[industry],
            data={
                "name": name,
                "organiser": organiser,
                "starts_on": start,
                "registration_closes_on": start - dt.timedelta(days=10),
                "drop_extremes": True,
                "is_demo": True,
                "note": "沛工发〔2020〕6号 职工技术创新暨劳动竞赛",
            },
        )
        trade_rows = [services.trade_add(actor=SYSTEM, competition=comp, name=t) for t in trades]
        judges = [
            services.judge_add(
                actor=SYSTEM,
                competition=comp,
                name=j,
                employer_name=organiser,
                declaration="本人与参赛选手无亲属、同事、师徒关系，如有将主动回避。",
                declared_on=start - dt.timedelta(days=3),
            )
            for j in ("周立新", "韩志强", "宋秀梅")
        ]
        pool = rng.sample(unions, min(len(unions), 8))
        for trade in trade_rows:
            for i in range(per_trade):
                person = people.member(pool[i % len(pool)], skill=rng.choice(("5", "4", "4", "3")))
                services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=person)
                entries += 1
        services.competition_start_scoring(actor=SYSTEM, competition=comp)
        for entry in comp.entries.select_related("trade"):
            base_t, base_p = rng.uniform(60, 92), rng.uniform(58, 94)
            for judge in judges:
                for part, base in (("theory", base_t), ("practice", base_p)):
                    value = round(max(0, min(100, base + rng.uniform(-4, 4))), 1)
                    services.score_enter(actor=SYSTEM, entry=entry, judge=judge, part=part, value=value)
        services.results_compute(actor=SYSTEM, competition=comp)
        services.results_publish(actor=SYSTEM, competition=comp, notice_ends_on=start + dt.timedelta(days=12))
        services.results_finalize(actor=SYSTEM, competition=comp, on=start + dt.timedelta(days=15))
        first = comp.entries.filter(rank=1).order_by("trade_id").first()
        if first is not None:
            services.entry_nominate(actor=SYSTEM, entry=first, to="徐州市职工职业技能大赛")
    return {"competitions_2020": len(CONTESTS), "competition_entries_2020": entries}


def _pairs(unions: list[OrgNode], people: _People, rng: random.Random) -> int:
    trades = ("数控车工", "装配钳工", "电焊工", "新闻写作", "维修电工", "编织机调试", "砌筑工", "网络维护")
    for i in range(PAIRS):
        union = unions[i % len(unions)]
        master = people.member(union, born=(1965, 1980), skill=rng.choice(("2", "1", "3")))
        apprentice = people.member(union, born=(1995, 2001), skill="5")
        start = dt.date(YEAR, 1 + i % 12, 1 + i % 27)
        months = 12 if i % 3 else 24
        end = dt.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, start.day)
        pair = services.pair_create(
            actor=SYSTEM,
            master=master,
            apprentice=apprentice,
            trade=trades[i % len(trades)],
            starts_on=start,
            ends_on=end - dt.timedelta(days=1),
            duties="师傅：言传身教，传授技艺与安全规程；徒弟：尊师勤学，按计划完成学习任务。",
            plan="前三个月基础理论与安全，其后岗位实操，每季度阶段考核一次。",
            targets="期满达到中级工及以上技能水平，能独立上岗。",
            allowance_monthly=200,
        )
        services.assessment_add(actor=SYSTEM, pair=pair, on=start + dt.timedelta(days=90), score=rng.randint(70, 95))
        if i % 10 != 9:
            services.pair_finish(
                actor=SYSTEM,
                pair=pair,
                qualified=i % 10 != 8,
                result="出师考核合格" if i % 10 != 8 else "实操未达标",
                on=end,
            )
    return PAIRS


def _proposals(county: OrgNode, unions: list[OrgNode], people: _People, rng: random.Random) -> dict[str, int]:
    for grade, threshold, amount in (
        (1, 500000, 20000),
        (2, 200000, 10000),
        (3, 50000, 5000),
        (4, 10000, 2000),
        (5, 0, 500),
    ):
        services.reward_grade_save(actor=SYSTEM, org=county, grade=grade, min_benefit=threshold, amount=amount)
    xinge, henghui = _named(unions, "新格"), _named(unions, "恒辉")
    places = [xinge] * 24 + [henghui] * 12 + [unions[i % len(unions)] for i in range(ADOPTED + REJECTED)]
    titles = (
        "喷灌管件注塑模具改进",
        "滴灌带生产线节能改造",
        "编织机送经机构改进",
        "装配工装夹具设计",
        "质检流程优化建议",
        "废料回收利用",
        "焊接烟尘收集装置",
    )
    adopted = 0
    first_adopted = None
    for i in range(ADOPTED + REJECTED):
        union = places[i]
        lead = people.member(union, skill="3")
        team = [(lead, 60), (people.member(union, skill="4"), 40)] if i % 3 == 0 else []
        item = services.proposal_submit(
            actor=SYSTEM,
            proposer=lead,
            kind=KINDS[i % 5],
            title=f"{titles[i % len(titles)]}（{i + 1:02d}）",
            description="针对生产中的实际问题提出改进，降低消耗、提高效率。",
            team=team,
            today=dt.date(YEAR, 1 + i % 9, 5),
        )
        on = dt.date(YEAR, 1 + i % 9, 20)
        if i >= ADOPTED:
            services.proposal_review(
                actor=SYSTEM,
                proposal=item,
                adopt=False,
                committee="总经理、总工程师、工会主席",
                union_member="工会主席",
                reason="与现行工艺改进计划重复，建议结合已立项目一并实施。",
                on=on,
            )
            continue
        services.proposal_review(
            actor=SYSTEM,
            proposal=item,
            adopt=True,
            committee="总经理、总工程师、财务负责人、工会主席",
            union_member="工会主席",
            on=on,
        )
        services.proposal_apply(actor=SYSTEM, proposal=item, applied_on=on + dt.timedelta(days=30))
        adopted += 1
        first_adopted = first_adopted or item
        if i % 2 == 0:
            applied = on + dt.timedelta(days=30)
            services.proposal_benefit(
                actor=SYSTEM,
                proposal=item,
                benefit_yuan=rng.choice((12000, 36000, 68000, 150000, 260000)),
                benefit_to=applied.replace(year=applied.year + 1),
                finance_confirmed_by="财务部 王会计",
            )
            services.proposal_reward(actor=SYSTEM, proposal=item)
            services.proposal_mark_paid(
                actor=SYSTEM, proposal=item, paid_on=applied.replace(year=applied.year + 1) + dt.timedelta(days=20)
            )
        if i < 5:
            services.proposal_select(actor=SYSTEM, proposal=item, year=YEAR)
    owner = henghui.parent or henghui
    patent_item = Proposal.objects.filter(org=owner).exclude(applied_on=None).order_by("id").first()
    patent = services.patent_record(
        actor=SYSTEM,
        org=owner,
        title="一种编织机的送经张力调节装置",
        kind="utility",
        number="ZL202120000001.0",
        inventors=patent_item.proposer_name if patent_item else "技术攻关班组",
        applied_on=dt.date(YEAR, 3, 2),
        granted_on=dt.date(YEAR, 9, 14),
        proposal=patent_item,
    )
    services.patent_reward(actor=SYSTEM, patent=patent, amount=2000, paid_on=dt.date(YEAR, 11, 30))
    return {"innovations_adopted_2021": adopted, "patents_2021": 1}


def _training(county: OrgNode, people: _People, rng: random.Random) -> int:
    factory = PersonFactory(SEED + 1)
    total = 0
    groups = [g for g, _w in GROUPS]
    weights = [w for _g, w in GROUPS]
    for month, (specialty, n) in enumerate(SPECIALTIES, start=3):
        course = services.course_create(
            actor=SYSTEM,
            org=county,
            data={
                "name": f"{YEAR}年{specialty}专业培训班",
                "specialty": specialty,
                "provider": "沛县中等职业学校、县人社局",
                "place": "县职教中心实训楼",
                "starts_on": dt.date(YEAR, month, 8),
                "ends_on": dt.date(YEAR, month, 28),
                "capacity": n + 10,
                "funding_yuan": n * 600,
                "funding_source": "职业技能提升补贴、县总工会",
            },
        )
        sessions = [
            services.session_add(actor=SYSTEM, course=course, on=dt.date(YEAR, month, d), topic=t)
            for d, t in ((8, "理论讲授"), (15, "实操训练"), (22, "实操训练"), (28, "考核"))
        ]
        enrolled = []
        for p in factory.people(n, born_between=(1970, 2000)):
            group = rng.choices(groups, weights)[0]
            enrolled.append(
                services.enrol(actor=SYSTEM, course=course, group=group, name=p.name, id_number=p.id_number)
            )
        for s in sessions:
            services.attendance_mark(actor=SYSTEM, session=s, enrolments=[e for e in enrolled if rng.random() < 0.93])
        services.course_complete(actor=SYSTEM, course=course)
        for e in course.enrolments.filter(status="completed").order_by("id")[: n // 3]:
            services.placement_record(
                actor=SYSTEM,
                enrolment=e,
                placement=rng.choice(("本县电商企业", "家政服务公司", "养老机构", "建筑公司")),
            )
        total += n
    longgu = OrgNode.objects.filter(kind=Kind.TOWN, name__startswith="龙固").first()
    if longgu is not None:
        hosts = list(OrgNode.objects.filter(kind=Kind.ENTERPRISE, parent=longgu).order_by("path")[:9])
        unions_of = {u.parent_id: u for u in OrgNode.objects.filter(kind=Kind.UNION, parent__in=hosts)}
        for i, host in enumerate(hosts):
            course = services.course_create(
                actor=SYSTEM,
                org=longgu,
                host=host,
                data={
                    "name": f"党管培训进企业·{host.short_name or host.name}",
                    "specialty": "装备制造" if i % 2 else "纺织塑编",
                    "provider": "县职教中心",
                    "place": f"{host.short_name or host.name}车间培训室",
                    "starts_on": dt.date(YEAR, 5 + i % 6, 10),
                    "ends_on": dt.date(YEAR, 5 + i % 6, 12),
                    "capacity": 20,
                },
            )
            session = services.session_add(actor=SYSTEM, course=course, on=course.starts_on, topic="岗位技能")
            rows = []
            for p in factory.people(12, born_between=(1975, 2000)):
                member = None
                if host.pk in unions_of and rng.random() < 0.5:
                    member = people.member(unions_of[host.pk])
                rows.append(
                    services.enrol(
                        actor=SYSTEM, course=course, group="worker", member=member, name=p.name, id_number=p.id_number
                    )
                )
            services.attendance_mark(actor=SYSTEM, session=session, enrolments=rows)
            services.course_complete(actor=SYSTEM, course=course)
            total += len(rows)
    return total


def _worker_flow(county: OrgNode) -> int:
    """The demo worker on the phone pages: registers, enrols, submits a 五小 item; the enterprise's
    chair reviews it."""
    from gefeng.workers.selectors import own_member

    user = User.objects.filter(username="zhigong").first()
    chair = User.objects.filter(username="xinge").first()
    if user is None or own_member(user) is None:
        return 0
    member = own_member(user)
    assert member is not None
    open_comp = services.competition_create(
        actor=SYSTEM,
        org=county,
        industry=Industry.objects.get(org=county, name="装备制造"),
        data={
            "name": "“歌风杯”沛县装备制造行业职工技能竞赛",
            "organiser": "县总工会",
            "is_demo": True,
            "starts_on": dt.date.today() + dt.timedelta(days=40),
            "registration_closes_on": dt.date.today() + dt.timedelta(days=30),
        },
    )
    trade = services.trade_add(actor=SYSTEM, competition=open_comp, name="装配钳工")
    services.trade_add(actor=SYSTEM, competition=open_comp, name="焊工")
    services.entry_register(actor=user, competition=open_comp, trade=trade, person=member)
    item = services.proposal_submit(
        actor=user,
        proposer=member,
        kind="renovation",
        title="喷头装配定位工装",
        description="用定位工装代替手工对中，装配效率提高约 20%，次品减少。",
        today=dt.date(2024, 3, 1),
    )
    if chair is not None:
        services.proposal_review(
            actor=chair,
            proposal=item,
            adopt=True,
            committee="总经理、总工程师、工会主席",
            union_member="刘建国",
            on=dt.date(2024, 3, 20),
        )
        services.proposal_apply(actor=chair, proposal=item, applied_on=dt.date(2024, 5, 1))
        services.proposal_benefit(
            actor=chair,
            proposal=item,
            benefit_yuan=42000,
            benefit_to=dt.date(2025, 5, 1),
            finance_confirmed_by="财务部 王会计",
        )
        services.proposal_reward(actor=chair, proposal=item)
        services.proposal_mark_paid(actor=chair, proposal=item, paid_on=dt.date(2025, 5, 20))
    return 1


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    county = OrgNode.objects.filter(kind=Kind.COUNTY).order_by("path").first()
    unions = _unions()
    if county is None or not unions:
        return {}
    rng = random.Random(SEED)
    people = _People()
    counts = _competitions(county, unions, people, rng)
    counts["apprentice_pairs_2021"] = _pairs(unions, people, rng)
    counts |= _proposals(county, unions, people, rng)
    counts["trainees_2021"] = _training(county, people, rng)
    counts["skills_worker_flow"] = _worker_flow(county)
    if stdout is not None:
        stdout.write(f"已生成技能竞赛 {counts['competitions_2020']} 场、师徒 {counts['apprentice_pairs_2021']} 对……\n")
    return counts
