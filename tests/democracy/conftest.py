"""Objects of the 民主管理 tests: a congress with constituencies and representatives, a meeting in
session with its sign-ins and motions in each state, a proposal, a disclosure, a charter.

`world(tree)` builds them at the outsider's enterprise (恒辉编织), once per test (the URL matrix
points its object URLs at them). `seat(tree, user)` makes a user a representative of 新格灌溉.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gefeng.core.actors import SYSTEM
from tests.talent.conftest import make_id

_SEQ = {"n": 300}
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TERM = (dt.date(2024, 1, 1), dt.date(2028, 12, 31))


def member(union: Any, *, name: str = "", woman: bool = False, job: str = "一线工人") -> Any:
    from gefeng.members import services

    _SEQ["n"] += 1
    n = _SEQ["n"]
    seq = f"{(n * 2 if woman else n * 2 + 1) % 1000:03d}"
    birth = f"19{65 + n % 25:02d}0{1 + n % 9}1{n % 9}"
    given = _GIVEN[(n // 20) % len(_GIVEN)] + _GIVEN[n % len(_GIVEN)]
    data = {"name": name or _SURNAMES[n % 20] + given, "id_number": make_id(birth=birth, seq=seq)}
    data["joined_on"] = dt.date(2010, 5, 1)
    data["job_category"] = job
    return services.member_join(actor=SYSTEM, union=union, data=data)


def congress_with_reps(org: Any, union: Any, *, reps: int = 12, employees: int = 180, **settings: Any) -> Any:
    """A congress of `org` with two constituencies and `reps` representatives (a third women, one
    manager, the rest front-line)."""
    from gefeng.democracy import services

    congress = services.congress_create(
        actor=SYSTEM, org=org, term_start=TERM[0], term_end=TERM[1], employee_count=employees,
        women_staff=employees // 3, **({"ratio_per": 15, "min_seats": 10} | settings),
    )  # fmt: skip
    half = employees // 2
    a = services.constituency_add(actor=SYSTEM, congress=congress, name="机加工车间", employees=half, seats=reps)
    b = services.constituency_add(
        actor=SYSTEM, congress=congress, name="装配车间", employees=employees - half, seats=reps
    )
    for i in range(reps):
        person = member(union, woman=i % 3 == 0, job="管理人员" if i == 1 else "一线工人")
        c = a if i % 2 == 0 else b
        services.representative_elect(
            actor=SYSTEM, constituency=c, member=person, elected_on=TERM[0], voters=c.employees, votes_for=c.employees
        )
    return congress


def open_meeting(congress: Any, *, signed: int) -> Any:
    from gefeng.democracy import services

    meeting = services.meeting_create(actor=SYSTEM, congress=congress, kind="congress", date_on=dt.date(2025, 3, 20))
    services.materials_publish(actor=SYSTEM, meeting=meeting, materials="工作报告", sent_on=dt.date(2025, 3, 10))
    services.meeting_open(actor=SYSTEM, meeting=meeting)
    for rep in congress.representatives.order_by("id")[:signed]:
        services.attendance_record(actor=SYSTEM, meeting=meeting, representative_id=rep.pk)
    return meeting


def seat(tree: Any, user: Any) -> Any:
    """Make `user` a representative of 新格灌溉's congress (bound to a member of its union)."""
    from gefeng.democracy import services
    from gefeng.democracy.models import Congress

    congress = Congress.objects.filter(org=tree.xinge).first() or congress_with_reps(
        tree.xinge, tree.xinge_union, reps=8, employees=320
    )
    person = member(tree.xinge_union, name="钱本人")
    person.user = user
    person.save(update_fields=["user"])
    c = congress.constituencies.order_by("id").first()
    c.seats += 1
    c.save()
    return services.representative_elect(
        actor=SYSTEM, constituency=c, member=person, elected_on=TERM[0], voters=c.employees, votes_for=c.employees
    )


@dataclass
class World:
    congress: Any
    meeting: Any
    draft: Any
    open: Any
    closed: Any
    proposal: Any
    disclosure: Any
    document: Any


def world(tree: Any) -> World:
    from gefeng.democracy import services
    from gefeng.democracy.models import Congress, DisclosureItem, Document, Motion, Proposal

    congress = Congress.objects.filter(org=tree.henghui).first()
    if congress is None:
        congress = congress_with_reps(tree.henghui, tree.henghui_union)
        meeting = open_meeting(congress, signed=9)
        doc = services.document_create(
            actor=SYSTEM, congress=congress, kind="charter", title="公司章程", text_body="第一条 总则\n第二条 职工权益",
            adopted_on=dt.date(2020, 1, 1),
        )  # fmt: skip
        closed = services.motion_create(actor=SYSTEM, meeting=meeting, title="工作报告")
        services.motion_open(actor=SYSTEM, motion=closed)
        services.motion_close(actor=SYSTEM, motion=closed)
        opened = services.motion_create(
            actor=SYSTEM, meeting=meeting, title="章程修订", kind="charter", document=doc,
            new_text="第一条 总则\n第二条 职工权益与义务",
        )  # fmt: skip
        services.motion_open(actor=SYSTEM, motion=opened)
        services.motion_create(actor=SYSTEM, meeting=meeting, title="福利方案")
        reps = list(congress.representatives.order_by("id"))
        services.proposal_submit(
            actor=SYSTEM, congress=congress, proposer=reps[0], title="改善食堂", content="增加夜班餐",
            cosigner_ids=[reps[1].pk, reps[2].pk],
        )  # fmt: skip
        services.disclosure_publish(
            actor=SYSTEM, org=tree.henghui, category="pay", title="三季度社保缴纳", content="按时足额缴纳"
        )
    motions = {m.title: m for m in Motion.objects.filter(meeting__congress=congress)}
    if "工作报告" not in motions:
        # The demo county's own congress of 恒辉编织 (the pilot): its motions by state.
        by_status = {m.status: m for m in Motion.objects.filter(meeting__congress=congress).order_by("-pk")}
        closed = by_status.get("closed") or Motion.objects.order_by("pk").first()
        motions = {
            "工作报告": closed,
            "福利方案": by_status.get("draft") or closed,
            "章程修订": by_status.get("open") or closed,
        }
    return World(
        congress=congress,
        meeting=motions["工作报告"].meeting,
        draft=motions["福利方案"],
        open=motions["章程修订"],
        closed=motions["工作报告"],
        proposal=Proposal.objects.filter(congress=congress).order_by("pk").first()
        or Proposal.objects.order_by("pk").first(),
        disclosure=DisclosureItem.objects.filter(org=tree.henghui).order_by("pk").first()
        or DisclosureItem.objects.order_by("pk").first(),
        document=Document.objects.filter(congress=congress).order_by("pk").first()
        or Document.objects.order_by("pk").first(),
    )
