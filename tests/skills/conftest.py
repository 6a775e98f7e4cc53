"""Objects of the skills tests. `world(tree)` builds, once per test, the outsider's (恒辉编织)
competitions in each state, a pair, proposals at each step, a patent and a course: the URL
matrix points its object URLs at them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char

_SEQ = {"n": 0}


def make_id(birth: str = "19880101") -> str:
    _SEQ["n"] += 1
    body = "320322" + birth + f"{_SEQ['n'] % 1000:03d}"
    return body + id_check_char(body)


def join(union: Any, name: str, *, birth: str = "19880101", skill: str = "", job: str = "一线工人", user: Any = None):
    from gefeng.members import services
    from gefeng.members.models import Member

    for _i in range(50):
        number = make_id(birth)
        try:
            member = services.member_join(
                actor=SYSTEM,
                union=union,
                data={
                    "name": name,
                    "id_number": number,
                    "joined_on": dt.date(2010, 5, 1),
                    "job_category": job,
                    "skill_level": skill,
                },
            )
        except ValidationError:
            continue
        if user is not None:
            Member.objects.filter(pk=member.pk).update(user=user)
            member.refresh_from_db()
        return member
    raise AssertionError("no free ID number")


def industry(county: Any, name: str = "装备制造") -> Any:
    from gefeng.skills import services
    from gefeng.skills.models import Industry

    return Industry.objects.filter(org=county, name=name).first() or services.industry_create(
        actor=SYSTEM, org=county, name=name
    )


def competition(org: Any, county: Any, name: str = "技能比武", **data: Any) -> Any:
    from gefeng.skills import services

    values = {"name": name, "starts_on": dt.date(2020, 9, 20), "registration_closes_on": dt.date(2020, 9, 10), **data}
    return services.competition_create(actor=SYSTEM, org=org, industry=industry(county), data=values)


def scored(org: Any, union: Any, county: Any, name: str, people: int = 3) -> Any:
    """A competition in scoring with `people` contestants, two judges and every score entered."""
    from gefeng.skills import services

    comp = competition(org, county, name)
    trade = services.trade_add(actor=SYSTEM, competition=comp, name="数控车工")
    judges = [
        services.judge_add(
            actor=SYSTEM, competition=comp, name=f"评委{'甲乙'[i - 1]}", declaration="与选手无亲属、同事关系"
        )
        for i in (1, 2)
    ]
    entries = [
        services.entry_register(
            actor=SYSTEM, competition=comp, trade=trade, person=join(union, f"选手{'甲乙丙丁戊己庚辛'[i]}")
        )
        for i in range(people)
    ]
    services.competition_start_scoring(actor=SYSTEM, competition=comp)
    for i, entry in enumerate(entries):
        for judge in judges:
            services.score_enter(actor=SYSTEM, entry=entry, judge=judge, part="theory", value=80 + i)
            services.score_enter(actor=SYSTEM, entry=entry, judge=judge, part="practice", value=70 + 2 * i)
    return comp


@dataclass
class World:
    open: Any
    scoring: Any
    notice: Any
    closed: Any
    entry: Any
    pair: Any
    proposals: dict[str, Any]
    patent: Any
    course: Any
    session: Any
    enrolment: Any


def world(tree: Any) -> World:
    from gefeng.skills import services
    from gefeng.skills.models import Competition, CompStatus, Course, Pair, Patent, Proposal

    org, union, county = tree.henghui, tree.henghui_union, tree.county
    mark = "恒辉编织"
    if not Competition.objects.filter(org=org, name__startswith=mark).exists():
        comp = competition(org, county, f"{mark}技能比武（报名）")
        trade = services.trade_add(actor=SYSTEM, competition=comp, name="钳工")
        services.judge_add(actor=SYSTEM, competition=comp, name="张评委", declaration="无利害关系")
        services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=join(union, "报名甲"))
        scored(org, union, county, f"{mark}技能比武（评分）")
        notice = scored(org, union, county, f"{mark}技能比武（公示）")
        services.results_compute(actor=SYSTEM, competition=notice)
        services.results_publish(actor=SYSTEM, competition=notice, notice_ends_on=dt.date(2020, 10, 10))
        closed = scored(org, union, county, f"{mark}技能比武（结束）")
        services.results_compute(actor=SYSTEM, competition=closed)
        services.results_publish(actor=SYSTEM, competition=closed, notice_ends_on=dt.date(2020, 10, 10))
        services.results_finalize(actor=SYSTEM, competition=closed, on=dt.date(2020, 10, 12))
        master, apprentice = join(union, "王师傅", birth="19700101"), join(union, "李徒弟")
        services.pair_create(
            actor=SYSTEM,
            master=master,
            apprentice=apprentice,
            trade="数控编程",
            starts_on=dt.date(2020, 3, 1),
            ends_on=dt.date(2022, 2, 28),
            duties="师傅传授，徒弟勤学",
            plan="第一年基础，第二年提高",
            targets="达到高级工",
        )
        grades(county)
        steps = proposals_at_each_step(union)
        patent = services.patent_record(
            actor=SYSTEM,
            org=org,
            title=f"{mark}一种编织机送经装置",
            kind="utility",
            number=f"ZL20992{org.pk % 10**7:07d}.0",
            inventors="王师傅",
            applied_on=dt.date(2020, 3, 1),
            granted_on=dt.date(2020, 11, 10),
            proposal=steps["rewarded"],
        )
        course = services.course_create(
            actor=SYSTEM,
            org=org,
            data={
                "name": f"{mark}数控培训班",
                "specialty": "数控加工",
                "provider": "县职教中心",
                "place": "企业培训室",
                "starts_on": dt.date(2020, 6, 1),
                "ends_on": dt.date(2030, 6, 30),
                "capacity": 30,
            },
        )
        services.session_add(actor=SYSTEM, course=course, on=dt.date(2020, 6, 1), topic="安全操作")
        services.enrol(actor=SYSTEM, course=course, group="worker", member=join(union, "学员甲"))
        assert patent
    comps = {c.status: c for c in Competition.objects.filter(org=org, name__startswith=mark)}
    course = Course.objects.filter(org=org, name__startswith=mark).first()
    closed = comps[CompStatus.CLOSED]
    return World(
        open=comps[CompStatus.OPEN],
        scoring=comps[CompStatus.SCORING],
        notice=comps[CompStatus.NOTICE],
        closed=closed,
        entry=closed.entries.order_by("rank", "id").first(),
        pair=Pair.objects.filter(org=org).first(),
        proposals={p.status: p for p in Proposal.objects.filter(org=org).order_by("id")},
        patent=Patent.objects.filter(org=org).first(),
        course=course,
        session=course.sessions.first(),
        enrolment=course.enrolments.first(),
    )


def grades(county: Any) -> None:
    from gefeng.skills import services

    for grade, threshold, amount in (
        (1, 500000, 20000),
        (2, 200000, 10000),
        (3, 50000, 5000),
        (4, 10000, 2000),
        (5, 0, 500),
    ):
        services.reward_grade_save(actor=SYSTEM, org=county, grade=grade, min_benefit=threshold, amount=amount)


def proposals_at_each_step(union: Any) -> dict[str, Any]:
    from gefeng.skills import services

    out = {}
    proposer = join(union, "创新者")
    for status in ("submitted", "rejected", "trial", "applied", "confirmed", "rewarded"):
        p = services.proposal_submit(
            actor=SYSTEM,
            proposer=proposer,
            kind="renovation",
            title=f"恒辉编织送经改进{status}",
            description="改进送经机构，减少断经。",
        )
        if status != "submitted":
            p = services.proposal_review(
                actor=SYSTEM,
                proposal=p,
                adopt=status != "rejected",
                committee="厂长、总工、工会主席",
                union_member="赵工会",
                reason="已有同类方案",
                on=dt.date(2020, 3, 1),
            )
        if status in ("applied", "confirmed", "rewarded"):
            p = services.proposal_apply(actor=SYSTEM, proposal=p, applied_on=dt.date(2020, 4, 1))
        if status in ("confirmed", "rewarded"):
            p = services.proposal_benefit(
                actor=SYSTEM,
                proposal=p,
                benefit_yuan=80000,
                benefit_to=dt.date(2021, 4, 1),
                finance_confirmed_by="财务科长",
            )
        if status == "rewarded":
            p = services.proposal_reward(actor=SYSTEM, proposal=p)
        out[status] = p
    return out


@pytest.fixture
def w(tree):
    return world(tree)
